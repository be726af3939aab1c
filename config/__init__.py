"""Typed settings and training presets."""

from config.settings import PROJECT_ROOT, RiskThresholds, Settings, get_settings

__all__ = ["PROJECT_ROOT", "RiskThresholds", "Settings", "get_settings"]

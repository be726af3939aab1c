"""Typed settings and training presets."""

from config.settings import (
    PROJECT_ROOT,
    REAL_WORKBOOK,
    SHARED_PEDE_DIR,
    RiskThresholds,
    Settings,
    get_settings,
)

__all__ = [
    "PROJECT_ROOT",
    "REAL_WORKBOOK",
    "SHARED_PEDE_DIR",
    "RiskThresholds",
    "Settings",
    "get_settings",
]

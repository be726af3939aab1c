"""Sidecar HTTP service: the production predictions, model info, reload and metrics."""

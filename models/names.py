"""Names shared with MLflow and across front ends: registered model, aliases, run tags,
artifacts and metric names. One home, so the dashboard, the sidecar and the CLI never spell them.
"""

from __future__ import annotations

from typing import Final

MODEL_NAME: Final = "passos-defasagem"  # registered model and experiment name in MLflow
EXPERIMENT_NAME: Final = "passos-defasagem"

# Registry aliases: the version that serves lists, and the one a rollback returns to.
PRODUCTION: Final = "production"
PREVIOUS: Final = "previous"

# Names every MLflow run carries (written by training, read by registry, dashboard, sidecar).
TAG_PRESET: Final = "preset"
TAG_ESTIMATOR: Final = "estimator"
TAG_TEST_YEAR: Final = "test_year"
TAG_TRAIN_YEARS: Final = "train_years"
TAG_HARMFUL: Final = "audit_harmful_disparities"
TAG_FLAGGED: Final = "audit_flagged_disparities"
ARTIFACT_TEST_PREDICTIONS: Final = "test_predictions.csv"
ARTIFACT_CONFUSION: Final = "confusion_matrix.csv"
ARTIFACT_CALIBRATION: Final = "calibration_by_decile.csv"
ARTIFACT_AUDIT: Final = "group_audit.csv"
ARTIFACT_PRESET: Final = "preset.yaml"

# Metric names logged per run.
MACRO_F1: Final = "macro_f1"
RECALL_CRITICAL: Final = "recall_critical"
PRECISION_AT_100: Final = "precision_at_100"
BRIER: Final = "brier"
# Metrics of the persistence baseline carry this prefix (``baseline_macro_f1``).
BASELINE_PREFIX: Final = "baseline_"


def baseline_metric(name: str) -> str:
    """The MLflow name of a baseline's value of ``name`` (``macro_f1`` → ``baseline_macro_f1``)."""
    return f"{BASELINE_PREFIX}{name}"

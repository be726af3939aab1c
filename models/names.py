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
ARTIFACT_RELIABILITY: Final = "reliability.csv"

# Metric names logged per run.
MACRO_F1: Final = "macro_f1"
RECALL_CRITICAL: Final = "recall_critical"
PRECISION_AT_50: Final = "precision_at_50"
PRECISION_AT_100: Final = "precision_at_100"
BRIER: Final = "brier"
ECE_CRITICAL: Final = "ece_critical"
ECE_AT_RISK: Final = "ece_at_risk"
# Mean macro-F1 of grouped cross-validation inside the training years: what selection reads.
CV_MACRO_F1: Final = "cv_macro_f1"
# Headline numbers that carry a bootstrap interval, seed statistics and paired deltas.
UNCERTAIN_METRICS: Final = (MACRO_F1, RECALL_CRITICAL, PRECISION_AT_50)

# The two baselines, by the prefix of their metrics: persistence (this year's class) and the
# domain rule (the class of the Defasagem after advancing one phase, ``rule_macro_f1``).
BASELINE_PREFIX: Final = "baseline_"
PERSISTENCE: Final = "baseline"
RULE: Final = "rule"
BASELINES: Final = (PERSISTENCE, RULE)


def baseline_metric(name: str, baseline: str = PERSISTENCE) -> str:
    """The MLflow name of a baseline's value of ``name`` (``macro_f1`` → ``baseline_macro_f1``,
    ``rule_macro_f1`` with ``baseline=RULE``)."""
    return f"{baseline}_{name}"


def ci_low(name: str) -> str:
    """Lower bound of the bootstrap 95% interval of ``name`` (``macro_f1_ci_low``)."""
    return f"{name}_ci_low"


def ci_high(name: str) -> str:
    return f"{name}_ci_high"


def seed_mean(name: str) -> str:
    """Mean of ``name`` over the preset's seeds (stochastic estimators only)."""
    return f"{name}_seed_mean"


def seed_sd(name: str) -> str:
    return f"{name}_seed_sd"


def gain_metric(name: str, baseline: str) -> str:
    """Paired gain of the model over a baseline (``gain_rule_macro_f1``); CI via ci_low/ci_high."""
    return f"gain_{baseline}_{name}"

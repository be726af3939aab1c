"""Metrics and the group audit on hand-made inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.audit import group_audit, harmful_disparities
from models.metrics import METRIC_NAMES, classification_metrics


def test_metric_names_and_top_k_precision() -> None:
    y_true = ["critical", "alert", "expected", "expected"]
    proba = np.array([[0.8, 0.1, 0.1], [0.2, 0.5, 0.3], [0.1, 0.1, 0.8], [0.3, 0.3, 0.4]])
    metrics = classification_metrics(y_true, ["critical", "alert", "expected", "expected"], proba)
    assert tuple(metrics) == METRIC_NAMES
    assert metrics["macro_f1"] == 1.0
    assert metrics["precision_at_25"] == 2 / 4  # k larger than n: all rows
    assert metrics["recall_critical_at_100"] == 1.0


def test_audit_flags_a_group_that_is_missed_more() -> None:
    n = 100
    frame = pd.DataFrame(
        {
            "genero": ["F"] * n + ["M"] * 80,
            "instituicao": ["publica"] * (n + 80),
            "fase": [1] * (n + 80),
        }
    )
    y_true = pd.Series(["alert"] * (n + 80))
    # 10% of F is missed, half of M
    y_pred = pd.Series(["alert"] * 90 + ["expected"] * 10 + ["alert"] * 40 + ["expected"] * 40)
    audit = group_audit(frame, y_true, y_pred)
    male = audit[(audit["atributo"] == "genero") & (audit["grupo"] == "M")].iloc[0]
    assert male["disparidade"] and "fnr" in male["metricas_disparidade"]
    assert harmful_disparities(audit) == ["genero=M (fnr)"]


def test_small_groups_are_shown_but_not_flagged() -> None:
    frame = pd.DataFrame({"genero": ["F"] * 50 + ["M"] * 5, "instituicao": "publica", "fase": 1})
    y_true = pd.Series(["alert"] * 55)
    y_pred = pd.Series(["alert"] * 50 + ["expected"] * 5)
    audit = group_audit(frame, y_true, y_pred)
    male = audit[audit["grupo"] == "M"].iloc[0]
    assert male["pequeno"] and not male["disparidade"]

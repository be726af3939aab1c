"""Metrics of a temporal test year: class metrics, list metrics (top-k) and calibration.

Pure functions over (y_true, y_pred, probabilities) so that the numbers logged to MLflow can be
recomputed from ``test_predictions.csv`` with the same code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

from models import columns as pc
from models.estimators import CLASSES, FloatArray, IntArray, encode, risk_score
from models.names import BRIER, ECE_AT_RISK, ECE_CRITICAL, MACRO_F1
from pipeline import columns as c

TOP_K: Final = (25, 50, 100)
METRIC_NAMES: Final = (
    MACRO_F1,
    "accuracy",
    *(f"{kind}_{cls}" for cls in CLASSES for kind in ("recall", "precision")),
    *(f"precision_at_{k}" for k in TOP_K),
    "recall_critical_at_100",
    BRIER,
    ECE_CRITICAL,
    ECE_AT_RISK,
)
CALIBRATION_BINS: Final = 10

# Columns of test_predictions.csv.
Y_TRUE: Final = "y_true"
Y_PRED: Final = "y_pred"
PROBA_COLUMNS: Final = pc.PROBABILITIES
TEST_PREDICTION_COLUMNS: Final = (c.RA, c.ANO, Y_TRUE, Y_PRED, *PROBA_COLUMNS)


def ranking(proba: FloatArray) -> IntArray:
    """Row order by risk (Critical-or-Alert probability), ties by P(critical), then row order."""
    order = np.lexsort((np.arange(len(proba)), -proba[:, 0], -risk_score(proba)))
    return order.astype(np.int64)


def classification_metrics(
    y_true: Sequence[str], y_pred: Sequence[str], proba: FloatArray
) -> dict[str, float]:
    """Every metric the issue names, on one test year."""
    truth = encode(y_true)
    pred = encode(y_pred)
    precision, recall, f1, _ = precision_recall_fscore_support(
        truth, pred, labels=[0, 1, 2], zero_division=0
    )
    out: dict[str, float] = {
        MACRO_F1: float(np.mean(f1)),
        "accuracy": float(accuracy_score(truth, pred)),
    }
    for i, cls in enumerate(CLASSES):
        out[f"recall_{cls}"] = float(recall[i])
        out[f"precision_{cls}"] = float(precision[i])
    lagging = truth <= 1  # critical or alert
    order = ranking(proba)
    for k in TOP_K:
        top = order[: min(k, len(order))]
        out[f"precision_at_{k}"] = float(lagging[top].mean()) if len(top) else 0.0
    critical = truth == 0
    top100 = order[: min(100, len(order))]
    out["recall_critical_at_100"] = (
        float(critical[top100].sum() / critical.sum()) if critical.any() else 0.0
    )
    onehot = np.eye(len(CLASSES))[truth]
    out[BRIER] = float(np.mean(np.sum((proba - onehot) ** 2, axis=1)))
    out[ECE_CRITICAL] = expected_calibration_error(proba[:, 0], critical)
    out[ECE_AT_RISK] = expected_calibration_error(risk_score(proba), lagging)
    return {name: out[name] for name in METRIC_NAMES}


def _bins(probability: FloatArray) -> IntArray:
    edges = np.linspace(0, 1, CALIBRATION_BINS + 1)[1:-1]
    return np.digitize(probability, edges).astype(np.int64)


def expected_calibration_error(probability: FloatArray, outcome: np.ndarray) -> float:
    """Weighted mean gap between predicted probability and observed share, 10 equal bins."""
    if not len(probability):
        return 0.0
    bins = _bins(probability)
    predicted = np.bincount(bins, weights=probability, minlength=CALIBRATION_BINS)
    observed = np.bincount(bins, weights=outcome.astype(float), minlength=CALIBRATION_BINS)
    return float(np.sum(np.abs(predicted - observed)) / len(probability))


def reliability_table(y_true: Sequence[str], proba: FloatArray) -> pd.DataFrame:
    """Per probability bin, for P(Crítico) and P(Crítico ou Alerta): n, mean predicted, observed."""
    truth = encode(y_true)
    rows = []
    for target, probability, outcome in (
        ("critical", proba[:, 0], truth == 0),
        ("at_risk", risk_score(proba), truth <= 1),
    ):
        bins = _bins(probability)
        for b in range(CALIBRATION_BINS):
            mask = bins == b
            if mask.any():
                rows.append(
                    {
                        "alvo": target,
                        "faixa": f"{b / CALIBRATION_BINS:.1f}-{(b + 1) / CALIBRATION_BINS:.1f}",
                        "n": int(mask.sum()),
                        "previsto": float(probability[mask].mean()),
                        "observado": float(outcome[mask].mean()),
                    }
                )
    return pd.DataFrame(rows, columns=["alvo", "faixa", "n", "previsto", "observado"])


def metrics_from_predictions(frame: pd.DataFrame) -> dict[str, float]:
    """Recompute the metrics from a ``test_predictions.csv`` frame."""
    proba = frame.loc[:, list(PROBA_COLUMNS)].to_numpy(dtype=np.float64)
    return classification_metrics(
        frame[Y_TRUE].astype(str).tolist(), frame[Y_PRED].astype(str).tolist(), proba
    )


def confusion_table(y_true: Sequence[str], y_pred: Sequence[str]) -> pd.DataFrame:
    """Counts, rows = true class, columns = predicted class."""
    matrix = confusion_matrix(encode(y_true), encode(y_pred), labels=[0, 1, 2])
    return pd.DataFrame(
        matrix,
        index=pd.Index([f"true_{k}" for k in CLASSES], name="classe"),
        columns=[f"pred_{k}" for k in CLASSES],
    )


def calibration_by_decile(y_true: Sequence[str], proba: FloatArray) -> pd.DataFrame:
    """Mean predicted risk against the observed share of Critical-or-Alert per risk decile."""
    risk = risk_score(proba)
    observed = (encode(y_true) <= 1).astype(float)
    ranks = pd.Series(risk).rank(method="first")
    deciles = pd.qcut(ranks, q=min(10, len(risk)), labels=False) + 1
    table = (
        pd.DataFrame({"decil": deciles, "risco_previsto": risk, "observado": observed})
        .groupby("decil")
        .agg(
            n=("observado", "size"),
            risco_previsto=("risco_previsto", "mean"),
            observado=("observado", "mean"),
        )
        .reset_index()
    )
    return table

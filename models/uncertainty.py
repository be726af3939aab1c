"""Bootstrap intervals and paired deltas of the headline metrics over the test students.

A resample of the test year draws its students with replacement; each resample is a row of
counts (how many times each student was drawn), so every metric of every resample is a matrix
product over those counts — a thousand resamples of a thousand students cost milliseconds.
Paired deltas use the same resamples for both models: the interval of the difference, not the
difference of two intervals, so that two versions scored on the same students can be told
apart (or not: an interval of the delta that contains 0).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import numpy as np

from models.estimators import CRITICAL_IDX, N_CLASSES, FloatArray, IntArray
from models.metrics import ranking
from models.names import (
    MACRO_F1,
    PRECISION_AT_50,
    RECALL_CRITICAL,
    UNCERTAIN_METRICS,
    ci_high,
    ci_low,
    gain_metric,
)

N_RESAMPLES: Final = 1000
CONFIDENCE: Final = 0.95
SEED: Final = 20240101  # fixed: the same test year always gets the same intervals
TOP_K_PRECISION: Final = 50


@dataclass(frozen=True)
class Scored:
    """One model's answer on the test students: class codes and probabilities (CLASSES order)."""

    y_pred: IntArray
    proba: FloatArray


def resample_counts(n: int, n_resamples: int = N_RESAMPLES, seed: int = SEED) -> FloatArray:
    """(n_resamples × n) draw counts of each student; a row sums to n."""
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n, size=(n_resamples, n))
    flat = draws + np.arange(n_resamples)[:, None] * n
    counts = np.bincount(flat.ravel(), minlength=n_resamples * n)
    return counts.reshape(n_resamples, n).astype(np.float64)


def _safe_ratio(num: FloatArray, den: FloatArray) -> FloatArray:
    return np.divide(num, den, out=np.zeros_like(num), where=den > 0)


def weighted_metrics(
    y_true: IntArray, scored: Scored, weights: FloatArray
) -> dict[str, FloatArray]:
    """The headline metrics for each row of ``weights`` (student counts).

    Same definitions as ``models.metrics.classification_metrics`` (zero when undefined); with
    weights all ones they are exactly the logged point values.
    """
    f1 = []
    for k in range(N_CLASSES):
        truth, pred = y_true == k, scored.y_pred == k
        tp = weights @ (truth & pred).astype(np.float64)
        den = weights @ truth.astype(np.float64) + weights @ pred.astype(np.float64)
        f1.append(_safe_ratio(2 * tp, den))
        if k == CRITICAL_IDX:
            recall_critical = _safe_ratio(tp, weights @ truth.astype(np.float64))
    order = ranking(scored.proba)
    lagging = (y_true[order] <= 1).astype(np.float64)
    in_order = weights[:, order]
    before = np.cumsum(in_order, axis=1) - in_order
    taken = np.clip(TOP_K_PRECISION - before, 0.0, in_order)  # the top 50 drawn students
    shown = np.minimum(float(TOP_K_PRECISION), weights.sum(axis=1))
    return {
        MACRO_F1: np.mean(f1, axis=0),
        RECALL_CRITICAL: recall_critical,
        PRECISION_AT_50: _safe_ratio(taken @ lagging, shown),
    }


def _bounds(samples: FloatArray) -> tuple[float, float]:
    tail = (1 - CONFIDENCE) / 2 * 100
    low, high = np.percentile(samples, [tail, 100 - tail])
    return float(low), float(high)


def confidence_intervals(
    y_true: IntArray, scored: Scored, counts: FloatArray | None = None
) -> dict[str, float]:
    """``<metric>_ci_low`` / ``<metric>_ci_high`` (95% percentile bootstrap), headline metrics."""
    counts = resample_counts(len(y_true)) if counts is None else counts
    out: dict[str, float] = {}
    for name, samples in weighted_metrics(y_true, scored, counts).items():
        out[ci_low(name)], out[ci_high(name)] = _bounds(samples)
    return out


def paired_gains(
    y_true: IntArray,
    model: Scored,
    reference: Scored,
    label: str,
    counts: FloatArray | None = None,
) -> dict[str, float]:
    """Gain of ``model`` over ``reference`` on the same students: point and 95% interval.

    Keys ``gain_<label>_<metric>`` and its ``_ci_low`` / ``_ci_high``.
    """
    counts = resample_counts(len(y_true)) if counts is None else counts
    ones = np.ones((1, len(y_true)))
    point_a, point_b = (
        weighted_metrics(y_true, model, ones),
        weighted_metrics(y_true, reference, ones),
    )
    boot_a = weighted_metrics(y_true, model, counts)
    boot_b = weighted_metrics(y_true, reference, counts)
    out: dict[str, float] = {}
    for name in UNCERTAIN_METRICS:
        key = gain_metric(name, label)
        out[key] = float(point_a[name][0] - point_b[name][0])
        out[ci_low(key)], out[ci_high(key)] = _bounds(boot_a[name] - boot_b[name])
    return out


def distinguishable(metrics: Mapping[str, float], key: str) -> bool | None:
    """Whether the 95% interval of a delta excludes 0 (None when it was not measured)."""
    low, high = metrics.get(ci_low(key)), metrics.get(ci_high(key))
    if low is None or high is None:
        return None
    return bool(low > 0 or high < 0)

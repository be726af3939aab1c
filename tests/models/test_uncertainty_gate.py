"""Bootstrap intervals, paired gains, the promotion gate and the choice of the best version.

Hand-made inputs: each test pins one rule whose mutation (a flipped limit, a dropped condition,
a max turned into a min) must fail it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import f1_score, recall_score

from models.audit import group_audit, harmful_disparities
from models.metrics import classification_metrics
from models.names import (
    CV_MACRO_F1,
    MACRO_F1,
    PERSISTENCE,
    PRECISION_AT_50,
    RECALL_CRITICAL,
    RULE,
    baseline_metric,
    ci_high,
    ci_low,
    gain_metric,
)
from models.registry import (
    GateVerdict,
    VersionInfo,
    best_passing,
    gains_over,
    gate_verdict,
    versus_production,
)
from models.uncertainty import (
    N_RESAMPLES,
    Scored,
    confidence_intervals,
    distinguishable,
    paired_gains,
    resample_counts,
    weighted_metrics,
)
from pipeline import columns as c

CLASSES = ("critical", "alert", "expected")


def _world(n: int = 400, noise: float = 0.3, seed: int = 0) -> tuple[np.ndarray, Scored]:
    """True class codes and a model that is right with probability 1 - noise."""
    rng = np.random.default_rng(seed)
    truth = rng.choice(3, size=n, p=[0.15, 0.3, 0.55])
    wrong = rng.random(n) < noise
    pred = np.where(wrong, rng.integers(0, 3, n), truth)
    proba = np.full((n, 3), 0.1)
    proba[np.arange(n), pred] = 0.8
    proba += rng.random((n, 3)) * 0.01  # no ties in the ranking
    proba /= proba.sum(axis=1, keepdims=True)
    return truth.astype(np.int64), Scored(pred.astype(np.int64), proba)


def test_resamples_draw_every_student_count_and_are_reproducible() -> None:
    counts = resample_counts(50)
    assert counts.shape == (N_RESAMPLES, 50) and N_RESAMPLES >= 1000
    assert (counts.sum(axis=1) == 50).all()
    np.testing.assert_array_equal(counts, resample_counts(50))


def test_weighted_metrics_with_unit_weights_are_the_logged_point_values() -> None:
    truth, scored = _world()
    point = weighted_metrics(truth, scored, np.ones((1, len(truth))))
    labels = [CLASSES[k] for k in truth]
    logged = classification_metrics(labels, [CLASSES[k] for k in scored.y_pred], scored.proba)
    for name in (MACRO_F1, RECALL_CRITICAL, PRECISION_AT_50):
        assert point[name][0] == pytest.approx(logged[name], abs=1e-12), name
    # and independently of the code under test: scikit-learn on the same rows
    assert point[MACRO_F1][0] == pytest.approx(f1_score(truth, scored.y_pred, average="macro"))
    assert point[RECALL_CRITICAL][0] == pytest.approx(
        recall_score(truth, scored.y_pred, labels=[0], average="macro")
    )


def test_bootstrap_matches_an_explicit_resample_loop() -> None:
    truth, scored = _world(n=120)
    counts = resample_counts(120, n_resamples=20, seed=3)
    fast = weighted_metrics(truth, scored, counts)
    rng = np.random.default_rng(3)
    draws = rng.integers(0, 120, size=(20, 120))
    for i, rows in enumerate(draws):
        assert fast[MACRO_F1][i] == pytest.approx(
            f1_score(truth[rows], scored.y_pred[rows], labels=[0, 1, 2], average="macro")
        )


def test_intervals_bracket_the_point_and_narrow_with_more_students() -> None:
    widths = []
    for n in (200, 2000):
        truth, scored = _world(n=n)
        point = weighted_metrics(truth, scored, np.ones((1, n)))
        ci = confidence_intervals(truth, scored)
        for name in (MACRO_F1, RECALL_CRITICAL, PRECISION_AT_50):
            assert ci[ci_low(name)] <= point[name][0] <= ci[ci_high(name)], name
        widths.append(ci[ci_high(MACRO_F1)] - ci[ci_low(MACRO_F1)])
    assert 0 < widths[1] < widths[0] / 2


def test_paired_gain_tells_a_better_model_from_an_equal_one() -> None:
    truth, good = _world(noise=0.1, seed=1)
    _, poor = _world(noise=0.6, seed=1)
    gains = paired_gains(truth, good, poor, "x")
    key = gain_metric(MACRO_F1, "x")
    assert gains[key] > 0 and gains[ci_low(key)] > 0 and distinguishable(gains, key)
    same = paired_gains(truth, good, good, "x")
    assert same[key] == 0 and same[ci_low(key)] == 0 == same[ci_high(key)]
    assert distinguishable(same, key) is False
    assert distinguishable({}, key) is None


# --- the gate ---------------------------------------------------------------------------------


def _metrics(**overrides: float) -> dict[str, float]:
    """A candidate that beats both baselines, significantly on macro-F1."""
    base = {
        MACRO_F1: 0.70,
        RECALL_CRITICAL: 0.75,
        baseline_metric(MACRO_F1, PERSISTENCE): 0.50,
        baseline_metric(RECALL_CRITICAL, PERSISTENCE): 0.50,
        baseline_metric(MACRO_F1, RULE): 0.60,
        baseline_metric(RECALL_CRITICAL, RULE): 0.60,
        gain_metric(MACRO_F1, RULE): 0.10,
        ci_low(gain_metric(MACRO_F1, RULE)): 0.04,
        ci_high(gain_metric(MACRO_F1, RULE)): 0.16,
        gain_metric(MACRO_F1, PERSISTENCE): 0.20,
        ci_low(gain_metric(MACRO_F1, PERSISTENCE)): 0.12,
        ci_high(gain_metric(MACRO_F1, PERSISTENCE)): 0.28,
    }
    return base | overrides


def test_gate_passes_a_significant_gain_over_the_strongest_baseline() -> None:
    assert gate_verdict(_metrics(), []).passed


def test_gate_checks_critical_recall_not_only_macro_f1() -> None:
    verdict = gate_verdict(_metrics(**{RECALL_CRITICAL: 0.55}), [])
    assert not verdict.passed
    assert "recall de Crítico 0.550 não supera a regra da fase" in verdict.describe()


def test_gate_blocks_a_harmful_disparity() -> None:
    verdict = gate_verdict(_metrics(), ["genero=M (fnr)"])
    assert not verdict.passed and "genero=M" in verdict.describe()


def test_gate_blocks_a_gain_that_is_not_significant() -> None:
    key = gain_metric(MACRO_F1, RULE)
    verdict = gate_verdict(_metrics(**{ci_low(key): -0.01}), [])
    assert not verdict.passed and "pode ser acaso" in verdict.describe()
    assert gate_verdict(_metrics(**{ci_low(key): -0.01}), [], significant=()).passed


def test_gate_compares_with_the_strongest_baseline_not_persistence() -> None:
    # beats persistence (0.50) by far, but the domain rule (0.72) is stronger
    verdict = gate_verdict(_metrics(**{baseline_metric(MACRO_F1, RULE): 0.72}), [])
    assert not verdict.passed and "não supera a regra da fase" in verdict.describe()
    assert not gate_verdict({MACRO_F1: 0.9, RECALL_CRITICAL: 0.9}, []).passed  # not measured


def test_worse_than_production_is_said_plainly_and_fails() -> None:
    gains = {
        gain_metric(MACRO_F1, "production"): -0.02,
        ci_low(gain_metric(MACRO_F1, "production")): -0.05,
        ci_high(gain_metric(MACRO_F1, "production")): 0.01,
    }
    verdict = versus_production(GateVerdict(True, ()), gains, "3")
    assert not verdict.passed
    assert "pior que a produção (v3) em macro-F1: -0.020 (IC 95% -0.050 a +0.010)" in (
        verdict.describe()
    )
    better = {gain_metric(MACRO_F1, "production"): 0.01}
    assert versus_production(GateVerdict(True, ()), better, "3").passed


def test_gains_over_production_need_the_same_test_students() -> None:
    truth, good = _world(n=100, noise=0.1)
    _, poor = _world(n=100, noise=0.5, seed=4)

    def frame(scored: Scored) -> pd.DataFrame:
        return pd.DataFrame(
            {
                c.RA: [f"RA-{i}" for i in range(100)],
                c.ANO: 2023,
                "y_true": [CLASSES[k] for k in truth],
                "y_pred": [CLASSES[k] for k in scored.y_pred],
                "p_critical": scored.proba[:, 0],
                "p_alert": scored.proba[:, 1],
                "p_expected": scored.proba[:, 2],
            }
        )

    gains = gains_over(frame(good), frame(poor).sample(frac=1, random_state=1), "production")
    assert gains[gain_metric(MACRO_F1, "production")] > 0
    other_year = frame(poor).assign(**{c.ANO: 2024})
    assert gains_over(frame(good), other_year, "production") == {}


# --- choosing the best version ------------------------------------------------------------------


def _version(number: int, cv: float, macro_f1: float, passed: bool = True) -> VersionInfo:
    return VersionInfo(
        version=str(number),
        run_id=f"run{number}",
        preset=f"p{number}",
        estimator="lightgbm",
        test_year=2023,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        metrics={CV_MACRO_F1: cv, MACRO_F1: macro_f1},
        harmful_disparities=(),
        aliases=(),
        gate=GateVerdict(passed, () if passed else ("x",)),
    )


def test_best_version_is_the_highest_training_years_score_never_the_test_year() -> None:
    versions = [_version(1, 0.60, 0.70), _version(2, 0.66, 0.61), _version(3, 0.63, 0.65)]
    assert best_passing(versions).version == "2"  # best CV, although worst on the test year
    failing = [_version(4, 0.90, 0.90, passed=False), *versions]
    assert best_passing(failing).version == "2"


# --- the audit's limit --------------------------------------------------------------------------


def _audit_case(missed_in_m: int) -> list[str]:
    """100 F students at risk (20 missed) and 100 M students at risk (``missed_in_m`` missed)."""
    frame = pd.DataFrame({"genero": ["F"] * 101 + ["M"] * 100, "instituicao": "publica", "fase": 1})
    y_true = pd.Series(["alert"] * 201)
    y_pred = pd.Series(
        ["alert"] * 81
        + ["expected"] * 20
        + ["alert"] * (100 - missed_in_m)
        + ["expected"] * missed_in_m
    )
    return harmful_disparities(group_audit(frame, y_true, y_pred))


def test_audit_blocks_a_group_missed_one_and_a_half_times_as_often() -> None:
    # FNR 0.30 against 0.198: ratio 1.5 (> 1.25) and 10 points worse → harmful
    assert _audit_case(30) == ["genero=M (fnr)"]
    # FNR 0.24 against 0.198: ratio 1.21, within the 1.25 limit → not blocking
    assert _audit_case(24) == []

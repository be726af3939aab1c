"""What a run logs can be checked without the code under test, and training never sees the
test year: intervals, seeds, the domain-rule baseline recomputed from gold, metrics recomputed
with scikit-learn, the Critical boundary, and the test rows kept out of fitting and selection.
"""

from __future__ import annotations

from typing import Any

import mlflow
import numpy as np
import pandas as pd
import pytest
from mlflow import MlflowClient
from sklearn.metrics import f1_score, precision_score, recall_score

from config import Settings
from models import registry, training
from models.dataset import training_data
from models.features import build_features
from models.names import (
    ARTIFACT_RELIABILITY,
    ARTIFACT_TEST_PREDICTIONS,
    CV_MACRO_F1,
    ECE_AT_RISK,
    ECE_CRITICAL,
    MACRO_F1,
    RULE,
    UNCERTAIN_METRICS,
    baseline_metric,
    ci_high,
    ci_low,
    gain_metric,
    seed_mean,
    seed_sd,
)
from pipeline import columns as c
from tests.models.gold_factory import fast_preset, ideal_phase, synthetic_gold

STOCHASTIC = {"random_forest", "lightgbm"}
CLASS_CODES = {"critical": 0, "alert": 1, "expected": 2}


def _runs(settings: Settings) -> dict[str, Any]:
    client = MlflowClient(tracking_uri=settings.tracking_uri)
    return {v.preset: client.get_run(v.run_id) for v in registry.list_versions(settings)}


def _test_predictions(settings: Settings, run_id: str) -> pd.DataFrame:
    path = mlflow.artifacts.download_artifacts(
        run_id=run_id, artifact_path=ARTIFACT_TEST_PREDICTIONS, tracking_uri=settings.tracking_uri
    )
    return pd.read_csv(path, dtype={c.RA: str})


def test_every_headline_number_has_an_interval_that_brackets_it(trained: Settings) -> None:
    for preset, run in _runs(trained).items():
        m = run.data.metrics
        for name in UNCERTAIN_METRICS:
            assert m[ci_low(name)] <= m[name] <= m[ci_high(name)], (preset, name)
            assert m[ci_low(name)] < m[ci_high(name)] or m[name] in (0.0, 1.0), (preset, name)
            for base in ("baseline", RULE):
                gain = gain_metric(name, base)
                assert m[ci_low(gain)] <= m[gain] <= m[ci_high(gain)], (preset, gain)
            if preset in STOCHASTIC:  # five seeds by default (fast presets keep the default)
                assert run.data.params["seeds"] == "5"
                assert m[seed_sd(name)] >= 0 and 0 <= m[seed_mean(name)] <= 1
            else:
                assert seed_mean(name) not in m, (preset, name)
        assert {ECE_CRITICAL, ECE_AT_RISK, CV_MACRO_F1} <= set(m)
        artifacts = {
            a.path for a in MlflowClient(trained.tracking_uri).list_artifacts(run.info.run_id)
        }
        assert ARTIFACT_RELIABILITY in artifacts


def test_logged_metrics_recompute_with_scikit_learn(trained: Settings) -> None:
    """From test_predictions.csv with scikit-learn and pandas only, not models.metrics."""
    for preset, run in _runs(trained).items():
        frame = _test_predictions(trained, run.info.run_id)
        logged = run.data.metrics
        truth, pred = frame["y_true"], frame["y_pred"]
        labels = ["critical", "alert", "expected"]
        assert logged[MACRO_F1] == pytest.approx(
            f1_score(truth, pred, labels=labels, average="macro", zero_division=0)
        ), preset
        assert logged["recall_critical"] == pytest.approx(
            recall_score(truth, pred, labels=["critical"], average="macro", zero_division=0)
        ), preset
        assert logged["precision_alert"] == pytest.approx(
            precision_score(truth, pred, labels=["alert"], average="macro", zero_division=0)
        ), preset
        ranked = frame.assign(risk=frame["p_critical"] + frame["p_alert"]).sort_values(
            ["risk", "p_critical"], ascending=False, kind="stable"
        )
        top50 = ranked.head(50)["y_true"].isin(["critical", "alert"]).mean()
        assert logged["precision_at_50"] == pytest.approx(top50), preset


def _rule_class(gold: pd.DataFrame) -> pd.Series:
    """Independent of models.features: the class of (fase + 1) - ideal phase at age + 1.

    The ideal phase comes from the factory's own age table; PEDE's last ideal phase is 8.
    """
    idade = gold[c.IDADE].astype(int).to_numpy()
    fase_ideal = gold[c.FASE_IDEAL].astype(int).to_numpy()
    next_ideal = np.maximum(np.minimum(ideal_phase(idade + 1), 8), fase_ideal)
    after = gold[c.DEFASAGEM].astype(int).to_numpy() + fase_ideal + 1 - next_ideal
    return pd.Series(
        np.where(after <= -2, "critical", np.where(after == -1, "alert", "expected")),
        index=gold.index,
    )


def test_domain_rule_baseline_matches_an_independent_computation(trained: Settings) -> None:
    gold = synthetic_gold()
    test = gold[(gold[c.ANO] == 2023) & gold[c.CLASSE_PROXIMO_ANO].notna()]
    truth = test[c.CLASSE_PROXIMO_ANO].astype(str)
    rule = _rule_class(test)
    expected_f1 = f1_score(truth, rule, average="macro", labels=list(CLASS_CODES))
    expected_recall = recall_score(truth, rule, labels=["critical"], average="macro")
    for preset, run in _runs(trained).items():
        logged = run.data.metrics
        assert logged[baseline_metric(MACRO_F1, RULE)] == pytest.approx(expected_f1), preset
        assert logged[baseline_metric("recall_critical", RULE)] == pytest.approx(expected_recall)


def test_critical_boundary_is_defasagem_minus_two_on_synthetic_data() -> None:
    gold = synthetic_gold()
    known = gold[gold[c.DEFASAGEM_PROXIMO_ANO].notna()]
    for value, label in ((-3, "critical"), (-2, "critical"), (-1, "alert"), (0, "expected")):
        rows = known[known[c.DEFASAGEM_PROXIMO_ANO] == value]
        assert len(rows) > 0, value
        assert set(rows[c.CLASSE_PROXIMO_ANO].astype(str)) == {label}, value
    # and the rule baseline calls a student Critical at a projected Defasagem of exactly -2
    from models.estimators import make_model
    from models.features import ALL_FEATURES, DEFASAGEM_SE_AVANCAR

    rule = make_model(training.BASELINE_PRESETS[RULE], ALL_FEATURES, -2, -1)
    frame = pd.DataFrame({c.DEFASAGEM: [0.0, 0.0, 0.0], DEFASAGEM_SE_AVANCAR: [-2.0, -1.0, 0.0]})
    rule.fit(frame, pd.Series(["critical", "alert", "expected"]))
    assert rule.predict(frame).tolist() == ["critical", "alert", "expected"]


def test_fitting_never_sees_the_test_year(
    gold_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every fit (model, seeds, CV) gets rows of training years only."""
    data = training_data(synthetic_gold())
    features = build_features(data.gold)
    seen: list[pd.Index] = []
    real_fit = training._fit

    def spy(preset: Any, names: Any, X: pd.DataFrame, y: pd.Series, s: Settings) -> Any:
        seen.append(X.index)
        return real_fit(preset, names, X, y, s)

    monkeypatch.setattr(training, "_fit", spy)
    fold = data.headline
    training.evaluate_fold(
        fast_preset("lightgbm"), data, features, fold, gold_settings, headline=True
    )
    assert len(seen) >= 1 + 4 + 2  # the model, four more seeds, the CV folds
    for index in seen:
        years = set(data.labelled.loc[index, c.ANO].astype(int))
        assert years and max(years) < fold.test_year, years
    assert set(data.labelled.loc[fold.train_index, c.ANO].astype(int)) == {2022}


def test_selection_never_reads_the_test_year(gold_settings: Settings) -> None:
    """Poison every test-year row (features and labels): the training-years CV is unchanged."""
    gold = synthetic_gold()
    poisoned = gold.copy()
    rng = np.random.default_rng(0)
    test_rows = poisoned[c.ANO] == 2023
    for column in (*c.SCORES, c.INDE):
        poisoned.loc[test_rows, column] = rng.uniform(0, 10, int(test_rows.sum()))
    poisoned.loc[test_rows, c.CLASSE_PROXIMO_ANO] = rng.choice(
        ["critical", "alert", "expected"], int(test_rows.sum())
    )
    preset = fast_preset("lightgbm")
    results = []
    for frame in (gold, poisoned):
        data = training_data(frame)
        result = training.evaluate_fold(
            preset, data, build_features(frame), data.headline, gold_settings, headline=True
        )
        results.append(result.metrics)
    clean, dirty = results
    assert clean[CV_MACRO_F1] == dirty[CV_MACRO_F1]
    assert clean[MACRO_F1] != dirty[MACRO_F1]  # the test year itself did change

"""Behaviour of the trained estimators, without MLflow (fast)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.dataset import labelled
from models.estimators import RiskModel, fit_with_decision, risk_score
from models.features import build_features, feature_names, features_for_records, select_features
from pipeline import columns as c
from tests.models.gold_factory import FAST_PRESETS, fast_preset, synthetic_gold


@pytest.fixture(scope="module")
def gold() -> pd.DataFrame:
    return synthetic_gold()


def _fit(name: str, gold: pd.DataFrame) -> RiskModel:
    rows = labelled(gold)
    names = feature_names()
    X = select_features(build_features(gold).loc[rows.index], names)
    return fit_with_decision(
        fast_preset(name),
        names,
        X,
        rows[c.CLASSE_PROXIMO_ANO].astype(str),
        critical_at_most=-2,
        alert_at_most=-1,
    )


@pytest.mark.parametrize("name", [*FAST_PRESETS, "xgboost"])
def test_less_behind_all_else_equal_is_never_riskier(name: str, gold: pd.DataFrame) -> None:
    model = _fit(name, gold)
    latest = gold[gold[c.ANO] == 2024]
    history = gold[gold[c.ANO] == 2023]
    names = model.feature_names
    base = risk_score(
        model.predict_proba(select_features(features_for_records(latest, history), names))
    )
    less_behind = latest.assign(**{c.DEFASAGEM: latest[c.DEFASAGEM] + 1})
    moved = risk_score(
        model.predict_proba(select_features(features_for_records(less_behind, history), names))
    )
    assert (moved <= base + 1e-9).all()


@pytest.mark.parametrize("name", [*FAST_PRESETS, "xgboost"])
def test_probabilities_are_valid_and_contributions_explain_each_feature(
    name: str, gold: pd.DataFrame
) -> None:
    model = _fit(name, gold)
    X = select_features(build_features(gold).head(50), model.feature_names)
    X.iloc[:10, :5] = np.nan  # missing indicators
    proba = model.predict_proba(X)
    assert proba.shape == (50, 3)
    assert np.allclose(proba.sum(axis=1), 1.0) and (proba >= -1e-12).all()
    contributions = model.risk_contributions(X)
    assert list(contributions.columns) == list(model.feature_names)
    assert np.isfinite(contributions.to_numpy()).all()
    assert set(model.predict(X)) <= {"critical", "alert", "expected"}


def test_low_engagement_raises_risk_on_the_synthetic_signal(gold: pd.DataFrame) -> None:
    model = _fit("lightgbm", gold)
    X = select_features(build_features(gold[gold[c.ANO] == 2024]), model.feature_names)
    risk = pd.Series(risk_score(model.predict_proba(X)), index=X.index)
    low = X[c.IEG] < X[c.IEG].quantile(0.25)
    high = X[c.IEG] > X[c.IEG].quantile(0.75)
    assert risk[low].mean() > risk[high].mean()

"""Features: pure, float, history from the previous year, robust to missing inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd

from models import features as f
from pipeline import columns as c
from tests.models.gold_factory import synthetic_gold


def test_build_features_is_float_and_keeps_the_index() -> None:
    gold = synthetic_gold()
    feats = f.build_features(gold)
    assert list(feats.columns) == list(f.ALL_FEATURES)
    assert feats.index.equals(gold.index)
    assert all(dtype == np.float64 for dtype in feats.dtypes)


def test_history_comes_from_the_previous_year_of_the_same_student() -> None:
    gold = synthetic_gold()
    feats = f.build_features(gold)
    first_year = gold[c.ANO] == gold[c.ANO].min()
    assert feats.loc[first_year, f.HISTORY_FEATURES].isna().all().all()
    row = gold[(gold[c.ANO] == 2023)].iloc[0]
    previous = gold[(gold[c.RA] == row[c.RA]) & (gold[c.ANO] == 2022)].iloc[0]
    got = feats.loc[row.name]
    assert got[f"{c.IEG}{f.PREVIOUS_SUFFIX}"] == previous[c.IEG]
    assert got[f"{f.DELTA_PREFIX}{c.IEG}"] == row[c.IEG] - previous[c.IEG]


def test_records_with_missing_columns_and_values_do_not_crash() -> None:
    records = pd.DataFrame({c.RA: ["RA-1", "RA-2"], c.ANO: [2024, 2024], c.IEG: [4.0, np.nan]})
    feats = f.features_for_records(records, history=None)
    assert feats.shape == (2, len(f.ALL_FEATURES))
    assert feats[c.IDA].isna().all()
    assert feats.loc[0, c.IEG] == 4.0


def test_ideal_phase_step_follows_the_two_year_phases() -> None:
    idade = pd.Series([10.0, 11.0, 9.0, 20.0, np.nan])
    fase_ideal = pd.Series([2.0, 2.0, 1.0, 8.0, 2.0])
    step = f.ideal_phase_step(idade, fase_ideal)
    assert step.tolist()[:4] == [0.0, 1.0, 1.0, 0.0]
    assert np.isnan(step.iloc[4])


def test_institution_is_one_hot_and_pedra_ordinal() -> None:
    gold = synthetic_gold().head(20)
    feats = f.build_features(gold)
    one_hot = feats.loc[:, list(f.INSTITUICAO_FEATURES)]
    assert (one_hot.sum(axis=1) == 1).all()
    assert set(feats[f.PEDRA_ORDINAL].dropna().unique()) <= {1.0, 2.0, 3.0, 4.0}

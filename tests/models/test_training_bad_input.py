"""Training refuses bad gold with a clear message (and writes nothing to MLflow)."""

from __future__ import annotations

import pandas as pd
import pytest

from config import Settings
from models.dataset import training_data
from models.errors import NoGoldError, NoLabelsError, NotEnoughLabelledYearsError, SingleYearError
from models.training import train_preset
from pipeline import columns as c
from tests.models.gold_factory import synthetic_gold, write_gold


def test_no_gold(settings: Settings) -> None:
    with pytest.raises(NoGoldError, match="passos ingest"):
        train_preset(settings, "persistence")
    assert not (settings.data_dir / "mlflow.db").exists()


def test_only_one_year(settings: Settings) -> None:
    write_gold(settings, synthetic_gold(years=(2023,)))
    with pytest.raises(SingleYearError, match="Só há dados do ano 2023"):
        train_preset(settings, "persistence")


def test_years_without_labels() -> None:
    gold = synthetic_gold()
    gold = gold[gold[c.ANO] != 2023].copy()  # 2022 and 2024: no consecutive years
    gold[c.CLASSE_PROXIMO_ANO] = pd.NA
    with pytest.raises(NoLabelsError, match="dois anos consecutivos"):
        training_data(gold)


def test_one_labelled_transition_is_not_enough_for_a_temporal_test() -> None:
    with pytest.raises(NotEnoughLabelledYearsError, match="2022→2023"):
        training_data(synthetic_gold(years=(2022, 2023)))


def test_probable_copy_transitions_are_excluded() -> None:
    gold = synthetic_gold(years=(2022, 2023, 2024, 2025), suspect=(2025,))
    data = training_data(gold)
    assert data.excluded_suspect > 0
    assert data.labelled_years == (2022, 2023)
    assert data.headline.test_year == 2023

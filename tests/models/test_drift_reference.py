"""Promotion and rollback record the production model's training years for drift."""

from __future__ import annotations

from config import Settings
from models import registry
from models.names import TAG_TEST_YEAR, TAG_TRAIN_YEARS
from pipeline.drift import SOURCE_PRODUCTION, Reference, production_reference
from pipeline.store import engine_for
from tests.models.gold_factory import FAST_PRESETS

FOREST = str(FAST_PRESETS.index("random_forest") + 1)
LIGHTGBM = str(FAST_PRESETS.index("lightgbm") + 1)


def test_training_years_are_the_train_years_and_the_refit_test_year() -> None:
    tags = {TAG_TRAIN_YEARS: "2022,2023", TAG_TEST_YEAR: "2024"}
    assert registry.training_years(tags) == [2022, 2023, 2024]
    assert registry.training_years({TAG_TEST_YEAR: "2023"}) == [2023]
    assert registry.training_years({}) == []


def _reference(settings: Settings) -> Reference | None:
    with engine_for(settings).connect() as conn:
        return production_reference(conn)


def test_promotion_and_rollback_record_the_training_years(trained: Settings) -> None:
    assert _reference(trained) is None
    registry.promote(trained, FOREST, reason="primeiro", user="ana")
    # Synthetic gold 2022-2024: labelled 2022 and 2023, tested on 2023, refit on both.
    assert _reference(trained) == Reference((2022, 2023), SOURCE_PRODUCTION, FOREST)
    registry.promote(trained, LIGHTGBM, reason="segundo", user="ana")
    registry.rollback(trained, reason="voltar", user="ana")
    reference = _reference(trained)
    assert reference is not None and reference.model_version == FOREST

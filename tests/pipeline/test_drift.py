"""Drift ("Mudanças nos dados"): the statistics, the verdict on natural and shifted years (synthetic
data from the project's generator, and the real workbook when present), the stored reports, the
status, and the re-measure at promotion that clears a relevant change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy.stats import wasserstein_distance
from sqlalchemy import select

import synthetic
from config import Settings
from pipeline import columns as c
from pipeline import drift
from pipeline.ingest import ingest
from pipeline.plan import Upload
from pipeline.state import gold_path
from pipeline.status import pipeline_status
from pipeline.store import drift_columns, engine_for
from tests.conftest import REAL_WORKBOOK, needs_real_data, sheet_2023

LIMITS = drift.DriftLimits.from_settings(Settings())  # the shipped thresholds


# --- the statistics (pure) -------------------------------------------------------------------


def test_wasserstein_matches_scipy() -> None:
    rng = np.random.default_rng(3)
    u, v = rng.normal(0, 1, 300), rng.gamma(2.0, 1.5, 170)
    assert drift.wasserstein(u, v) == pytest.approx(wasserstein_distance(u, v), rel=1e-12)


def test_numeric_drift_is_the_move_in_reference_standard_deviations() -> None:
    rng = np.random.default_rng(4)
    ref = pd.Series(rng.normal(5, 2, 2000), name=c.IDA)
    moved = pd.Series(ref.to_numpy() + 2.4, name=c.IDA)  # 1.2 standard deviations
    small = pd.Series(ref.to_numpy() + 1.0, name=c.IDA)  # 0.5
    assert drift.numeric_drift(ref, moved, LIMITS).score == pytest.approx(1.2, abs=0.02)
    assert drift.numeric_drift(ref, moved, LIMITS).drifted
    assert not drift.numeric_drift(ref, small, LIMITS).drifted
    assert drift.numeric_drift(ref, small, replace(LIMITS, effect=0.4)).drifted


def test_numeric_drift_on_a_constant_reference_and_too_few_values() -> None:
    constant = pd.Series([7.0] * 50, name=c.IPP)
    assert drift.numeric_drift(constant, constant, LIMITS).score == 0
    assert drift.numeric_drift(constant, constant + 1, LIMITS).drifted
    few = drift.numeric_drift(constant, pd.Series([7.0] * 5, name=c.IPP), LIMITS)
    assert few.method == drift.NOT_MEASURED and few.score is None and not few.drifted


def test_categorical_drift_vanished_level_and_total_variation() -> None:
    ref = pd.Series([0, 1, 2, 3] * 50, name=c.FASE)
    no_phase_3 = pd.Series([0, 1, 2] * 60, name=c.FASE)
    result = drift.categorical_drift(ref, no_phase_3, LIMITS)
    assert result.method == drift.VANISHED_METHOD and result.drifted
    assert result.score == pytest.approx(0.25)
    # Institutions are free text whose categories change: only the distance counts there.
    inst = pd.Series(["publica"] * 180 + ["rede"] * 20, name=c.INSTITUICAO)
    renamed = pd.Series(["publica"] * 180 + ["privada"] * 20, name=c.INSTITUICAO)
    moved = drift.categorical_drift(inst, renamed, LIMITS)
    assert moved.method == drift.CATEGORICAL_METHOD and moved.score == pytest.approx(0.1)
    assert not moved.drifted
    assert drift.categorical_drift(inst, renamed, replace(LIMITS, category=0.1)).drifted


def test_one_changed_column_makes_the_change_relevant() -> None:
    stable = drift.ColumnDrift(c.IDA, drift.NUMERIC_METHOD, 0.2, 1.0, False)
    moved = drift.ColumnDrift(c.IEG, drift.NUMERIC_METHOD, 2.7, 1.0, True)
    unmeasured = drift.ColumnDrift(c.IPP, drift.NOT_MEASURED, None, None, False)
    assert drift.verdict([stable, unmeasured]) == drift.NORMAL
    assert drift.verdict([stable, moved, unmeasured]) == drift.RELEVANT
    assert drift.drift_share([stable, moved, unmeasured]) == pytest.approx(0.5)


def test_reference_is_the_production_training_data_else_the_earlier_years() -> None:
    production = drift.Reference((2022, 2023), drift.SOURCE_PRODUCTION, "4")
    loaded = [2022, 2023, 2024, 2025]
    assert drift.choose_reference(2025, loaded, production) == production
    assert drift.choose_reference(2025, loaded, None) == drift.Reference(
        (2022, 2023, 2024), drift.SOURCE_EARLIER
    )
    gone = drift.Reference((2019,), drift.SOURCE_PRODUCTION, "1")  # years no longer loaded
    assert drift.choose_reference(2023, loaded, gone).years == (2022,)


# --- natural years and real shifts ------------------------------------------------------------

# The four kinds of real shift the verdict must catch, each with the column it must name.
SHIFTS: dict[str, tuple[Callable[[pd.DataFrame], pd.DataFrame], str]] = {
    "ieg_rescaled": (lambda f: f.assign(**{c.IEG: f[c.IEG] * 0.6}), c.IEG),
    "inde_scale_moved_2_points": (lambda f: f.assign(**{c.INDE: f[c.INDE] - 2}), c.INDE),
    "phase_missing": (lambda f: f[f[c.FASE] != f[c.FASE].mode().iloc[0]], c.FASE),
    # Swapped columns show only when their distributions differ (IPV and IAN do): two columns
    # with alike distributions (MAT and POR) swapped look the same column by column.
    "ipv_ian_swapped": (lambda f: f.assign(**{c.IPV: f[c.IAN], c.IAN: f[c.IPV]}), c.IPV),
}


def _shifted_verdicts(gold: pd.DataFrame, year: int, reference: list[int]) -> None:
    ref, cur = drift.year_frames(gold, year, reference)
    for name, (shift, column) in SHIFTS.items():
        columns = drift.compare(ref, shift(cur.copy()), LIMITS)
        assert drift.verdict(columns) == drift.RELEVANT, name
        assert column in {col.column for col in columns if col.drifted}, name


@pytest.fixture(scope="module")
def synthetic_gold(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """Three years from the project's generator, through the pipeline (the real quirks)."""
    folder = tmp_path_factory.mktemp("synthetic_drift")
    path = synthetic.write_workbook(
        synthetic.generate_years(2400, [2022, 2023, 2024], seed=7), folder / "pede.xlsx"
    )
    settings = Settings(data_dir=folder / "data", drift_in_background=False)
    ingest([Upload.from_path(path)], settings)
    return pd.read_parquet(gold_path(settings))


def test_synthetic_natural_years_read_normal(synthetic_gold: pd.DataFrame) -> None:
    for year, reference in ((2023, [2022]), (2024, [2022, 2023]), (2024, [2023])):
        columns = drift.compare_years(synthetic_gold, year, reference, LIMITS)
        changed = [col.column for col in columns if col.drifted]
        assert drift.verdict(columns) == drift.NORMAL, (year, changed)


def test_synthetic_real_shifts_read_relevant(synthetic_gold: pd.DataFrame) -> None:
    _shifted_verdicts(synthetic_gold, 2024, [2022, 2023])


@pytest.fixture(scope="module")
def real_gold(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    folder = tmp_path_factory.mktemp("real_drift")
    settings = Settings(data_dir=folder / "data", drift_in_background=False)
    ingest([Upload.from_path(REAL_WORKBOOK)], settings)
    return pd.read_parquet(gold_path(settings))


@needs_real_data
@pytest.mark.real_data
def test_real_years_read_normal_against_the_training_data(real_gold: pd.DataFrame) -> None:
    # A model on this workbook learns from 2022 and 2023 (tested on 2023, refit on both);
    # before any model 2024 is compared with the same earlier years.
    for year in (2023, 2024):
        columns = drift.compare_years(real_gold, year, [2022, 2023], LIMITS)
        changed = [(col.column, col.score) for col in columns if col.drifted]
        assert drift.verdict(columns) == drift.NORMAL, (year, changed)


@needs_real_data
@pytest.mark.real_data
def test_real_2024_shifted_reads_relevant(real_gold: pd.DataFrame) -> None:
    _shifted_verdicts(real_gold, 2024, [2022, 2023])


# --- stored reports, status, promotion ---------------------------------------------------------


def _ingest_shifted_2024(settings: Settings, workbook: Callable[..., bytes]) -> None:
    shifted = sheet_2023(80, start=1).rename(
        columns={"INDE 2023": "INDE 2024", "Pedra 2023": "Pedra 2024"}
    )
    shifted["IAA"] = 2.0  # a clear shift
    sheets = {"PEDE2023": sheet_2023(80, start=50), "PEDE2024": shifted}
    ingest([Upload("PEDE.xlsx", workbook(sheets))], settings)


@pytest.mark.slow
def test_pending_drift_reports_are_finished_and_stored(
    settings: Settings, workbook: Callable[..., bytes]
) -> None:
    _ingest_shifted_2024(settings, workbook)
    assert drift.pending_years(settings) == [2024]
    outcomes = drift.run_pending_drift(settings)
    assert [o.ano for o in outcomes] == [2024]
    outcome = outcomes[0]
    assert outcome.html_path and outcome.html_path.exists()
    assert outcome.json_path and outcome.json_path.exists()
    assert "<html" in outcome.html_path.read_text()[:2000].lower()
    iaa = next(col for col in outcome.columns if col.column == c.IAA)
    assert iaa.drifted and iaa.method == drift.NUMERIC_METHOD
    assert drift.pending_years(settings) == []
    with engine_for(settings).connect() as conn:
        stored = conn.execute(select(drift_columns.c.column_name, drift_columns.c.drifted)).all()
    assert (c.IAA, True) in stored
    assert drift.run_pending_drift(settings) == []  # nothing left to do


def test_status_carries_the_verdict_per_year_and_promotion_clears_it(
    settings: Settings, workbook: Callable[..., bytes]
) -> None:
    _ingest_shifted_2024(settings, workbook)
    drift.run_pending_drift(settings, html=False)
    status = pipeline_status(settings)
    by_year = {entry["ano"]: entry["drift"] for entry in status["per_year"]}
    assert by_year[2023] is None  # nothing earlier to compare with
    verdict = by_year[2024]
    assert verdict["verdict"] == drift.RELEVANT and verdict["share"] > 0
    assert verdict["reference"] == {
        "years": [2023],
        "source": drift.SOURCE_EARLIER,
        "model_version": None,
    }
    assert [col["column"] for col in verdict["columns"] if col["changed"]] == [c.IAA]
    assert status["drift"][0]["drift_share"] == verdict["share"]  # what the sidecar gauge reads

    # A model trained on 2023 only: 2024 still differs from its training data.
    drift.record_production_reference(settings, "3", [2023])
    verdict = pipeline_status(settings)["drift"][0]
    assert verdict["verdict"] == drift.RELEVANT
    assert verdict["reference"]["source"] == drift.SOURCE_PRODUCTION
    assert verdict["reference"]["model_version"] == "3"

    # A model trained with 2024's data promoted: 2024 is against itself, the change clears.
    drift.record_production_reference(settings, "5", [2023, 2024])
    verdict = pipeline_status(settings)["drift"][0]
    assert verdict["verdict"] == drift.NORMAL and verdict["share"] == 0
    assert verdict["reference"] == {
        "years": [2023, 2024],
        "source": drift.SOURCE_PRODUCTION,
        "model_version": "5",
    }
    assert verdict["html_path"] is None  # promotion re-measures without Evidently (fast)


def test_a_failed_measure_is_recorded_and_keeps_the_last_verdict(
    settings: Settings, workbook: Callable[..., bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    _ingest_shifted_2024(settings, workbook)
    drift.run_pending_drift(settings, html=False)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise OSError("disco cheio")

    monkeypatch.setattr(drift, "compute_drift", broken)
    assert drift.record_production_reference(settings, "7", [2023]) == []
    entry = pipeline_status(settings)["drift"][0]
    assert entry["status"] == "failed" and "disco cheio" in entry["error"]
    assert entry["verdict"] == drift.RELEVANT  # the last finished measure still stands


def test_cli_status_json_has_the_drift_of_each_year(
    settings: Settings, workbook: Callable[..., bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from cli.main import main

    _ingest_shifted_2024(settings, workbook)
    drift.run_pending_drift(settings, html=False)
    assert main(["pipeline", "status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    entry = next(e for e in status["per_year"] if e["ano"] == 2024)
    assert set(entry["drift"]) >= {"verdict", "reference", "share", "columns"}
    assert entry["drift"]["verdict"] == "relevant"
    assert main(["pipeline", "status"]) == 0
    out = capsys.readouterr().out
    assert "mudanças nos dados de 2024 (comparado com 2023): mudança relevante em iaa" in out

"""The real PEDE workbook (skipped when ../shared/data/pede is absent)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from config import Settings
from pipeline import columns as c
from pipeline.drift import run_pending_drift
from pipeline.ingest import ingest
from pipeline.plan import Upload
from pipeline.state import gold_path
from tests.conftest import REAL_COPY_2025, REAL_WORKBOOK, needs_real_data

pytestmark = [needs_real_data, pytest.mark.real_data]


def test_real_workbook_publishes_every_student_year_and_the_known_labels(
    settings: Settings,
) -> None:
    result = ingest([Upload.from_path(REAL_WORKBOOK)], settings)
    assert result.rows["gold"] == {2022: 860, 2023: 1014, 2024: 1156}
    assert result.rows["quarantine"] == {2022: 0, 2023: 0, 2024: 0}
    gold = pd.read_parquet(gold_path(settings))
    labelled = gold[gold[c.CLASSE_PROXIMO_ANO].notna()]
    assert labelled.groupby(c.ANO).size().to_dict() == {2022: 600, 2023: 765}
    mix = labelled[labelled[c.ANO] == 2023][c.CLASSE_PROXIMO_ANO].value_counts().to_dict()
    assert mix == {c.CRITICAL: 57, c.ALERT: 251, c.EXPECTED: 457}
    assert gold.groupby(c.ANO)[c.DEFASAGEM].mean().round(2).to_dict() == {
        2022: -0.94,
        2023: -0.65,
        2024: -0.41,
    }
    assert gold[c.FASE].between(0, 9).all()
    assert gold[c.PEDRA].dropna().isin(c.PEDRAS).all()
    assert gold.loc[gold[c.ANO] == 2024, c.INDE].isna().sum() == 64 + 38  # empty + INCLUIR
    assert result.flags == []


@pytest.mark.slow
@pytest.mark.skipif(not REAL_COPY_2025.exists(), reason="PEDE_2025.xlsx not available")
def test_2025_copy_gets_a_drift_report_and_the_probable_copy_warning(settings: Settings) -> None:
    ingest([Upload.from_path(REAL_WORKBOOK)], settings)
    result = ingest([Upload.from_path(Path(REAL_COPY_2025))], settings)
    assert [f.flag for f in result.flags] == ["probable_copy"]
    gold = pd.read_parquet(gold_path(settings))
    assert gold.loc[gold[c.ANO] == 2024, c.TRANSICAO_SUSPEITA].sum() == 1156
    outcomes = {o.ano: o for o in run_pending_drift(settings)}
    assert set(outcomes) == {2023, 2024, 2025}
    assert outcomes[2025].html_path.exists()
    columns = {col.column: col for col in outcomes[2025].columns}
    # Every age is one year older than in 2024: measured, but well within a normal year; the
    # copy is caught by the probable-copy flag above, not by the data-change verdict.
    assert 0 < (columns[c.IDADE].score or 0) < columns[c.IDADE].threshold  # type: ignore[operator]
    assert not columns[c.PEDRA].drifted  # copied from 2024
    assert not outcomes[2025].relevant

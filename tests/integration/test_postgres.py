"""The whole flow on PostgreSQL (the docker-compose path), started by .ci/run on loopback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from config import Settings
from pipeline import columns as c
from pipeline.drift import run_pending_drift
from pipeline.ingest import Upload, ingest
from pipeline.state import gold_path
from pipeline.status import pipeline_status
from pipeline.store import engine_for, online_features
from tests.conftest import sheet_2023


@pytest.fixture
def pg_settings(settings: Settings, postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("PASSOS_DATABASE_URL", postgres_url)
    return Settings()


@pytest.mark.slow
def test_pipeline_on_postgresql(pg_settings: Settings, workbook: Callable[..., bytes]) -> None:
    assert pg_settings.db_url.startswith("postgresql+psycopg://")
    upload = Upload(
        "PEDE.xlsx",
        workbook({"PEDE2023": sheet_2023(60, start=1), "PEDE2024": sheet_2023(60, start=30)}),
    )
    result = ingest([upload], pg_settings)
    assert result.rows["gold"] == {2023: 60, 2024: 60}
    assert engine_for(pg_settings).dialect.name == "postgresql"
    with engine_for(pg_settings).connect() as conn:
        assert len(conn.execute(select(online_features)).all()) == 89
    gold = pd.read_parquet(gold_path(pg_settings))
    assert gold[c.CLASSE_PROXIMO_ANO].notna().sum() == 31
    assert [o.ano for o in run_pending_drift(pg_settings)] == [2024]
    assert pipeline_status(pg_settings)["drift"][0]["status"] == "done"
    assert Path(pipeline_status(pg_settings)["drift"][0]["html_path"]).exists()

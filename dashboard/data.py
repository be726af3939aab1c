"""Cached reads for the pages, keyed by data version and model version.

Every cached function takes the data dir (and database URL) as plain strings plus the
versions, so a new upload (new pipeline run), a finished drift report or a promotion changes
the key and the next read is fresh; nothing is recomputed on an ordinary click.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine, desc, func, select

from config import Settings
from cycle.ingest import FilePreview
from dashboard import modelapi
from models import columns as pc
from pipeline import columns as c
from pipeline.state import gold_path
from pipeline.store import (
    drift_columns,
    drift_runs,
    finish_runs,
    get_engine,
    ingested_files,
    pipeline_runs,
    quarantine,
)


@dataclass(frozen=True)
class Versions:
    """What the cached reads depend on."""

    data: str  # last successful pipeline run + finished drift reports and finishing jobs
    model: str  # production model version ("" when none)

    @property
    def key(self) -> str:
        return f"{self.data}|{self.model}"


def settings() -> Settings:
    """Settings for this rerun (cheap: read from the environment)."""
    from config import get_settings

    return get_settings()


@st.cache_resource(show_spinner=False)
def engine(db_url: str) -> Engine:
    """One engine per database for the life of the dashboard process."""
    return get_engine(db_url)


def _engine(cfg: Settings) -> Engine:
    cfg.data_dir.mkdir(parents=True, exist_ok=True)
    return engine(cfg.db_url)


def versions(cfg: Settings) -> Versions:
    """Cheap queries (milliseconds) that tell whether anything cached is stale."""
    with _engine(cfg).connect() as conn:
        run = conn.execute(
            select(pipeline_runs.c.run_id)
            .where(pipeline_runs.c.status == "success")
            .order_by(desc(pipeline_runs.c.finished_at))
            .limit(1)
        ).scalar()
        done = conn.execute(
            select(func.count()).select_from(drift_runs).where(drift_runs.c.status != "pending")
        ).scalar_one()
        finished = conn.execute(  # a finished scoring changes the list under the same model
            select(func.count())
            .select_from(finish_runs)
            .where(finish_runs.c.status.in_(("done", "failed")))
        ).scalar_one()
    data_version = f"{run or 'none'}:{done}:{finished}"
    return Versions(data_version, modelapi.production_version(cfg) or "")


# --- pipeline data -----------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=4)
def gold(data_dir: str, data_version: str) -> pd.DataFrame:
    """Every published student-year (empty frame before the first upload)."""
    path = gold_path(Settings(data_dir=Path(data_dir)))
    if not path.exists():
        return pd.DataFrame(columns=list(c.GOLD_COLUMNS))
    return pd.read_parquet(path)


def gold_for(cfg: Settings, ver: Versions) -> pd.DataFrame:
    return gold(str(cfg.data_dir), ver.data)


@st.cache_data(show_spinner=False, max_entries=8)
def status(db_url: str, data_dir: str, data_version: str) -> dict[str, Any]:
    from pipeline.status import pipeline_status

    return pipeline_status(Settings(data_dir=Path(data_dir), database_url=db_url))


def status_for(cfg: Settings, ver: Versions) -> dict[str, Any]:
    return status(cfg.db_url, str(cfg.data_dir), ver.data)


@st.cache_data(show_spinner=False, max_entries=8)
def history(db_url: str, data_version: str) -> pd.DataFrame:
    """Ingested files, newest first (year, rows, hash, who, when)."""
    with engine(db_url).connect() as conn:
        rows = conn.execute(
            select(
                ingested_files.c.ano,
                ingested_files.c.file_name,
                ingested_files.c.sheet,
                ingested_files.c.rows_bronze,
                ingested_files.c.rows_silver,
                ingested_files.c.rows_quarantined,
                ingested_files.c.content_hash,
                ingested_files.c.ingested_by,
                ingested_files.c.ingested_at,
                ingested_files.c.superseded_at,
            ).order_by(desc(ingested_files.c.ingested_at), ingested_files.c.ano)
        ).all()
    return pd.DataFrame([dict(r._mapping) for r in rows])


def quarantine_rows(cfg: Settings, run_id: str) -> pd.DataFrame:
    """Rows set aside by one run, with the reason (for download after processing)."""
    with _engine(cfg).connect() as conn:
        rows = conn.execute(
            select(
                quarantine.c.ano,
                quarantine.c.source_file,
                quarantine.c.source_sheet,
                quarantine.c.source_row,
                quarantine.c.ra,
                quarantine.c.reason,
            )
            .where(quarantine.c.run_id == run_id)
            .order_by(quarantine.c.ano, quarantine.c.source_row)
        ).all()
    return pd.DataFrame(
        [dict(r._mapping) for r in rows],
        columns=["ano", "source_file", "source_sheet", "source_row", "ra", "reason"],
    )


@st.cache_data(show_spinner=False, max_entries=8)
def drift(db_url: str, data_version: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(drift runs, per-column results) as frames."""
    with engine(db_url).connect() as conn:
        runs = conn.execute(select(drift_runs).order_by(drift_runs.c.ano, drift_runs.c.id)).all()
        cols = conn.execute(select(drift_columns)).all()
    return (
        pd.DataFrame([dict(r._mapping) for r in runs]),
        pd.DataFrame([dict(r._mapping) for r in cols]),
    )


# --- model data --------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=8)
def predictions(db_url: str, data_dir: str, key: str, ano: int | None = None) -> pd.DataFrame:
    """The list given for ``ano`` (the latest year by default; empty when none)."""
    cfg = Settings(data_dir=Path(data_dir), database_url=db_url)
    return modelapi.read_predictions(cfg, ano=ano)


def predictions_for(cfg: Settings, ver: Versions, ano: int | None = None) -> pd.DataFrame:
    if not ver.model:
        return pd.DataFrame()
    return predictions(cfg.db_url, str(cfg.data_dir), ver.key, ano)


def risk_frame(cfg: Settings, ver: Versions, ano: int | None = None) -> pd.DataFrame:
    """A year's list (latest by default) joined with the student's details of that year."""
    preds = predictions_for(cfg, ver, ano)
    if preds.empty:
        return preds
    return _risk_frame(cfg.db_url, str(cfg.data_dir), ver.key, ver.data, ano)


@st.cache_data(show_spinner=False, max_entries=8)
def published(db_url: str, data_dir: str, key: str, ano: int | None = None) -> Any:
    """The published list of ``ano`` (version, thresholds), None when none."""
    return modelapi.published_list(_cfg(data_dir, db_url), ano)


@st.cache_data(show_spinner=False, max_entries=4)
def published_years(db_url: str, data_dir: str, key: str) -> list[int]:
    """Years with a list given to coordinators, newest first."""
    return modelapi.published_years(_cfg(data_dir, db_url))


@st.cache_data(show_spinner=False, max_entries=8)
def follow_up(db_url: str, data_dir: str, key: str, ano: int | None) -> Any:
    """How the list of ``ano`` turned out (the numbers of ``passos follow-up``)."""
    return modelapi.follow_up(_cfg(data_dir, db_url), ano)


@st.cache_data(show_spinner=False, max_entries=8)
def _risk_frame(
    db_url: str, data_dir: str, key: str, data_version: str, ano: int | None = None
) -> pd.DataFrame:
    preds = predictions(db_url, data_dir, key, ano)
    details = gold(data_dir, data_version)
    keep = [c.RA, c.ANO, c.NOME, c.FASE, c.TURMA, c.INSTITUICAO, c.PEDRA, c.ESCOLA, c.DEFASAGEM]
    extra = [col for col in keep if col in details.columns and col not in preds.columns]
    merged = preds.merge(details[[c.RA, c.ANO, *extra]], on=[c.RA, c.ANO], how="left")
    return merged.sort_values(pc.RANK).reset_index(drop=True)


# --- upload preview ----------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=16)
def preview(
    name: str, content: bytes, year: int | None, max_upload_mb: int, known: frozenset[str]
) -> FilePreview:
    """What a file would become: the service's plan (parsed here, once), or why it cannot be."""
    from cycle.ingest import preview_file
    from pipeline.plan import Upload

    return preview_file(Upload(name, content), Settings(max_upload_mb=max_upload_mb), year, known)


# --- MLflow (Experimentos, Modelos) ------------------------------------------------------


def tracking_key(cfg: Settings, ver: Versions) -> str:
    """Changes when a run is logged or an alias moves (SQLite store: file time and size)."""
    uri = cfg.tracking_uri
    if uri.startswith("sqlite:///"):
        path = Path(uri.removeprefix("sqlite:///"))
        stamp = f"{path.stat().st_mtime_ns}:{path.stat().st_size}" if path.exists() else "none"
        wal = path.with_name(path.name + "-wal")
        if wal.exists():
            stamp += f":{wal.stat().st_mtime_ns}"
        return f"{uri}|{stamp}|{ver.key}"
    return f"{uri}|{ver.key}|{st.session_state.get('tracking_bump', 0)}"


def _cfg(data_dir: str, db_url: str) -> Settings:
    return Settings(data_dir=Path(data_dir), database_url=db_url)


@st.cache_data(show_spinner=False, max_entries=4, ttl=600)
def runs(data_dir: str, db_url: str, key: str) -> pd.DataFrame:
    return modelapi.list_runs(_cfg(data_dir, db_url))


@st.cache_data(show_spinner=False, max_entries=4, ttl=600)
def versions_table(data_dir: str, db_url: str, key: str) -> list[dict[str, Any]]:
    return modelapi.list_versions(_cfg(data_dir, db_url))


@st.cache_data(show_spinner=False, max_entries=16)
def version_metrics(data_dir: str, db_url: str, version: str) -> dict[str, float]:
    """Metrics of a registered version never change: cached by version alone."""
    return modelapi.version_metrics(_cfg(data_dir, db_url), version)


@st.cache_data(show_spinner=False, max_entries=32)
def run_csv(data_dir: str, db_url: str, run_id: str, artifact: str) -> pd.DataFrame:
    return modelapi.run_csv(_cfg(data_dir, db_url), run_id, artifact)


@st.cache_data(show_spinner=False, max_entries=8)
def top_change(data_dir: str, db_url: str, version: str, key: str) -> float | None:
    """How much of the production top-100 a candidate would change (scores it in memory)."""
    return modelapi.top_list_change(_cfg(data_dir, db_url), version)

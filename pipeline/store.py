"""The database side of the feature store: tables, engine, and atomic writes through SQLAlchemy.

Works on any SQLAlchemy URL (SQLite by default, PostgreSQL in docker-compose).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
)

from config import Settings
from pipeline import columns as c

metadata = MetaData()

ingested_files = Table(
    "ingested_files",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("content_hash", String(64), nullable=False, index=True),
    Column("file_name", String(255), nullable=False),
    Column("landing_path", Text, nullable=False),
    Column("sheet", String(255), nullable=False),
    Column("ano", Integer, nullable=False, index=True),
    Column("rows_bronze", Integer, nullable=False),
    Column("rows_silver", Integer, nullable=False),
    Column("rows_quarantined", Integer, nullable=False),
    Column("ingested_by", String(120), nullable=False),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    Column("run_id", String(36), nullable=False),
    Column("superseded_at", DateTime(timezone=True), nullable=True),
)

pipeline_runs = Table(
    "pipeline_runs",
    metadata,
    Column("run_id", String(36), primary_key=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    Column("status", String(20), nullable=False),
    Column("triggered_by", String(120), nullable=False),
    Column("years", JSON, nullable=False),
    Column("summary", JSON, nullable=False),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(36), nullable=False, index=True),
    Column("ano", Integer, nullable=False, index=True),
    Column("source_file", String(255), nullable=False),
    Column("source_sheet", String(255), nullable=False),
    Column("source_row", Integer, nullable=False),
    Column("ra", String(64), nullable=True),
    Column("reason", Text, nullable=False),
)

year_flags = Table(
    "year_flags",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ano", Integer, nullable=False, index=True),
    Column("flag", String(40), nullable=False),
    Column("detail", Text, nullable=False),
    Column("share", Float, nullable=True),
    Column("accepted", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


def _online_feature_columns() -> list[Column[Any]]:
    kinds: dict[str, Any] = {
        **dict.fromkeys(c.SCORES, Float),
        **dict.fromkeys(
            (c.FASE, c.IDADE, c.ANO_INGRESSO, c.ANOS_NA_INSTITUICAO, c.DEFASAGEM), Integer
        ),
        c.FASE_IDEAL: Integer,
    }
    skip = {c.RA, c.ANO, c.SOURCE_HASH}
    return [
        Column(col, kinds.get(col, String(255)), nullable=True)
        for col in c.SILVER_COLUMNS
        if col not in skip
    ]


online_features = Table(
    "online_features",
    metadata,
    Column(c.RA, String(64), primary_key=True),
    Column(c.ANO, Integer, nullable=False, index=True),
    *_online_feature_columns(),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

drift_runs = Table(
    "drift_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ano", Integer, nullable=False, index=True),
    Column("reference_years", JSON, nullable=False),
    Column("status", String(20), nullable=False),  # pending | done | failed
    Column("drift_share", Float, nullable=True),
    Column("dataset_drift", Boolean, nullable=True),
    Column("n_columns", Integer, nullable=True),
    Column("n_drifted", Integer, nullable=True),
    Column("html_path", Text, nullable=True),
    Column("json_path", Text, nullable=True),
    Column("error", Text, nullable=True),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("run_id", String(36), nullable=False),
)

# A published run's follow-up steps (drift reports, scoring): finished_at stays empty until
# ``passos pipeline finish`` (or the next run) completes them, so a crash in between is seen.
finish_requests = Table(
    "finish_requests",
    metadata,
    Column("run_id", String(36), primary_key=True),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
)

# The steps after a publish (drift reports, then scoring), one row per finishing job, so that
# a background job's progress and failure are visible to every front end.
finish_runs = Table(
    "finish_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(36), nullable=True),  # the pipeline run that asked; None: by hand
    Column("status", String(20), nullable=False),  # running | done | failed
    Column("stage", String(20), nullable=True),  # drift | scoring (while running or failed)
    Column("worker", String(120), nullable=False),  # host:pid that runs it
    Column("error", Text, nullable=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
)

drift_columns = Table(
    "drift_columns",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("drift_run_id", Integer, nullable=False, index=True),
    Column("ano", Integer, nullable=False),
    Column("column_name", String(64), nullable=False),
    Column("method", String(64), nullable=False),
    Column("score", Float, nullable=True),
    Column("threshold", Float, nullable=True),
    Column("drifted", Boolean, nullable=False),
)


# The training years of each production model, recorded at promotion and rollback: drift
# compares every year with the latest row (with every earlier year while there is none).
drift_references = Table(
    "drift_references",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("model_version", String(32), nullable=False),
    Column("training_years", JSON, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    """One engine per database URL for the life of the process, with its tables created."""
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    metadata.create_all(engine)
    return engine


def engine_for(settings: Settings) -> Engine:
    """The engine of the configured database, creating the data dir for a SQLite default."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return get_engine(settings.db_url)

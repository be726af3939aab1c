"""The state of the pipeline as coordinators see it (CLI status, dashboard home page)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import desc, select

from config import Settings
from pipeline.store import (
    drift_runs,
    engine_for,
    finish_runs,
    ingested_files,
    pipeline_runs,
    year_flags,
)


def pipeline_status(settings: Settings) -> dict[str, Any]:
    """Years loaded, the last run, year flags, the latest drift per year, the last finishing job."""
    with engine_for(settings).connect() as conn:
        years = sorted(
            {
                row.ano
                for row in conn.execute(
                    select(ingested_files.c.ano).where(ingested_files.c.superseded_at.is_(None))
                )
            }
        )
        last = conn.execute(
            select(pipeline_runs).order_by(desc(pipeline_runs.c.finished_at)).limit(1)
        ).first()
        last_success = conn.execute(
            select(pipeline_runs.c.finished_at)
            .where(pipeline_runs.c.status == "success")
            .order_by(desc(pipeline_runs.c.finished_at))
            .limit(1)
        ).scalar()
        flags = [
            dict(row._mapping)
            for row in conn.execute(select(year_flags).order_by(year_flags.c.ano))
        ]
        drift_rows = conn.execute(select(drift_runs).order_by(drift_runs.c.id)).all()
    latest_drift: dict[int, dict[str, Any]] = {}
    for row in drift_rows:
        latest_drift[row.ano] = dict(row._mapping)
    return {
        "years": years,
        "last_run": dict(last._mapping) if last else None,
        "last_success_at": last_success,
        "flags": flags,
        "drift": [latest_drift[y] for y in sorted(latest_drift)],
        "finish": last_finish_run(settings),
    }


def last_finish_run(settings: Settings) -> dict[str, Any] | None:
    """The latest job of drift reports and scoring after a publish (None before the first)."""
    with engine_for(settings).connect() as conn:
        row = conn.execute(select(finish_runs).order_by(desc(finish_runs.c.id)).limit(1)).first()
    return dict(row._mapping) if row else None

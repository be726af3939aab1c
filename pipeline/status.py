"""The state of the pipeline as coordinators see it (CLI status, dashboard home page)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import desc, select

from config import Settings
from pipeline.state import unfinished_runs
from pipeline.store import (
    drift_runs,
    engine_for,
    finish_runs,
    ingested_files,
    pipeline_runs,
    year_flags,
)


def pipeline_status(settings: Settings) -> dict[str, Any]:
    """Years loaded, the last run, year flags, the latest drift result per year, years published
    although much smaller than the one before (forced), runs whose drift and scoring are still to
    be finished, and the last finishing job."""
    with engine_for(settings).connect() as conn:
        current = conn.execute(
            select(ingested_files.c.ano, ingested_files.c.run_id).where(
                ingested_files.c.superseded_at.is_(None)
            )
        ).all()
        years = sorted({row.ano for row in current})
        summaries = {
            row.run_id: row.summary
            for row in conn.execute(
                select(pipeline_runs.c.run_id, pipeline_runs.c.summary).where(
                    pipeline_runs.c.run_id.in_({row.run_id for row in current})
                )
            )
        }
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
    loaded_by = {row.ano: row.run_id for row in current}
    forced_small = [
        entry
        for ano, run_id in sorted(loaded_by.items())
        for entry in (summaries.get(run_id) or {}).get("forced_small", [])
        if entry["ano"] == ano
    ]
    return {
        "years": years,
        "forced_small": forced_small,
        "unfinished_runs": unfinished_runs(settings),
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

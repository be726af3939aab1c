"""The state of the pipeline as coordinators see it (CLI status, dashboard home page)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, desc, select

from config import Settings
from pipeline.drift import NORMAL, RELEVANT, SOURCE_EARLIER, SOURCE_PRODUCTION, production_reference
from pipeline.state import unfinished_runs
from pipeline.store import (
    drift_columns,
    drift_runs,
    engine_for,
    finish_runs,
    ingested_files,
    pipeline_runs,
    year_flags,
)


def pipeline_status(settings: Settings) -> dict[str, Any]:
    """Years loaded, the last run, year flags, the drift verdict per year, years published
    although much smaller than the one before (forced), runs whose drift and scoring are still to
    be finished, and the last finishing job.

    ``drift`` lists, per year, the latest finished comparison (against the production model's
    training data once one is promoted) with the status of the latest request; ``per_year``
    carries the same verdict under each loaded year.
    """
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
        drift = year_drift(conn)
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
        "drift": [drift[y] for y in sorted(drift)],
        "per_year": [{"ano": y, "drift": drift.get(y)} for y in years],
        "finish": last_finish_run(settings),
    }


def last_finish_run(settings: Settings) -> dict[str, Any] | None:
    """The latest job of drift reports and scoring after a publish (None before the first)."""
    with engine_for(settings).connect() as conn:
        row = conn.execute(select(finish_runs).order_by(desc(finish_runs.c.id)).limit(1)).first()
    return dict(row._mapping) if row else None


def year_drift(conn: Connection) -> dict[int, dict[str, Any]]:
    """Per year: the latest finished drift result, the latest request's status and the verdict."""
    runs = conn.execute(select(drift_runs).order_by(drift_runs.c.id)).all()
    latest: dict[int, Any] = {}
    done: dict[int, Any] = {}
    for row in runs:
        latest[row.ano] = row
        if row.status == "done":
            done[row.ano] = row
    columns = _columns(conn, [row.id for row in done.values()])
    production = production_reference(conn)
    out: dict[int, dict[str, Any]] = {}
    for year, request in latest.items():
        result = done.get(year)
        entry = dict((result or request)._mapping)
        entry["status"] = request.status  # a pending re-check keeps showing the last verdict
        entry["error"] = request.error
        refs = [int(y) for y in (result.reference_years if result else [])]
        from_model = production is not None and bool(refs) and set(refs) <= set(production.years)
        entry.update(
            verdict=None if result is None else (RELEVANT if result.dataset_drift else NORMAL),
            share=None if result is None else result.drift_share,
            reference={
                "years": refs,
                "source": SOURCE_PRODUCTION if from_model else SOURCE_EARLIER,
                "model_version": production.model_version if from_model and production else None,
            },
            columns=columns.get(result.id, []) if result is not None else [],
        )
        out[int(year)] = entry
    return out


def _columns(conn: Connection, run_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    if not run_ids:
        return {}
    rows = conn.execute(
        select(drift_columns)
        .where(drift_columns.c.drift_run_id.in_(list(run_ids)))
        .order_by(drift_columns.c.id)
    ).all()
    out: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(row.drift_run_id, []).append(
            {
                "column": row.column_name,
                "method": row.method,
                "score": row.score,
                "threshold": row.threshold,
                "changed": bool(row.drifted),
            }
        )
    return out

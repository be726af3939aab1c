"""Drift of each new year against the earlier ones, with Evidently and explicit methods.

Evidently is slow to import (several seconds), so it is imported only inside ``compute_drift``;
``passos ingest`` publishes gold first and the drift reports are finished afterwards, by a
background process or by the long-running dashboard (``run_pending_drift``).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import insert, select, update

from config import Settings
from pipeline import columns as c
from pipeline.errors import PipelineBusyError
from pipeline.frames import with_none
from pipeline.locking import exclusive
from pipeline.state import gold_path
from pipeline.store import drift_columns, drift_runs, engine_for

log = logging.getLogger(__name__)

NUMERIC_COLUMNS = (
    *c.SCORES,
    c.DEFASAGEM,
    c.FASE,
    c.IDADE,
    c.ANOS_NA_INSTITUICAO,
)
CATEGORICAL_COLUMNS = (c.GENERO, c.INSTITUICAO, c.PEDRA)
# Distance measures, chosen explicitly: Evidently's default switches test at 1,000 rows,
# which would make years of different sizes incomparable. Both drift when score ≥ threshold.
NUMERIC_METHOD = "wasserstein"
CATEGORICAL_METHOD = "jensenshannon"
METHOD_THRESHOLD = 0.1
MIN_VALUES = 20  # fewer non-missing values than this on either side: not measured
NOT_MEASURED = "sem dados suficientes"
DRIFT_LOCK = ".drift.lock"


@dataclass(frozen=True)
class ColumnDrift:
    column: str
    method: str
    score: float | None
    threshold: float | None
    drifted: bool


@dataclass(frozen=True)
class DriftOutcome:
    ano: int
    drift_share: float
    dataset_drift: bool
    columns: list[ColumnDrift]
    html_path: Path
    json_path: Path


def measurable_columns(reference: pd.DataFrame, current: pd.DataFrame) -> list[str]:
    """Columns with enough values on both sides to compare."""
    return [
        col
        for col in (*NUMERIC_COLUMNS, *CATEGORICAL_COLUMNS)
        if reference[col].notna().sum() >= MIN_VALUES and current[col].notna().sum() >= MIN_VALUES
    ]


def drift_frames(
    gold: pd.DataFrame, year: int, reference_years: Sequence[int]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(reference, current) with plain dtypes Evidently understands."""
    cols = [*NUMERIC_COLUMNS, *CATEGORICAL_COLUMNS]

    def plain(frame: pd.DataFrame) -> pd.DataFrame:
        numeric = frame[list(NUMERIC_COLUMNS)].astype("float64")
        categorical = with_none(frame[list(CATEGORICAL_COLUMNS)])
        return pd.concat([numeric, categorical], axis=1)[cols].reset_index(drop=True)

    reference = gold[gold[c.ANO].isin(list(reference_years))]
    current = gold[gold[c.ANO] == year]
    return plain(reference), plain(current)


def parse_snapshot(snapshot: dict[str, Any], measured: Sequence[str]) -> list[ColumnDrift]:
    """Per-column results from an Evidently snapshot dict; unmeasured columns are listed too."""
    results: dict[str, ColumnDrift] = {}
    for metric in snapshot.get("metrics", []):
        config = metric.get("config", {})
        if not str(config.get("type", "")).endswith("ValueDrift"):
            continue
        score = float(metric["value"])
        threshold = float(config.get("threshold") or METHOD_THRESHOLD)
        column = str(config["column"])
        results[column] = ColumnDrift(
            column, str(config["method"]), score, threshold, score >= threshold
        )
    for column in (*NUMERIC_COLUMNS, *CATEGORICAL_COLUMNS):
        if column not in measured:
            results[column] = ColumnDrift(column, NOT_MEASURED, None, None, False)
    return sorted(results.values(), key=lambda d: (not d.drifted, d.column))


def drift_share(columns: Sequence[ColumnDrift]) -> float:
    measured = [col for col in columns if col.score is not None]
    return sum(col.drifted for col in measured) / len(measured) if measured else 0.0


def compute_drift(
    gold: pd.DataFrame,
    year: int,
    reference_years: Sequence[int],
    *,
    reports_dir: Path,
    share_alert: float,
    stem: str,
) -> DriftOutcome:
    """Run Evidently's data-drift preset and save its HTML and JSON reports."""
    from evidently import DataDefinition, Dataset, Report  # noqa: PLC0415 - slow import
    from evidently.presets import DataDriftPreset  # noqa: PLC0415

    reference, current = drift_frames(gold, year, reference_years)
    measured = measurable_columns(reference, current)
    if not measured:  # an empty or tiny year: nothing to compare (Evidently divides by zero)
        return _not_measured(year, reference_years, reports_dir, stem)
    definition = DataDefinition(
        numerical_columns=[col for col in measured if col in NUMERIC_COLUMNS],
        categorical_columns=[col for col in measured if col in CATEGORICAL_COLUMNS],
    )
    report = Report(
        [
            DataDriftPreset(
                columns=measured,
                drift_share=share_alert,
                num_method=NUMERIC_METHOD,
                cat_method=CATEGORICAL_METHOD,
                num_threshold=METHOD_THRESHOLD,
                cat_threshold=METHOD_THRESHOLD,
            )
        ]
    )
    snapshot = report.run(
        Dataset.from_pandas(current[measured], data_definition=definition),
        Dataset.from_pandas(reference[measured], data_definition=definition),
    )
    columns = parse_snapshot(snapshot.dict(), measured)
    share = drift_share(columns)
    reports_dir.mkdir(parents=True, exist_ok=True)
    html_path = reports_dir / f"{stem}.html"
    json_path = reports_dir / f"{stem}.json"
    _atomic_write(html_path, lambda p: snapshot.save_html(str(p)))
    summary = {
        "ano": year,
        "reference_years": list(reference_years),
        "drift_share": share,
        "dataset_drift": share >= share_alert,
        "columns": [col.__dict__ for col in columns],
        "evidently": snapshot.dict(),
    }
    _atomic_write(json_path, lambda p: p.write_text(json.dumps(summary, default=str, indent=1)))
    return DriftOutcome(year, share, share >= share_alert, columns, html_path, json_path)


def _not_measured(
    year: int, reference_years: Sequence[int], reports_dir: Path, stem: str
) -> DriftOutcome:
    """The outcome when no column has enough values on both sides: every column unmeasured."""
    columns = parse_snapshot({}, [])
    reports_dir.mkdir(parents=True, exist_ok=True)
    html_path = reports_dir / f"{stem}.html"
    json_path = reports_dir / f"{stem}.json"
    note = f"Drift de {year}: {NOT_MEASURED} (menos de {MIN_VALUES} valores por coluna)."
    page = f"<!doctype html><meta charset='utf-8'><title>Drift {year}</title><p>{note}</p>"
    _atomic_write(html_path, lambda p: p.write_text(page, encoding="utf-8"))
    summary = {
        "ano": year,
        "reference_years": list(reference_years),
        "drift_share": 0.0,
        "dataset_drift": False,
        "columns": [col.__dict__ for col in columns],
    }
    _atomic_write(json_path, lambda p: p.write_text(json.dumps(summary, indent=1)))
    return DriftOutcome(year, 0.0, False, columns, html_path, json_path)


def _atomic_write(path: Path, write: Any) -> None:
    temp = path.with_name(path.name + ".tmp")
    write(temp)
    os.replace(temp, path)


def pending_years(settings: Settings) -> list[int]:
    """Years whose drift report is still being prepared (the dashboard shows them as pending)."""
    with engine_for(settings).connect() as conn:
        rows = conn.execute(
            select(drift_runs.c.ano)
            .where(drift_runs.c.status == "pending")
            .order_by(drift_runs.c.ano)
        ).all()
    return sorted({row.ano for row in rows})


def failed_requests(settings: Settings, years: Sequence[int]) -> list[tuple[int, str]]:
    """(year, error) for the years among ``years`` whose latest drift request failed."""
    if not years:
        return []
    with engine_for(settings).connect() as conn:
        rows = conn.execute(
            select(drift_runs.c.ano, drift_runs.c.status, drift_runs.c.error)
            .where(drift_runs.c.ano.in_(list(years)))
            .order_by(drift_runs.c.id)
        ).all()
    latest = {row.ano: row for row in rows}
    return [
        (int(year), str(row.error or "erro desconhecido"))
        for year, row in sorted(latest.items())
        if row.status == "failed"
    ]


def run_pending_drift(
    settings: Settings,
    gold: pd.DataFrame | None = None,
    on_start: Callable[[int], None] | None = None,
) -> list[DriftOutcome]:
    """Finish every pending drift report; a second worker at the same time leaves at once.

    ``gold`` is the published gold frame when the caller already holds it (read once per run);
    without it gold is read from disk once. ``on_start(year)`` reports each report as it starts.
    """
    outcomes: list[DriftOutcome] = []
    try:
        with exclusive(settings.data_dir / DRIFT_LOCK):
            while (request := _next_pending(settings)) is not None:
                if on_start is not None:
                    on_start(int(request.ano))
                if gold is None:
                    gold = pd.read_parquet(gold_path(settings))
                outcome = _run_one(settings, request, gold)
                outcomes += [outcome] if outcome else []
    except PipelineBusyError:
        log.info("another process is finishing the drift reports")
    return outcomes


def _next_pending(settings: Settings) -> Any:
    with engine_for(settings).connect() as conn:
        return conn.execute(
            select(drift_runs)
            .where(drift_runs.c.status == "pending")
            .order_by(drift_runs.c.id)
            .limit(1)
        ).first()


def _run_one(settings: Settings, request: Any, gold: pd.DataFrame) -> DriftOutcome | None:
    engine = engine_for(settings)
    try:
        outcome = compute_drift(
            gold,
            int(request.ano),
            [int(y) for y in request.reference_years],
            reports_dir=settings.layer("reports"),
            share_alert=settings.drift_share_alert,
            stem=f"drift_{request.ano}_{request.id}",
        )
    except Exception as exc:  # recorded on the request, shown to the user; the worker goes on
        log.exception("drift report for %s failed", request.ano)
        with engine.begin() as conn:
            conn.execute(
                update(drift_runs)
                .where(drift_runs.c.id == request.id)
                .values(
                    status="failed",
                    error=f"{type(exc).__name__}: {exc}"[:500],
                    finished_at=datetime.now(UTC),
                )
            )
        return None
    with engine.begin() as conn:
        conn.execute(
            update(drift_runs)
            .where(drift_runs.c.id == request.id)
            .values(
                status="done",
                drift_share=outcome.drift_share,
                dataset_drift=outcome.dataset_drift,
                n_columns=sum(col.score is not None for col in outcome.columns),
                n_drifted=sum(col.drifted for col in outcome.columns),
                html_path=str(outcome.html_path),
                json_path=str(outcome.json_path),
                finished_at=datetime.now(UTC),
            )
        )
        conn.execute(
            insert(drift_columns),
            [
                {
                    "drift_run_id": request.id,
                    "ano": outcome.ano,
                    "column_name": col.column,
                    "method": col.method,
                    "score": col.score,
                    "threshold": col.threshold,
                    "drifted": col.drifted,
                }
                for col in outcome.columns
            ],
        )
    return outcome

"""Does a new year's data look like the data the production model learned from?

Each year is compared with the *reference*: the feature years the production model was trained
on (recorded at promotion, see ``record_production_reference``), or every earlier year before any
model exists. The verdict is computed here with explicit, effect-size statistics (numpy only, a
few milliseconds per year), so it can be recomputed at every publish and every promotion; the
Evidently HTML report is kept beside it for admins. Evidently is slow to import (several
seconds), so it is imported only inside ``evidently_report``; ``passos ingest`` publishes gold
first and the drift reports are finished afterwards (``run_pending_drift``).

Why these statistics and thresholds (also in the README, "Mudanças nos dados"):

- numbers: the Wasserstein distance divided by the reference's standard deviation, i.e. how far,
  in reference standard deviations, the typical student's value moved. A column changes at 1.0
  (past Cohen's "large" effect of 0.8). Between real PEDE years columns move 0.1-0.7 against the
  pooled training years, while re-scaling IEG by 0.6 moves it 2.7 and moving INDE's or IPV's
  scale by 2 points moves them ~2; swapping two indicators moves both. Indicators whose own
  spread is wider than 2 points (IAA, IPS, the grades) need a larger move to count: a 2-point
  move there is within what happens between real years (IPS fell 1.8 points from 2022 to 2023).
- categories: the total variation distance (the share of students that would have to change
  category to match the reference); a column changes at 0.25. For levels that every year must
  have (fase, pedra, gênero), a level that held at least 5% of the reference and is absent now
  is a change by itself: a phase missing from the sheet moves only ~15% of the students.
- the dataset: one changed column is enough for "relevant" — a single re-scaled or swapped
  indicator corrupts every prediction that uses it — so the share of changed columns is shown as
  context, not compared with a threshold.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
from sqlalchemy import Connection, desc, insert, select, update

from config import Settings
from pipeline import columns as c
from pipeline.errors import PipelineBusyError
from pipeline.frames import with_none
from pipeline.locking import exclusive
from pipeline.state import gold_path
from pipeline.store import drift_columns, drift_references, drift_runs, engine_for

log = logging.getLogger(__name__)

NUMERIC_COLUMNS: Final = (*c.SCORES, c.DEFASAGEM, c.IDADE, c.ANOS_NA_INSTITUICAO)
CATEGORICAL_COLUMNS: Final = (c.FASE, c.PEDRA, c.GENERO, c.INSTITUICAO)
# Levels every year must have; institutions are free text whose categories change between years.
FIXED_LEVEL_COLUMNS: Final = (c.FASE, c.PEDRA, c.GENERO)
NUMERIC_METHOD: Final = "wasserstein_norm"  # Wasserstein distance / reference std
CATEGORICAL_METHOD: Final = "total_variation"
VANISHED_METHOD: Final = "nivel_ausente"  # score: share of the reference in the vanished levels
ABSENT_SHARE: Final = 0.005  # a level below this share of the current year counts as absent
MIN_VALUES: Final = 20  # fewer non-missing values than this on either side: not measured
NOT_MEASURED: Final = "sem dados suficientes"
DRIFT_LOCK: Final = ".drift.lock"
NORMAL: Final = "normal"
RELEVANT: Final = "relevant"
SOURCE_PRODUCTION: Final = "production_model"
SOURCE_EARLIER: Final = "earlier_years"


@dataclass(frozen=True)
class DriftLimits:
    """Where a column counts as changed (from ``Settings``; see the module docstring)."""

    effect: float
    category: float
    vanished: float

    @classmethod
    def from_settings(cls, settings: Settings) -> DriftLimits:
        return cls(
            settings.drift_effect_threshold,
            settings.drift_category_threshold,
            settings.drift_vanished_share,
        )


@dataclass(frozen=True)
class ColumnDrift:
    column: str
    method: str
    score: float | None
    threshold: float | None
    drifted: bool


@dataclass(frozen=True)
class Reference:
    """The years a year is compared with, and why those."""

    years: tuple[int, ...]
    source: str  # SOURCE_PRODUCTION | SOURCE_EARLIER
    model_version: str | None = None


@dataclass(frozen=True)
class DriftOutcome:
    ano: int
    reference: Reference
    columns: list[ColumnDrift]
    html_path: Path | None
    json_path: Path | None

    @property
    def drift_share(self) -> float:
        return drift_share(self.columns)

    @property
    def relevant(self) -> bool:
        return is_relevant(self.columns)


def wasserstein(u: np.ndarray, v: np.ndarray) -> float:
    """1-D Wasserstein distance: the area between the two empirical CDFs (as scipy computes it)."""
    u, v = np.sort(u), np.sort(v)
    points = np.sort(np.concatenate([u, v]))
    widths = np.diff(points)
    cdf_u = np.searchsorted(u, points[:-1], side="right") / len(u)
    cdf_v = np.searchsorted(v, points[:-1], side="right") / len(v)
    return float(np.sum(np.abs(cdf_u - cdf_v) * widths))


def numeric_drift(reference: pd.Series, current: pd.Series, limits: DriftLimits) -> ColumnDrift:
    """Distance in reference standard deviations (a constant reference: any move counts)."""
    column = str(current.name)
    ref = pd.to_numeric(reference, errors="coerce").dropna().to_numpy(dtype="float64")
    cur = pd.to_numeric(current, errors="coerce").dropna().to_numpy(dtype="float64")
    if len(ref) < MIN_VALUES or len(cur) < MIN_VALUES:
        return ColumnDrift(column, NOT_MEASURED, None, None, False)
    distance = wasserstein(ref, cur)
    spread = float(np.std(ref))
    score = distance / spread if spread > 0 else (0.0 if distance == 0 else float("inf"))
    score = min(score, 99.0)  # stored and shown; "inf" is neither JSON nor readable
    return ColumnDrift(column, NUMERIC_METHOD, score, limits.effect, score >= limits.effect)


def level_shares(values: pd.Series) -> pd.Series:
    """Share of each level among the non-missing values (levels as text)."""
    present = values.dropna()
    return present.astype(str).value_counts(normalize=True)


def categorical_drift(reference: pd.Series, current: pd.Series, limits: DriftLimits) -> ColumnDrift:
    """A vanished fixed level first (the clearer message), else the total variation distance."""
    column = str(current.name)
    if reference.notna().sum() < MIN_VALUES or current.notna().sum() < MIN_VALUES:
        return ColumnDrift(column, NOT_MEASURED, None, None, False)
    ref, cur = level_shares(reference), level_shares(current)
    ref, cur = ref.align(cur, fill_value=0.0)
    if column in FIXED_LEVEL_COLUMNS:
        vanished = float(ref[(ref >= limits.vanished) & (cur < ABSENT_SHARE)].sum())
        if vanished > 0:
            return ColumnDrift(column, VANISHED_METHOD, vanished, limits.vanished, True)
    distance = float((ref - cur).abs().sum() / 2)
    return ColumnDrift(
        column, CATEGORICAL_METHOD, distance, limits.category, distance >= limits.category
    )


def compare(
    reference: pd.DataFrame, current: pd.DataFrame, limits: DriftLimits
) -> list[ColumnDrift]:
    """Every contract column measured, changed columns first (then by name)."""
    columns = [numeric_drift(reference[col], current[col], limits) for col in NUMERIC_COLUMNS]
    columns += [
        categorical_drift(reference[col], current[col], limits) for col in CATEGORICAL_COLUMNS
    ]
    return sorted(columns, key=lambda d: (not d.drifted, d.column))


def drift_share(columns: Sequence[ColumnDrift]) -> float:
    measured = [col for col in columns if col.score is not None]
    return sum(col.drifted for col in measured) / len(measured) if measured else 0.0


def is_relevant(columns: Sequence[ColumnDrift]) -> bool:
    """One changed column is enough (see the module docstring)."""
    return any(col.drifted for col in columns)


def verdict(columns: Sequence[ColumnDrift]) -> str:
    return RELEVANT if is_relevant(columns) else NORMAL


def choose_reference(
    year: int, loaded_years: Sequence[int], production: Reference | None
) -> Reference:
    """The production model's training years that are loaded, else every earlier year."""
    if production is not None:
        years = tuple(y for y in production.years if y in set(loaded_years))
        if years:
            return Reference(years, SOURCE_PRODUCTION, production.model_version)
    return Reference(tuple(sorted(y for y in loaded_years if y < year)), SOURCE_EARLIER)


def year_frames(
    gold: pd.DataFrame, year: int, reference_years: Sequence[int]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(reference rows, current rows) of gold."""
    return gold[gold[c.ANO].isin(list(reference_years))], gold[gold[c.ANO] == year]


def compare_years(
    gold: pd.DataFrame, year: int, reference_years: Sequence[int], limits: DriftLimits
) -> list[ColumnDrift]:
    """One year of gold against other years of gold (the verdict, or year-over-year context)."""
    return compare(*year_frames(gold, year, reference_years), limits)


def evidently_frames(
    reference: pd.DataFrame, current: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(reference, current) with plain dtypes Evidently understands."""
    cols = [*NUMERIC_COLUMNS, *CATEGORICAL_COLUMNS]

    def plain(frame: pd.DataFrame) -> pd.DataFrame:
        numeric = frame[list(NUMERIC_COLUMNS)].astype("float64")
        levels = frame[list(CATEGORICAL_COLUMNS)]
        categorical = with_none(levels.astype(str).where(levels.notna()))
        return pd.concat([numeric, categorical], axis=1)[cols].reset_index(drop=True)

    return plain(reference), plain(current)


def evidently_report(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    columns: Sequence[ColumnDrift],
    limits: DriftLimits,
) -> Any:
    """Evidently's data-drift report on the measured columns, with the same numeric method."""
    from evidently import DataDefinition, Dataset, Report  # noqa: PLC0415 - slow import
    from evidently.presets import DataDriftPreset  # noqa: PLC0415

    measured = [col.column for col in columns if col.score is not None]
    ref, cur = evidently_frames(reference, current)
    definition = DataDefinition(
        numerical_columns=[col for col in measured if col in NUMERIC_COLUMNS],
        categorical_columns=[col for col in measured if col in CATEGORICAL_COLUMNS],
    )
    report = Report(
        [
            DataDriftPreset(
                columns=measured,
                # Evidently's dataset flag follows the product's rule: one changed column.
                drift_share=1 / max(len(measured), 1) - 1e-9,
                num_method="wasserstein",  # Evidently's is also normalised by the reference std
                cat_method="jensenshannon",
                num_threshold=limits.effect,
                cat_threshold=limits.category,
            )
        ]
    )
    return report.run(
        Dataset.from_pandas(cur[measured], data_definition=definition),
        Dataset.from_pandas(ref[measured], data_definition=definition),
    )


def compute_drift(
    gold: pd.DataFrame,
    year: int,
    reference: Reference,
    *,
    limits: DriftLimits,
    reports_dir: Path | None,
    stem: str,
) -> DriftOutcome:
    """The verdict of one year, plus (when ``reports_dir`` is given) the HTML and JSON reports."""
    ref, cur = year_frames(gold, year, reference.years)
    columns = compare(ref, cur, limits)
    if reports_dir is None:
        return DriftOutcome(year, reference, columns, None, None)
    reports_dir.mkdir(parents=True, exist_ok=True)
    html_path = reports_dir / f"{stem}.html"
    json_path = reports_dir / f"{stem}.json"
    summary = {
        "ano": year,
        "reference": asdict(reference),
        "verdict": verdict(columns),
        "drift_share": drift_share(columns),
        "columns": [asdict(col) for col in columns],
    }
    if any(col.score is not None for col in columns):
        snapshot = evidently_report(ref, cur, columns, limits)
        _atomic_write(html_path, lambda p: snapshot.save_html(str(p)))
        summary["evidently"] = snapshot.dict()
    else:  # an empty or tiny year: nothing to compare (Evidently divides by zero)
        note = f"Mudanças nos dados de {year}: {NOT_MEASURED} (menos de {MIN_VALUES} valores)."
        page = f"<!doctype html><meta charset='utf-8'><title>{year}</title><p>{note}</p>"
        _atomic_write(html_path, lambda p: p.write_text(page, encoding="utf-8"))
    _atomic_write(json_path, lambda p: p.write_text(json.dumps(summary, default=str, indent=1)))
    return DriftOutcome(year, reference, columns, html_path, json_path)


def _atomic_write(path: Path, write: Any) -> None:
    temp = path.with_name(path.name + ".tmp")
    write(temp)
    os.replace(temp, path)


def production_reference(conn: Connection) -> Reference | None:
    """The training years of the production model, as recorded at its promotion."""
    row = conn.execute(
        select(drift_references).order_by(desc(drift_references.c.id)).limit(1)
    ).first()
    if row is None or not row.training_years:
        return None
    return Reference(
        tuple(int(y) for y in row.training_years), SOURCE_PRODUCTION, row.model_version
    )


def record_production_reference(
    settings: Settings, model_version: str, training_years: Sequence[int]
) -> list[DriftOutcome]:
    """At promotion or rollback: compare every year with the new model's training data again.

    This is what clears a drift alert once a model trained on the changed year is promoted: that
    year is then part of the reference.
    """
    engine = engine_for(settings)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            insert(drift_references).values(
                model_version=str(model_version),
                training_years=sorted({int(y) for y in training_years}),
                recorded_at=now,
            )
        )
        requested = conn.execute(select(drift_runs.c.ano).distinct()).scalars().all()
        if requested:
            conn.execute(
                insert(drift_runs),
                [
                    {
                        "ano": int(year),
                        "reference_years": [],  # chosen when computed
                        "status": "pending",
                        "requested_at": now,
                        "run_id": f"promotion-{model_version}",
                    }
                    for year in sorted(requested)
                ],
            )
    # Verdicts only (a tenth of a second): Evidently's HTML would add seconds to each promotion;
    # the page keeps showing the year's latest HTML report, labelled with its reference.
    return run_pending_drift(settings, html=False)


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
    *,
    html: bool | None = None,
) -> list[DriftOutcome]:
    """Finish every pending drift report; a second worker at the same time leaves at once.

    ``gold`` is the published gold frame when the caller already holds it (read once per run);
    without it gold is read from disk once. ``on_start(year)`` reports each report as it starts.
    ``html`` (default: the ``drift_html_report`` setting) also writes Evidently's report.
    """
    html = settings.drift_html_report if html is None else html
    outcomes: list[DriftOutcome] = []
    try:
        with exclusive(settings.data_dir / DRIFT_LOCK):
            while (request := _next_pending(settings)) is not None:
                if on_start is not None:
                    on_start(int(request.ano))
                if gold is None:
                    gold = pd.read_parquet(gold_path(settings))
                outcome = _run_one(settings, request, gold, html=html)
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


def _run_one(
    settings: Settings, request: Any, gold: pd.DataFrame, *, html: bool
) -> DriftOutcome | None:
    engine = engine_for(settings)
    try:
        with engine.connect() as conn:
            production = production_reference(conn)
        loaded = sorted(int(y) for y in gold[c.ANO].unique())
        reference = choose_reference(int(request.ano), loaded, production)
        outcome = compute_drift(
            gold,
            int(request.ano),
            reference,
            limits=DriftLimits.from_settings(settings),
            reports_dir=settings.layer("reports") if html else None,
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
                reference_years=list(reference.years),
                drift_share=outcome.drift_share,
                dataset_drift=outcome.relevant,
                n_columns=sum(col.score is not None for col in outcome.columns),
                n_drifted=sum(col.drifted for col in outcome.columns),
                html_path=None if outcome.html_path is None else str(outcome.html_path),
                json_path=None if outcome.json_path is None else str(outcome.json_path),
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

"""Landing → bronze → silver → gold for uploaded files: plan (no writes), then publish atomically.

``plan_upload`` reads the bytes and tells what would happen (the dashboard's preview);
``ingest`` takes the pipeline lock, plans, builds gold and publishes everything in one step.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from config import Settings
from config.errors import PassosError
from pipeline import columns as c
from pipeline import publish, quality
from pipeline.bronze import to_bronze
from pipeline.errors import (
    InputFileError,
    SmallYearError,
    YearAlreadyLoadedError,
    YearOutOfRangeError,
    YearUnknownError,
)
from pipeline.gold import build_gold
from pipeline.limits import ParseLimits
from pipeline.locking import exclusive
from pipeline.plan import FilePlan, SheetPlan, Upload
from pipeline.readers import check_file_name, check_size, read_sheets
from pipeline.schemas import silver_violations, validate_gold
from pipeline.silver import to_silver
from pipeline.state import PublishedState, gold_stamp, load_state, unfinished_runs
from pipeline.tables import TableLayout
from pipeline.years import detect_year, plausible_years

log = logging.getLogger(__name__)

Progress = Callable[[str, str], None]  # (stage, message in Portuguese)
READING = "Lendo e conferindo os arquivos"


def _no_progress(_stage: str, _message: str) -> None:
    return None


@dataclass
class IngestResult:
    run_id: str
    files: list[FilePlan]
    skipped_files: list[str]
    years_loaded: list[int]
    rows: dict[str, dict[int, int]]
    flags: list[quality.YearFlag]
    drift_pending: list[int]
    # Years published although much smaller than the latest one (``force=True``).
    forced_small: list[dict[str, int]] = field(default_factory=list)
    # Runs published earlier whose drift reports and scoring were never finished (a crash).
    unfinished_runs: list[str] = field(default_factory=list)
    # The gold frame this run published, for the steps after publish (read once per run),
    # and the published file's stamp, which tells whether it is still the current gold.
    gold: pd.DataFrame | None = field(default=None, repr=False)
    gold_stamp: int | None = None

    @property
    def changed(self) -> bool:
        return bool(self.years_loaded)

    def summary(self) -> dict[str, object]:
        return {
            "run_id": self.run_id,
            "years_loaded": self.years_loaded,
            "skipped_files": self.skipped_files,
            "rows": {
                layer: {str(y): n for y, n in per.items()} for layer, per in self.rows.items()
            },
            "flags": [
                {"ano": f.ano, "flag": f.flag, "share": round(f.share, 4)} for f in self.flags
            ],
            "drift_pending": self.drift_pending,
            "forced_small": self.forced_small,
        }


def plan_upload(
    upload: Upload,
    settings: Settings,
    year: int | None = None,
    known_hashes: frozenset[str] = frozenset(),
    now: datetime | None = None,
) -> FilePlan:
    """Read one file and build its bronze and silver frames in memory; nothing is written."""
    name = check_file_name(upload.name)
    check_size(name, len(upload.content), settings.max_upload_mb)
    first, last = plausible_years(settings, (now or datetime.now(UTC)).year)
    if year is not None and not first <= year <= last:
        raise YearOutOfRangeError(year, first, last)
    digest = upload.content_hash
    if digest in known_hashes:
        return FilePlan(name, digest, len(upload.content), True, [])
    at = now or datetime.now(UTC)
    sheets = read_sheets(name, upload.content, ParseLimits.from_settings(settings))
    plans = []
    for raw in sheets:
        sheet_year = detect_year(raw.name, name, raw.frame.columns, len(sheets)) or year
        if sheet_year is None:
            raise YearUnknownError(name, raw.name)
        if not first <= sheet_year <= last:
            raise YearOutOfRangeError(sheet_year, first, last, raw.name)
        bronze = to_bronze(raw.frame, name, raw.name, digest, at)
        plans.append(_plan_sheet(bronze, sheet_year, name, raw.name, raw.layout))
    _refuse_repeated_years(name, plans)
    return FilePlan(name, digest, len(upload.content), False, plans)


def _plan_sheet(
    bronze: pd.DataFrame, year: int, file_name: str, sheet: str, layout: TableLayout
) -> SheetPlan:
    result = to_silver(bronze, year, file_name, sheet)
    _refuse_duplicate_ras(result.frame, file_name, sheet)
    violations = silver_violations(result.frame)
    silver = result.frame.drop(index=violations.index)
    contract_rows = result.frame.loc[violations.index]
    quarantine = pd.concat(
        [
            result.quarantine,
            pd.DataFrame(
                {
                    "ano": year,
                    "source_file": file_name,
                    "source_sheet": sheet,
                    "source_row": bronze.loc[
                        result.frame.index.isin(violations.index), c.SOURCE_ROW
                    ].to_numpy(),
                    "ra": contract_rows[c.RA].to_numpy(),
                    "reason": violations.to_numpy(),
                }
            )
            if len(violations)
            else None,
        ],
        ignore_index=True,
    )
    if silver.empty:
        raise InputFileError(
            f"A aba '{sheet}' do arquivo '{file_name}' não tem nenhum aluno válido: as "
            f"{len(bronze)} linha(s) foram recusadas. Confira a planilha e envie de novo."
        )
    return SheetPlan(
        file_name,
        sheet,
        year,
        len(bronze),
        result.mapping,
        result.ignored_headers,
        bronze,
        silver.reset_index(drop=True),
        quarantine,
        layout,
    )


def _refuse_duplicate_ras(frame: pd.DataFrame, file_name: str, sheet: str) -> None:
    repeated = frame[c.RA][frame[c.RA].duplicated(keep=False) & frame[c.RA].notna()]
    if repeated.empty:
        return
    examples = ", ".join(sorted(repeated.unique())[:5])
    problem = (
        f"A aba '{sheet}' do arquivo '{file_name}' tem {repeated.nunique()} RA(s) repetido(s) "
        "no mesmo ano"
    )
    raise InputFileError(
        f"{problem} (por exemplo {examples}). Cada aluno deve aparecer uma vez por ano: "
        "corrija a planilha e envie de novo.",
        summary=f"{problem}.",
    )


def _refuse_repeated_years(file_name: str, plans: Sequence[SheetPlan]) -> None:
    years = [p.year for p in plans]
    repeated = sorted({y for y in years if years.count(y) > 1})
    if repeated:
        raise InputFileError(
            f"O arquivo '{file_name}' tem mais de uma aba para o ano {repeated[0]}. "
            "Deixe uma aba por ano."
        )


PlannedFile = tuple[FilePlan, Upload]
PlanBuilder = Callable[[PublishedState, datetime], list[PlannedFile]]


def ingest(
    uploads: Sequence[Upload],
    settings: Settings,
    *,
    year: int | None = None,
    years_by_file: Mapping[str, int] | None = None,
    replace: bool = False,
    user: str = "cli",
    progress: Progress = _no_progress,
    force: bool = False,
) -> IngestResult:
    """Ingest files as one unit: either everything is published, or nothing changes.

    ``force`` publishes a new year even when it is much smaller than the latest one (which
    otherwise raises ``SmallYearError``, carrying what a confirmation needs to show).
    """
    if not uploads:
        raise InputFileError("Nenhum arquivo enviado. Escolha ao menos uma planilha do PEDE.")
    chosen = years_by_file or {}

    def build(state: PublishedState, started: datetime) -> list[PlannedFile]:
        progress("landing", READING)
        return [
            (plan_upload(u, settings, chosen.get(u.name, year), state.content_hashes, started), u)
            for u in uploads
        ]

    return _run_locked(build, settings, replace=replace, user=user, progress=progress, force=force)


def publish_plans(
    planned: Sequence[PlannedFile],
    settings: Settings,
    *,
    replace: bool = False,
    user: str = "cli",
    progress: Progress = _no_progress,
    force: bool = False,
) -> IngestResult:
    """Publish plans already built by ``plan_upload`` (a preview) without reading the files again.

    The published state is read again under the lock: a file that another run loaded since the
    preview is reported as already ingested, and year conflicts are checked against it.
    """
    if not planned:
        raise InputFileError("Nenhum arquivo enviado. Escolha ao menos uma planilha do PEDE.")

    def build(state: PublishedState, _started: datetime) -> list[PlannedFile]:
        return [
            (
                FilePlan(p.name, p.content_hash, p.size, True, [])
                if p.content_hash in state.content_hashes
                else p,
                u,
            )
            for p, u in planned
        ]

    return _run_locked(build, settings, replace=replace, user=user, progress=progress, force=force)


def _run_locked(
    build: PlanBuilder,
    settings: Settings,
    *,
    replace: bool,
    user: str,
    progress: Progress,
    force: bool,
) -> IngestResult:
    settings.ensure_dirs()
    run_id = str(uuid.uuid4())
    started = datetime.now(UTC)
    with exclusive(settings.lock_path):
        publish.remove_stale_temporaries(settings)
        try:
            state = load_state(settings)
            return _publish_locked(
                build(state, started),
                settings,
                state=state,
                replace=replace,
                force=force,
                user=user,
                run_id=run_id,
                started=started,
                progress=progress,
            )
        except PassosError as exc:
            reason = exc.summary if isinstance(exc, InputFileError) else str(exc)
            publish.record_failed_run(settings, run_id, started, user, reason)
            raise
        except Exception as exc:
            publish.record_failed_run(settings, run_id, started, user, type(exc).__name__)
            raise


def _publish_locked(
    planned: Sequence[PlannedFile],
    settings: Settings,
    *,
    state: PublishedState,
    replace: bool,
    force: bool,
    user: str,
    run_id: str,
    started: datetime,
    progress: Progress,
) -> IngestResult:
    unfinished = unfinished_runs(settings)
    plans = [p for p, _ in planned]
    new_files = [(p, u) for p, u in planned if not p.already_ingested]
    skipped = [p.name for p in plans if p.already_ingested]
    sheets = [s for p, _ in new_files for s in p.sheets]
    _refuse_year_conflicts(sheets, state, replace)
    if not sheets:
        return IngestResult(run_id, plans, skipped, [], {}, [], [], unfinished_runs=unfinished)
    forced_small = _refuse_small_years(sheets, state, settings.small_year_share, force)

    progress("silver", "Padronizando colunas e valores")
    new_silver = {s.year: s.silver for s in sheets}
    all_silver = state.silver_with(new_silver)
    flags = _year_flags(all_silver, new_silver, sheets, settings)
    suspect = state.suspect_years_after(flags, set(new_silver))

    progress("gold", "Montando a camada gold e o alvo do próximo ano")
    gold = validate_gold(
        build_gold(pd.concat(all_silver.values(), ignore_index=True), settings.risk, suspect)
    )
    drift_years = [y for y in sorted(new_silver) if any(prev < y for prev in all_silver)]
    result = IngestResult(
        run_id,
        plans,
        skipped,
        sorted(new_silver),
        {
            "bronze": {s.year: s.rows for s in sheets},
            "silver": {s.year: len(s.silver) for s in sheets},
            "quarantine": {s.year: len(s.quarantine) for s in sheets},
            "gold": {int(str(y)): int(n) for y, n in gold.groupby(c.ANO).size().items()},
        },
        flags,
        drift_years,
        forced_small,
        unfinished,
        gold,
    )
    progress("publish", "Publicando (tudo ou nada)")
    publish.publish_ingest(
        settings,
        publish.IngestBatch(
            run_id=run_id,
            started=started,
            user=user,
            files=new_files,
            silver=new_silver,
            replaced_years=sorted(set(new_silver) & state.loaded_years),
            gold=gold,
            flags=flags,
            flag_years=sorted(set(new_silver) | {y + 1 for y in new_silver}),
            drift_years=drift_years,
            summary=result.summary(),
        ),
    )
    result.gold_stamp = gold_stamp(settings)
    log.info("pipeline run %s published years %s", run_id, result.years_loaded)
    return result


def _refuse_year_conflicts(
    sheets: Sequence[SheetPlan], state: PublishedState, replace: bool
) -> None:
    years = [s.year for s in sheets]
    repeated = sorted({y for y in years if years.count(y) > 1})
    if repeated:
        raise InputFileError(
            f"O ano {repeated[0]} aparece em mais de um arquivo deste envio. "
            "Envie um arquivo por ano (ou um arquivo com uma aba por ano)."
        )
    already = sorted(set(years) & state.loaded_years)
    if already and not replace:
        raise YearAlreadyLoadedError(already)


def small_years(
    sheets: Sequence[SheetPlan], state: PublishedState, share: float
) -> list[dict[str, int]]:
    """New latest years with fewer students than ``share`` of the latest loaded year: each with
    ``ano``, ``n_new``, ``n_previous`` and ``previous`` (the year compared with)."""
    if not state.loaded_years:
        return []
    latest = max(state.loaded_years)
    n_previous = len(state.silver(latest))
    return [
        {"ano": s.year, "n_new": len(s.silver), "n_previous": n_previous, "previous": latest}
        for s in sheets
        if s.year >= latest and len(s.silver) < share * n_previous
    ]


def preview_small_years(plan: FilePlan, settings: Settings) -> list[dict[str, int]]:
    """For a preview: the years of a planned file that will need confirmation (``force``)."""
    return small_years(plan.sheets, load_state(settings), settings.small_year_share)


def _refuse_small_years(
    sheets: Sequence[SheetPlan], state: PublishedState, share: float, force: bool
) -> list[dict[str, int]]:
    """Refuse a small new year unless forced; the forced ones are recorded with the run."""
    small = small_years(sheets, state, share)
    if small and not force:
        first = small[0]
        raise SmallYearError(first["ano"], first["n_new"], first["n_previous"], first["previous"])
    return small


def _year_flags(
    all_silver: Mapping[int, pd.DataFrame],
    new_silver: Mapping[int, pd.DataFrame],
    sheets: Sequence[SheetPlan],
    settings: Settings,
) -> list[quality.YearFlag]:
    """Probable copies around every new year, and years with many quarantined rows."""
    flags: list[quality.YearFlag] = []
    for year in sorted(set(new_silver) | {y + 1 for y in new_silver}):
        if year in all_silver and year - 1 in all_silver:
            flag = quality.probable_copy(
                all_silver[year - 1], all_silver[year], year, settings.probable_copy_share
            )
            flags += [flag] if flag else []
    for sheet in sheets:
        flag = quality.many_quarantined(
            sheet.year, len(sheet.quarantine), sheet.rows, settings.quarantine_warn_share
        )
        flags += [flag] if flag else []
    return flags


def accept_copy(settings: Settings, year: int, user: str) -> None:
    """Accept a year flagged as a probable copy: its transitions become training labels."""
    from sqlalchemy import update

    from pipeline.store import year_flags

    settings.ensure_dirs()
    with exclusive(settings.lock_path):
        publish.remove_stale_temporaries(settings)
        state = load_state(settings)
        if year not in state.copy_flagged:
            raise PassosError(
                f"O ano {year} não está marcado como provável cópia: não há o que aceitar."
            )
        suspect = (state.copy_flagged - state.accepted_copies) - {year}
        silver = state.silver_with({})
        gold = validate_gold(
            build_gold(pd.concat(silver.values(), ignore_index=True), settings.risk, suspect)
        )

        def mark_accepted(conn: Any) -> None:
            conn.execute(
                update(year_flags)
                .where(year_flags.c.ano == year, year_flags.c.flag == quality.PROBABLE_COPY)
                .values(accepted=True, detail=year_flags.c.detail + f" Aceito por {user}.")
            )

        publish.publish_gold(settings, str(uuid.uuid4()), gold, mark_accepted)

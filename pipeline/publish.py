"""Publishing a run: files written aside, one database transaction, then atomic renames.

If anything fails before the transaction commits, the temporary files are removed and the
previously published gold, database and reports are exactly as they were.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from config import Settings
from pipeline import columns as c
from pipeline import quality
from pipeline.frames import records
from pipeline.gold import latest_per_student
from pipeline.plan import FilePlan, Upload
from pipeline.state import gold_path, silver_path
from pipeline.store import (
    drift_runs,
    engine_for,
    finish_requests,
    ingested_files,
    online_features,
    pipeline_runs,
    quarantine,
    year_flags,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestBatch:
    run_id: str
    started: datetime
    user: str
    files: Sequence[tuple[FilePlan, Upload]]
    silver: dict[int, pd.DataFrame]
    replaced_years: Sequence[int]
    gold: pd.DataFrame
    flags: Sequence[quality.YearFlag]
    flag_years: Sequence[int]
    drift_years: Sequence[int]
    summary: dict[str, object]


STAGED_SUFFIX = ".tmp-"
_STAGED = re.compile(
    r"^(?P<final>.+)\.tmp-(?P<run>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
)


def remove_stale_temporaries(settings: Settings) -> dict[str, int]:
    """Tidy files staged by a run that was killed (call with the pipeline lock held: then no
    live run owns any of them). A run killed before its database commit never published: its
    files are deleted. A run killed after the commit but before moving its files in did
    publish: its files are moved into place, as the run would have done."""
    staged = [
        (path, match)
        for path in settings.data_dir.rglob(f"*{STAGED_SUFFIX}*")
        if path.is_file() and (match := _STAGED.match(path.name))
    ]
    if not staged:
        return {"removed": 0, "completed": 0}
    with engine_for(settings).connect() as conn:
        published = {
            row.run_id
            for row in conn.execute(
                select(pipeline_runs.c.run_id).where(pipeline_runs.c.status == "success")
            )
        }
    counts = {"removed": 0, "completed": 0}
    for path, match in staged:
        if match["run"] in published:
            os.replace(path, path.with_name(match["final"]))
            counts["completed"] += 1
        else:
            path.unlink(missing_ok=True)
            counts["removed"] += 1
    log.warning("interrupted run(s): %(removed)d file(s) removed, %(completed)d moved in", counts)
    return counts


class StagedFiles:
    """Files written next to their final place, moved in only after the database commits."""

    def __init__(self, run_id: str) -> None:
        self.suffix = f"{STAGED_SUFFIX}{run_id}"
        self.pending: list[tuple[Path, Path]] = []

    def frame(self, frame: pd.DataFrame, final: Path) -> None:
        final.parent.mkdir(parents=True, exist_ok=True)
        temp = final.with_name(final.name + self.suffix)
        frame.to_parquet(temp, index=False)
        self.pending.append((temp, final))

    def raw(self, content: bytes, final: Path) -> None:
        final.parent.mkdir(parents=True, exist_ok=True)
        temp = final.with_name(final.name + self.suffix)
        temp.write_bytes(content)
        self.pending.append((temp, final))

    def commit(self) -> None:
        for temp, final in self.pending:
            os.replace(temp, final)
        self.pending.clear()

    def discard(self) -> None:
        for temp, _ in self.pending:
            temp.unlink(missing_ok=True)
        self.pending.clear()


@contextmanager
def staged(run_id: str) -> Iterator[StagedFiles]:
    files = StagedFiles(run_id)
    try:
        yield files
    except BaseException:
        files.discard()
        raise
    files.commit()


def landing_path(settings: Settings, content_hash: str, file_name: str) -> Path:
    return settings.layer("landing") / f"{content_hash}{Path(file_name).suffix.lower()}"


def bronze_path(settings: Settings, content_hash: str, sheet: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", sheet).strip("._") or "sheet"
    return settings.layer("bronze") / content_hash / f"{safe}.parquet"


def publish_ingest(settings: Settings, batch: IngestBatch) -> None:
    """Write landing, bronze, silver and gold and record the run; all of it or none of it."""
    now = datetime.now(UTC)
    archive = settings.layer("archive") / f"{now:%Y%m%dT%H%M%S}_{batch.run_id[:8]}"
    archived = _archive_replaced(settings, batch.replaced_years, archive)
    try:
        with staged(batch.run_id) as files:
            for plan, upload in batch.files:
                files.raw(upload.content, landing_path(settings, plan.content_hash, plan.name))
                for sheet in plan.sheets:
                    files.frame(sheet.bronze, bronze_path(settings, plan.content_hash, sheet.sheet))
            for year, frame in batch.silver.items():
                files.frame(frame, silver_path(settings, year))
            files.frame(batch.gold, gold_path(settings))
            with engine_for(settings).begin() as conn:
                _record_ingest(conn, settings, batch, now)
    except BaseException:
        shutil.rmtree(archive, ignore_errors=True) if archived else None
        raise


def publish_gold(settings: Settings, run_id: str, gold: pd.DataFrame, change: Any) -> None:
    """Replace gold and apply a database change (a callable on the connection) together."""
    with staged(run_id) as files:
        files.frame(gold, gold_path(settings))
        with engine_for(settings).begin() as conn:
            change(conn)
            _replace_online_store(conn, gold, datetime.now(UTC))


def _archive_replaced(settings: Settings, years: Sequence[int], archive: Path) -> bool:
    """Copy (not move) the silver files of years being replaced: the old version is kept."""
    sources = [silver_path(settings, y) for y in years if silver_path(settings, y).exists()]
    if not sources:
        return False
    archive.mkdir(parents=True, exist_ok=True)
    for source in sources:
        shutil.copy2(source, archive / source.name)
    return True


def _record_ingest(conn: Connection, settings: Settings, batch: IngestBatch, now: datetime) -> None:
    if batch.replaced_years:
        conn.execute(
            update(ingested_files)
            .where(ingested_files.c.ano.in_(batch.replaced_years))
            .where(ingested_files.c.superseded_at.is_(None))
            .values(superseded_at=now)
        )
    file_rows = [
        {
            "content_hash": plan.content_hash,
            "file_name": plan.name,
            "landing_path": str(landing_path(settings, plan.content_hash, plan.name)),
            "sheet": sheet.sheet,
            "ano": sheet.year,
            "rows_bronze": sheet.rows,
            "rows_silver": len(sheet.silver),
            "rows_quarantined": len(sheet.quarantine),
            "ingested_by": batch.user,
            "ingested_at": now,
            "run_id": batch.run_id,
        }
        for plan, _ in batch.files
        for sheet in plan.sheets
    ]
    conn.execute(insert(ingested_files), file_rows)
    quarantined = [
        {**row, "run_id": batch.run_id}
        for plan, _ in batch.files
        for sheet in plan.sheets
        for row in records(sheet.quarantine)
    ]
    if quarantined:
        conn.execute(insert(quarantine), quarantined)
    _replace_flags(conn, batch, now)
    _replace_online_store(conn, batch.gold, now)
    if batch.drift_years:
        conn.execute(
            insert(drift_runs),
            [
                {
                    "ano": year,
                    "reference_years": sorted(
                        int(y) for y in batch.gold[c.ANO].unique() if y < year
                    ),
                    "status": "pending",
                    "requested_at": now,
                    "run_id": batch.run_id,
                }
                for year in batch.drift_years
            ],
        )
    conn.execute(insert(finish_requests).values(run_id=batch.run_id, requested_at=now))
    conn.execute(
        insert(pipeline_runs).values(
            run_id=batch.run_id,
            started_at=batch.started,
            finished_at=datetime.now(UTC),
            status="success",
            triggered_by=batch.user,
            years=sorted(batch.silver),
            summary=batch.summary,
        )
    )


def _replace_flags(conn: Connection, batch: IngestBatch, now: datetime) -> None:
    previously_accepted = {
        row.ano
        for row in conn.execute(
            year_flags.select().where(
                year_flags.c.flag == quality.PROBABLE_COPY, year_flags.c.accepted.is_(True)
            )
        )
    }
    conn.execute(delete(year_flags).where(year_flags.c.ano.in_(list(batch.flag_years))))
    rows = [
        {
            "ano": flag.ano,
            "flag": flag.flag,
            "detail": flag.detail,
            "share": flag.share,
            "accepted": flag.ano in previously_accepted and flag.ano not in batch.silver,
            "created_at": now,
        }
        for flag in batch.flags
    ]
    if rows:
        conn.execute(insert(year_flags), rows)


def _replace_online_store(conn: Connection, gold: pd.DataFrame, now: datetime) -> None:
    latest = latest_per_student(gold)
    names = [col.name for col in online_features.columns if col.name != "updated_at"]
    conn.execute(delete(online_features))
    rows = [{**row, "updated_at": now} for row in records(latest[names])]
    if rows:
        conn.execute(insert(online_features), rows)


def record_failed_run(
    settings: Settings, run_id: str, started: datetime, user: str, reason: str
) -> None:
    """Keep a trace of a refused run (for the dashboard's history); never hides the error."""
    try:
        with engine_for(settings).begin() as conn:
            conn.execute(
                insert(pipeline_runs).values(
                    run_id=run_id,
                    started_at=started,
                    finished_at=datetime.now(UTC),
                    status="failed",
                    triggered_by=user,
                    years=[],
                    summary={"error": reason[:500]},
                )
            )
    except SQLAlchemyError:
        log.warning("could not record the failed pipeline run %s", run_id)

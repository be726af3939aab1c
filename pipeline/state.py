"""What is published now: loaded years, known files, silver per year, and year flags."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import select, update

from config import Settings
from pipeline import quality
from pipeline.store import engine_for, finish_requests, ingested_files, year_flags

SILVER_FILE = "ano={year}.parquet"
GOLD_FILE = "student_years.parquet"


def silver_path(settings: Settings, year: int) -> Path:
    return settings.layer("silver") / SILVER_FILE.format(year=year)


def gold_path(settings: Settings) -> Path:
    return settings.layer("gold") / GOLD_FILE


def gold_stamp(settings: Settings) -> int | None:
    """Identifies the published gold file (each publish replaces it): its modification time."""
    path = gold_path(settings)
    return path.stat().st_mtime_ns if path.exists() else None


@dataclass(frozen=True)
class PublishedState:
    settings: Settings
    loaded_years: frozenset[int]
    content_hashes: frozenset[str]
    accepted_copies: frozenset[int]
    copy_flagged: frozenset[int]

    def silver(self, year: int) -> pd.DataFrame:
        return pd.read_parquet(silver_path(self.settings, year))

    def silver_with(self, new: Mapping[int, pd.DataFrame]) -> dict[int, pd.DataFrame]:
        """Every year's silver after this run: published years, replaced by the new ones."""
        kept = {y: self.silver(y) for y in sorted(self.loaded_years - set(new))}
        return dict(sorted({**kept, **new}.items()))

    def suspect_years_after(
        self, new_flags: Iterable[quality.YearFlag], recomputed: Iterable[int]
    ) -> set[int]:
        """Years flagged as probable copies and not accepted, once this run's flags are in."""
        recomputed_years = set(recomputed)
        kept = {y for y in self.copy_flagged - self.accepted_copies if y not in recomputed_years}
        fresh = {f.ano for f in new_flags if f.flag == quality.PROBABLE_COPY}
        return kept | {y for y in fresh if not self.keeps_acceptance(y, recomputed_years)}

    def keeps_acceptance(self, year: int, loaded_now: set[int]) -> bool:
        """An accepted copy stays accepted unless that year itself was loaded again."""
        return year in self.accepted_copies and year not in loaded_now


def unfinished_runs(settings: Settings) -> list[str]:
    """Published runs whose drift reports and scoring were not finished (e.g. a crash)."""
    with engine_for(settings).connect() as conn:
        rows = conn.execute(
            select(finish_requests.c.run_id)
            .where(finish_requests.c.finished_at.is_(None))
            .order_by(finish_requests.c.requested_at)
        ).all()
    return [row.run_id for row in rows]


def mark_finished(settings: Settings, run_ids: Iterable[str]) -> None:
    """Record that the follow-up steps of these runs are done."""
    ids = list(run_ids)
    if not ids:
        return
    with engine_for(settings).begin() as conn:
        conn.execute(
            update(finish_requests)
            .where(finish_requests.c.run_id.in_(ids))
            .values(finished_at=datetime.now(UTC))
        )


def load_state(settings: Settings) -> PublishedState:
    """Read the published state from the database (silver frames are read on demand)."""
    with engine_for(settings).connect() as conn:
        files = conn.execute(
            select(
                ingested_files.c.content_hash, ingested_files.c.ano, ingested_files.c.superseded_at
            )
        ).all()
        flags = conn.execute(
            select(year_flags.c.ano, year_flags.c.accepted).where(
                year_flags.c.flag == quality.PROBABLE_COPY
            )
        ).all()
    return PublishedState(
        settings,
        frozenset(row.ano for row in files if row.superseded_at is None),
        frozenset(row.content_hash for row in files),
        frozenset(row.ano for row in flags if row.accepted),
        frozenset(row.ano for row in flags),
    )

"""Gold → labelled transitions and temporal folds (train on feature years < t, test on t)."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pandas as pd

from config import Settings
from models.errors import (
    NoGoldError,
    NoLabelsError,
    NotEnoughLabelledYearsError,
    SingleYearError,
)
from pipeline import columns as c

log = logging.getLogger(__name__)

GOLD_FILE: Final = "student_years.parquet"


def gold_path(settings: Settings) -> Path:
    return settings.layer("gold") / GOLD_FILE


def load_gold(settings: Settings) -> pd.DataFrame:
    """The published gold frame; ``NoGoldError`` when there is none yet."""
    path = gold_path(settings)
    if not path.is_file():
        raise NoGoldError(path)
    gold = pd.read_parquet(path)
    if gold.empty:
        raise NoGoldError(path)
    return gold


def labelled(gold: pd.DataFrame) -> pd.DataFrame:
    """Rows with a known next-year class, probable-copy transitions excluded."""
    has_label = gold[c.CLASSE_PROXIMO_ANO].notna()
    suspect = gold[c.TRANSICAO_SUSPEITA].fillna(False).astype(bool)
    return gold.loc[has_label & ~suspect]


@dataclass(frozen=True)
class TemporalFold:
    """Train on transitions whose feature year is before ``test_year``; test on ``test_year``."""

    test_year: int
    train_years: tuple[int, ...]
    train_index: pd.Index
    test_index: pd.Index


@dataclass(frozen=True)
class TrainingData:
    gold: pd.DataFrame
    labelled: pd.DataFrame
    folds: tuple[TemporalFold, ...]
    excluded_suspect: int

    @property
    def labelled_years(self) -> tuple[int, ...]:
        return tuple(sorted(int(y) for y in self.labelled[c.ANO].unique()))

    @property
    def headline(self) -> TemporalFold:
        """The latest test year: its numbers are the ones logged and shown."""
        return self.folds[-1]


def training_data(gold: pd.DataFrame) -> TrainingData:
    """Check that gold can train a model and build the temporal folds (clear errors if not)."""
    years = sorted(int(y) for y in gold[c.ANO].unique())
    if len(years) == 1:
        raise SingleYearError(years[0])
    suspect = gold[c.TRANSICAO_SUSPEITA].fillna(False).astype(bool)
    excluded = int((suspect & gold[c.CLASSE_PROXIMO_ANO].notna()).sum())
    if excluded:
        log.warning("excluding %d transitions flagged as a probable copy", excluded)
    rows = labelled(gold)
    if rows.empty:
        raise NoLabelsError(years, excluded)
    labelled_years = sorted(int(y) for y in rows[c.ANO].unique())
    if len(labelled_years) < 2:
        raise NotEnoughLabelledYearsError(labelled_years)
    folds = tuple(
        TemporalFold(
            test_year=t,
            train_years=tuple(y for y in labelled_years if y < t),
            train_index=rows.index[rows[c.ANO] < t],
            test_index=rows.index[rows[c.ANO] == t],
        )
        for t in labelled_years[1:]
    )
    return TrainingData(gold=gold, labelled=rows, folds=folds, excluded_suspect=excluded)


def content_hashes(gold: pd.DataFrame) -> dict[int, str]:
    """Per feature year: the source file hashes it came from (joined) — the data snapshot id."""
    out: dict[int, str] = {}
    for year, group in gold.groupby(c.ANO):
        hashes = sorted({str(h) for h in group[c.SOURCE_HASH].dropna().unique()})
        out[int(str(year))] = ",".join(hashes)
    return out


def frame_digest(frame: pd.DataFrame) -> str:
    """Short stable digest of a frame's content (for the MLflow dataset)."""
    hashed = pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes()
    return hashlib.sha256(hashed).hexdigest()[:16]

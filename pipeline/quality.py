"""Data-quality checks a coordinator wants to hear about (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pipeline import columns as c

PROBABLE_COPY = "probable_copy"
MANY_QUARANTINED = "many_quarantined"


@dataclass(frozen=True)
class YearFlag:
    ano: int
    flag: str
    share: float
    detail: str


def unchanged_defasagem_share(previous: pd.DataFrame, current: pd.DataFrame) -> tuple[float, int]:
    """Share of the students present in both years whose Defasagem did not change, and how many."""
    shared = previous[[c.RA, c.DEFASAGEM]].merge(
        current[[c.RA, c.DEFASAGEM]], on=c.RA, suffixes=("_prev", "_cur")
    )
    if shared.empty:
        return 0.0, 0
    same = shared[f"{c.DEFASAGEM}_prev"].eq(shared[f"{c.DEFASAGEM}_cur"]).fillna(False)
    return float(same.mean()), len(shared)


def probable_copy(
    previous: pd.DataFrame, current: pd.DataFrame, year: int, max_share: float
) -> YearFlag | None:
    """Flag a year whose Defasagem repeats the previous year's for almost every shared student."""
    share, shared = unchanged_defasagem_share(previous, current)
    if shared == 0 or share <= max_share:
        return None
    return YearFlag(
        year,
        PROBABLE_COPY,
        share,
        f"A Defasagem de {year} é igual à de {year - 1} para {share:.0%} dos {shared} alunos "
        f"presentes nos dois anos: provável cópia do ano anterior. As transições "
        f"{year - 1}→{year} ficam fora do treino até serem aceitas (passos accept-copy {year}).",
    )


def many_quarantined(year: int, quarantined: int, total: int, max_share: float) -> YearFlag | None:
    """Flag a year where a large share of the rows had to be set aside."""
    if total == 0:
        return None
    share = quarantined / total
    if share <= max_share:
        return None
    return YearFlag(
        year,
        MANY_QUARANTINED,
        share,
        f"{quarantined} de {total} linhas de {year} ({share:.0%}) foram para a quarentena. "
        "Confira os motivos e corrija a planilha.",
    )

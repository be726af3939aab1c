"""Silver → gold: every student-year with the class of the student's next-year Defasagem."""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from config import RiskThresholds
from pipeline import columns as c


def risk_class(defasagem: pd.Series, thresholds: RiskThresholds) -> pd.Series:
    """``critical`` ≤ -2, ``alert`` = -1, ``expected`` ≥ 0 (cut points from config)."""
    values = defasagem.astype("Float64")
    labels = np.select(
        [
            (values <= thresholds.critical_at_most).fillna(False).to_numpy(bool),
            (values <= thresholds.alert_at_most).fillna(False).to_numpy(bool),
            values.notna().to_numpy(bool),
        ],
        [c.CRITICAL, c.ALERT, c.EXPECTED],
        default="",
    )
    return pd.Series(labels, index=defasagem.index, dtype="string").replace("", pd.NA)


def build_gold(
    silver: pd.DataFrame, thresholds: RiskThresholds, suspect_years: Collection[int]
) -> pd.DataFrame:
    """All student-years with next-year target; transitions into a suspect year are marked."""
    current = silver.loc[:, list(c.SILVER_COLUMNS)].sort_values([c.ANO, c.RA], kind="stable")
    following = current.loc[:, [c.RA, c.ANO, c.DEFASAGEM]].assign(**{c.ANO: current[c.ANO] - 1})
    following = following.rename(columns={c.DEFASAGEM: c.DEFASAGEM_PROXIMO_ANO})
    gold = current.merge(following, on=[c.RA, c.ANO], how="left", validate="one_to_one")
    next_year = gold[c.ANO] + 1
    return (
        gold.assign(
            **{
                c.CLASSE_ATUAL: risk_class(gold[c.DEFASAGEM], thresholds),
                c.DEFASAGEM_PROXIMO_ANO: gold[c.DEFASAGEM_PROXIMO_ANO].astype("Int64"),
                c.CLASSE_PROXIMO_ANO: risk_class(gold[c.DEFASAGEM_PROXIMO_ANO], thresholds),
                c.TRANSICAO_SUSPEITA: next_year.isin(list(suspect_years))
                & gold[c.DEFASAGEM_PROXIMO_ANO].notna(),
            }
        )
        .loc[:, list(c.GOLD_COLUMNS)]
        .reset_index(drop=True)
    )


def latest_per_student(gold: pd.DataFrame) -> pd.DataFrame:
    """The online-store view: each student's most recent year."""
    ordered = gold.sort_values([c.RA, c.ANO], kind="stable")
    return ordered.drop_duplicates(c.RA, keep="last").reset_index(drop=True)

"""Follow-up of a year's list: of the students it flagged, who really lagged the next year,
and whom it missed.

:func:`follow_up` is pure (the list as given + the next-year classes from gold);
:func:`follow_up_year` reads both and is the verb the CLI (``passos follow-up``) and the
*Acompanhamento* page call, so they show the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Final

import pandas as pd

from config import Settings
from config.errors import PassosError
from models import columns as pc
from pipeline import columns as c

REAL: Final = "real"  # the next-year class of each listed student (None: not in the next year)


@dataclass(frozen=True)
class ClassFollowUp:
    """One flagged class: how many were put in it, how many really lagged, how many exactly."""

    classe: str
    flagged: int
    known: int  # of those, present in the next year
    flagged_lagged: int  # really Critical or Alert the next year
    exact: int  # really in this very class
    missed: int  # really in this class, not flagged at all
    precision: float | None  # exact / known
    recall: float | None  # exact / really in this class (among the listed, known)

    def summary(self) -> dict[str, Any]:
        return {
            "flagged": self.flagged,
            "known": self.known,
            "flagged_lagged": self.flagged_lagged,
            "exact": self.exact,
            "missed": self.missed,
            "precision": self.precision,
            "recall": self.recall,
        }


@dataclass(frozen=True)
class FollowUp:
    """How a year's list turned out, with the rows behind every number."""

    ano: int
    model_version: str
    listed: int
    flagged: int  # listed as Critical or Alert
    known: int  # flagged and present in the next year
    flagged_lagged: int  # flagged and really Critical or Alert the next year
    missed: int  # not flagged, really Critical or Alert the next year
    not_seen: int  # listed students absent from the next year
    precision: float | None  # flagged_lagged / known
    recall: float | None  # flagged_lagged / (flagged_lagged + missed)
    by_class: dict[str, ClassFollowUp]
    frame: pd.DataFrame = field(repr=False)  # the list with its ``real`` column
    warnings: tuple[str, ...] = ()

    @property
    def flagged_rows(self) -> pd.DataFrame:
        return self.frame[self.frame[pc.CLASSE].isin(pc.AT_RISK_CLASSES)]

    @property
    def missed_rows(self) -> pd.DataFrame:
        return self.frame[
            self.frame[REAL].isin(pc.AT_RISK_CLASSES)
            & ~self.frame[pc.CLASSE].isin(pc.AT_RISK_CLASSES)
        ]

    def summary(self, with_students: bool = True) -> dict[str, Any]:
        """The JSON of ``passos follow-up --json`` (students only when ``with_students``)."""
        out: dict[str, Any] = {
            "ano": self.ano,
            "next_year": self.ano + 1,
            pc.MODEL_VERSION: self.model_version,
            "listed": self.listed,
            "flagged": self.flagged,
            "known": self.known,
            "flagged_lagged": self.flagged_lagged,
            "missed": self.missed,
            "not_seen": self.not_seen,
            "precision": self.precision,
            "recall": self.recall,
            "by_class": {k: v.summary() for k, v in self.by_class.items()},
            "warnings": list(self.warnings),
        }
        if with_students:
            out["missed_students"] = _students(self.missed_rows)
            out["flagged_lagged_students"] = _students(
                self.flagged_rows[self.flagged_rows[REAL].isin(pc.AT_RISK_CLASSES)]
            )
        return out


def _students(rows: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {
            c.RA: str(r[c.RA]),
            c.NOME: None if pd.isna(r.get(c.NOME)) else str(r.get(c.NOME)),
            pc.RANK: int(r[pc.RANK]),
            "predicted": str(r[pc.CLASSE]),
            REAL: str(r[REAL]),
        }
        for r in rows.to_dict("records")
    ]


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


def follow_up(
    listed: pd.DataFrame, next_classes: pd.DataFrame, ano: int, model_version: str
) -> FollowUp:
    """Compare the list given for ``ano`` with the real class of the next year.

    ``listed``: the list as given (``read_predictions`` rows); ``next_classes``: ``ra`` and
    ``real`` (the next-year class, missing when the student is not in the next year).
    """
    truth = next_classes[[c.RA, REAL]].drop_duplicates(c.RA)
    frame = listed.merge(truth.astype({c.RA: str}), on=c.RA, how="left")
    frame[REAL] = [None if pd.isna(v) else str(v) for v in frame[REAL]]
    predicted, real = frame[pc.CLASSE], frame[REAL]
    seen = real.notna()
    is_flagged = predicted.isin(pc.AT_RISK_CLASSES)
    lagged = real.isin(pc.AT_RISK_CLASSES)
    hits = int((is_flagged & lagged).sum())
    missed = int((~is_flagged & lagged).sum())
    by_class = {}
    for k in pc.AT_RISK_CLASSES:
        mine = predicted == k
        exact = int((mine & (real == k)).sum())
        really = int((real == k).sum())
        by_class[k] = ClassFollowUp(
            classe=k,
            flagged=int(mine.sum()),
            known=int((mine & seen).sum()),
            flagged_lagged=int((mine & lagged).sum()),
            exact=exact,
            missed=int(((real == k) & ~is_flagged).sum()),
            precision=_share(exact, int((mine & seen).sum())),
            recall=_share(exact, really),
        )
    return FollowUp(
        ano=ano,
        model_version=model_version,
        listed=len(frame),
        flagged=int(is_flagged.sum()),
        known=int((is_flagged & seen).sum()),
        flagged_lagged=hits,
        missed=missed,
        not_seen=int((~seen).sum()),
        precision=_share(hits, int((is_flagged & seen).sum())),
        recall=_share(hits, hits + missed),
        by_class=by_class,
        frame=frame,
    )


def next_year_classes(gold: pd.DataFrame, ano: int) -> pd.DataFrame:
    """``ra`` and ``real`` (next-year Defasagem class) of the students of ``ano`` in gold."""
    rows = gold[gold[c.ANO] == ano]
    return pd.DataFrame(
        {c.RA: rows[c.RA].astype(str).to_numpy(), REAL: rows[c.CLASSE_PROXIMO_ANO].to_numpy()}
    )


def follow_up_year(settings: Settings, ano: int | None = None) -> FollowUp:
    """The follow-up of the list given for ``ano`` (default: the newest year that has a next
    year loaded). Raises a one-line Portuguese ``PassosError`` when it cannot be computed yet."""
    from cycle.copies import copy_warnings
    from models.predictions import published_years, read_predictions
    from pipeline.state import gold_path

    path = gold_path(settings)
    if not path.exists():
        raise PassosError("Nenhum dado carregado ainda: carregue as planilhas PEDE primeiro.")
    gold = pd.read_parquet(path)
    loaded = {int(y) for y in gold[c.ANO].unique()}
    years = published_years(settings)
    if ano is None:
        ready = [y for y in years if y + 1 in loaded]
        if not ready:
            raise PassosError(
                "Nenhuma lista tem o ano seguinte carregado ainda: o acompanhamento fica "
                "disponível quando os dados do ano seguinte forem carregados."
            )
        ano = ready[0]
    if ano not in years:
        raise PassosError(
            f"Não há lista publicada para {ano}: listas disponíveis: "
            f"{', '.join(map(str, sorted(years))) or 'nenhuma'}."
        )
    if ano + 1 not in loaded:
        raise PassosError(
            f"Os dados de {ano + 1} ainda não foram carregados: o acompanhamento da lista de "
            f"{ano} fica disponível depois que a planilha de {ano + 1} for processada."
        )
    listed = read_predictions(settings, ano=ano)
    version = str(listed[pc.MODEL_VERSION].iloc[0]) if len(listed) else ""
    result = follow_up(listed, next_year_classes(gold, ano), ano, version)
    return replace(result, warnings=tuple(copy_warnings(settings, ano + 1)))

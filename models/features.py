"""Model features from gold (or silver-like records): one pure function for training and scoring.

Every feature is a float column (NaN when unknown), so the same frame feeds every estimator and
the MLflow signature. History (previous year's values and their changes) comes from the
student's row of year ``ano - 1`` when there is one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd

from pipeline import columns as c

# Ages (years, as PEDE records them) at which a student's ideal phase is each Fase, measured on
# the 2022 and 2023 PEDE sheets (Fase ideal against Idade). Two-year phases (ALFA, 2 and 3)
# do not move on every birthday: that decides whether a student who advances stays on track.
IDEAL_PHASE_AGES: Final[dict[int, tuple[int, ...]]] = {
    0: (7, 8),
    1: (9,),
    2: (10, 11),
    3: (12, 13),
    4: (14,),
    5: (15,),
    6: (16,),
    7: (17,),
    8: (18,),
    9: (19,),
}
LAST_IDEAL_PHASE: Final = 8
PEDRA_ORDER: Final[dict[str, float]] = {p: float(i) for i, p in enumerate(c.PEDRAS, start=1)}

# Feature names (model inputs). Current-year indicators keep their data-contract names.
IDADE_PARA_FASE: Final = "idade_para_fase"
PEDRA_ORDINAL: Final = "pedra_ordinal"
PASSO_FASE_IDEAL: Final = "passo_fase_ideal"
DEFASAGEM_SE_AVANCAR: Final = "defasagem_se_avancar"
GENERO_FEMININO: Final = "genero_feminino"
INSTITUICAO_PREFIX: Final = "instituicao_"
PREVIOUS_SUFFIX: Final = "_anterior"
DELTA_PREFIX: Final = "delta_"
FASE_AVANCOU: Final = "fase_avancou"

HISTORY_SOURCES: Final = (c.INDE, c.IEG, c.IDA, c.IPV, c.DEFASAGEM)
DELTA_DEFASAGEM: Final = f"{DELTA_PREFIX}{c.DEFASAGEM}"

INSTITUICAO_FEATURES: Final = tuple(f"{INSTITUICAO_PREFIX}{code}" for code in c.INSTITUICOES)
CURRENT_FEATURES: Final = (
    *c.SCORES,
    c.DEFASAGEM,
    c.FASE,
    c.FASE_IDEAL,
    c.IDADE,
    IDADE_PARA_FASE,
    c.ANOS_NA_INSTITUICAO,
    PEDRA_ORDINAL,
    PASSO_FASE_IDEAL,
    DEFASAGEM_SE_AVANCAR,
    *INSTITUICAO_FEATURES,
)
HISTORY_FEATURES: Final = (
    *(f"{name}{PREVIOUS_SUFFIX}" for name in HISTORY_SOURCES),
    *(f"{DELTA_PREFIX}{name}" for name in HISTORY_SOURCES),
    FASE_AVANCOU,
)
ALL_FEATURES: Final = (*CURRENT_FEATURES, *HISTORY_FEATURES, GENERO_FEMININO)


def feature_names(*, include_history: bool = True, include_genero: bool = False) -> list[str]:
    """The ordered model inputs for a preset's feature options."""
    names = list(CURRENT_FEATURES)
    if include_history:
        names += HISTORY_FEATURES
    if include_genero:
        names.append(GENERO_FEMININO)
    return names


def _numeric(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype="float64")
    return pd.to_numeric(frame[column], errors="coerce").astype("float64")


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    return frame[column].astype("string")


def ideal_phase_step(idade: pd.Series, fase_ideal: pd.Series) -> pd.Series:
    """1.0 when the ideal phase moves up next year (the student is in its last age), else 0.0."""
    last_age = fase_ideal.map({k: float(max(v)) for k, v in IDEAL_PHASE_AGES.items()})
    step = (idade >= last_age).astype("float64")
    step = step.where(fase_ideal < LAST_IDEAL_PHASE, 0.0)
    return step.where(idade.notna() & fase_ideal.notna() & last_age.notna())


def _current(records: pd.DataFrame) -> pd.DataFrame:
    fase = _numeric(records, c.FASE)
    defasagem = _numeric(records, c.DEFASAGEM)
    idade = _numeric(records, c.IDADE)
    fase_ideal = _numeric(records, c.FASE_IDEAL).fillna(fase - defasagem)
    typical_age = fase.map({k: float(np.mean(v)) for k, v in IDEAL_PHASE_AGES.items()})
    step = ideal_phase_step(idade, fase_ideal)
    instituicao = _text(records, c.INSTITUICAO)
    known_inst = instituicao.notna()
    out = {name: _numeric(records, name) for name in c.SCORES}
    out |= {
        c.DEFASAGEM: defasagem,
        c.FASE: fase,
        c.FASE_IDEAL: fase_ideal,
        c.IDADE: idade,
        IDADE_PARA_FASE: idade - typical_age,
        c.ANOS_NA_INSTITUICAO: _numeric(records, c.ANOS_NA_INSTITUICAO),
        PEDRA_ORDINAL: _text(records, c.PEDRA).map(PEDRA_ORDER).astype("float64"),
        PASSO_FASE_IDEAL: step,
        DEFASAGEM_SE_AVANCAR: defasagem - step + 1.0,
    }
    for code, name in zip(c.INSTITUICOES, INSTITUICAO_FEATURES, strict=True):
        out[name] = (instituicao == code).astype("float64").where(known_inst)
    genero = _text(records, c.GENERO)
    out[GENERO_FEMININO] = (genero == "F").astype("float64").where(genero.notna())
    return pd.DataFrame(out, index=records.index)


def _history(records: pd.DataFrame, history: pd.DataFrame | None) -> pd.DataFrame:
    empty = pd.DataFrame(np.nan, index=records.index, columns=list(HISTORY_FEATURES))
    if history is None or history.empty or c.RA not in records or c.ANO not in records:
        return empty
    previous = pd.DataFrame(
        {
            c.RA: history[c.RA].astype("string"),
            c.ANO: pd.to_numeric(history[c.ANO]).astype("int64") + 1,
            **{f"{n}{PREVIOUS_SUFFIX}": _numeric(history, n) for n in HISTORY_SOURCES},
            f"{c.FASE}{PREVIOUS_SUFFIX}": _numeric(history, c.FASE),
        }
    ).drop_duplicates([c.RA, c.ANO], keep="last")
    keys = pd.DataFrame(
        {
            c.RA: records[c.RA].astype("string").to_numpy(),
            c.ANO: pd.to_numeric(records[c.ANO]).astype("int64").to_numpy(),
        }
    )
    joined = keys.merge(previous, on=[c.RA, c.ANO], how="left").set_index(records.index)
    out = {f"{n}{PREVIOUS_SUFFIX}": joined[f"{n}{PREVIOUS_SUFFIX}"] for n in HISTORY_SOURCES}
    for name in HISTORY_SOURCES:
        out[f"{DELTA_PREFIX}{name}"] = _numeric(records, name) - joined[f"{name}{PREVIOUS_SUFFIX}"]
    out[FASE_AVANCOU] = _numeric(records, c.FASE) - joined[f"{c.FASE}{PREVIOUS_SUFFIX}"]
    return pd.DataFrame(out, index=records.index).astype("float64")


def features_for_records(records: pd.DataFrame, history: pd.DataFrame | None) -> pd.DataFrame:
    """Every feature (``ALL_FEATURES``) for silver-like records; missing inputs become NaN.

    ``history`` holds earlier student-years (gold or silver rows); the row of (ra, ano - 1)
    supplies the previous-year values. The result keeps the index of ``records``.
    """
    frame = pd.concat([_current(records), _history(records, history)], axis=1)
    return frame.loc[:, list(ALL_FEATURES)]


def build_features(gold: pd.DataFrame) -> pd.DataFrame:
    """Every feature for every gold row, the history taken from gold itself."""
    return features_for_records(gold, gold)


def select_features(features: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """The model's input frame: the named columns, float, in order (absent ones as NaN)."""
    return features.reindex(columns=list(names)).astype("float64")

"""Per-student reasons: the three features that push that student's risk up most, in words.

Contributions come from the model itself (``RiskModel.risk_contributions``); the one-hot columns
of the school type are summed into one reason. Indicator values are compared with the mean of the
student's phase in the scored year ("IEG 4.1, abaixo da média da fase (6.8)").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, Final

import numpy as np
import pandas as pd

from models import features as f
from pipeline import columns as c

N_REASONS: Final = 3
NO_MORE_REASONS: Final = "Nenhum outro fator relevante aumenta o risco"
INSTITUICAO_GROUP: Final = c.INSTITUICAO

SCORE_LABELS: Final[dict[str, str]] = {
    c.INDE: "INDE",
    c.IAA: "IAA",
    c.IEG: "IEG",
    c.IPS: "IPS",
    c.IDA: "IDA",
    c.IPV: "IPV",
    c.IAN: "IAN",
    c.IPP: "IPP",
    c.MAT: "Nota de Matemática",
    c.POR: "Nota de Português",
    c.ING: "Nota de Inglês",
}
INSTITUICAO_LABELS: Final[dict[str, str]] = {
    "publica": "escola pública",
    "privada": "escola privada",
    "privada_apadrinhamento": "escola privada (apadrinhamento)",
    "privada_bolsa": "escola privada (bolsa de parceria)",
    "privada_empresa": "escola privada (empresa parceira)",
    "rede_decisao": "Rede Decisão",
    "concluiu_em": "concluiu o ensino médio",
    "universitario": "universitário(a)",
    "outra": "outra",
}
PEDRA_NAMES: Final[dict[float, str]] = {v: k for k, v in f.PEDRA_ORDER.items()}


def _num(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}"


def _plural(n: float, singular: str, plural: str) -> str:
    return singular if abs(n) == 1 else plural


def _defasagem(value: float) -> str:
    n = int(value)
    if n < 0:
        return f"Defasagem {n} ({-n} {_plural(n, 'ano', 'anos')} atrás da fase ideal)"
    if n == 0:
        return "Defasagem 0 (na fase ideal)"
    return f"Defasagem +{n} (adiantado em relação à fase ideal)"


def _score_phrase(name: str, value: float, phase_mean: float) -> str:
    label = SCORE_LABELS[name]
    if math.isnan(phase_mean) or abs(value - phase_mean) < 0.05:
        return f"{label} {_num(value)}, na média da fase"
    side = "abaixo" if value < phase_mean else "acima"
    return f"{label} {_num(value)}, {side} da média da fase ({_num(phase_mean)})"


def _delta_phrase(source: str, value: float) -> str:
    label = "Defasagem" if source == c.DEFASAGEM else SCORE_LABELS[source]
    if value == 0:
        return f"{label} igual ao ano anterior"
    verb = "subiu" if value > 0 else "caiu"
    digits = 0 if source == c.DEFASAGEM else 1
    return f"{label} {verb} {_num(abs(value), digits)} desde o ano anterior"


def _previous_phrase(source: str, value: float) -> str:
    if source == c.DEFASAGEM:
        return f"No ano anterior: {_defasagem(value).lower()}"
    return f"{SCORE_LABELS[source]} do ano anterior: {_num(value)}"


def _simple_phrases() -> dict[str, Callable[[float], str]]:
    return {
        c.DEFASAGEM: _defasagem,
        c.FASE: lambda v: f"Está na Fase {int(v)}",
        c.FASE_IDEAL: lambda v: f"Fase ideal para a idade: {int(v)}",
        c.IDADE: lambda v: f"Idade {int(v)} anos",
        f.IDADE_PARA_FASE: lambda v: (
            f"{_num(abs(v))} {_plural(v, 'ano', 'anos')} "
            f"{'mais velho(a)' if v > 0 else 'mais novo(a)'} que a idade típica da fase"
            if v
            else "Idade típica da fase"
        ),
        c.ANOS_NA_INSTITUICAO: lambda v: (
            f"{int(v)} {_plural(v, 'ano', 'anos')} na Passos Mágicos"
            if v > 0
            else "Entrou na Passos Mágicos este ano"
        ),
        f.PEDRA_ORDINAL: lambda v: f"Pedra {PEDRA_NAMES.get(v, '?')}",
        f.PASSO_FASE_IDEAL: lambda v: (
            "A fase ideal avança no próximo ano (precisa avançar de fase para não atrasar)"
            if v
            else "A fase ideal não muda no próximo ano"
        ),
        f.DEFASAGEM_SE_AVANCAR: lambda v: (
            f"Mesmo avançando uma fase, ficaria com defasagem {int(v)}"
            if v < 0
            else f"Avançando uma fase, ficaria com defasagem {int(v):+d}"
        ),
        f.FASE_AVANCOU: lambda v: (
            "Não avançou de fase no último ano"
            if v <= 0
            else f"Avançou {int(v)} {_plural(v, 'fase', 'fases')} no último ano"
        ),
        f.GENERO_FEMININO: lambda v: "Gênero feminino" if v else "Gênero masculino",
    }


_SIMPLE = _simple_phrases()
_MISSING_LABELS: Final[dict[str, str]] = {
    **SCORE_LABELS,
    c.DEFASAGEM: "Defasagem",
    c.FASE: "Fase",
    c.FASE_IDEAL: "Fase ideal",
    c.IDADE: "Idade",
    f.IDADE_PARA_FASE: "Idade",
    c.ANOS_NA_INSTITUICAO: "Ano de ingresso",
    f.PEDRA_ORDINAL: "Pedra",
    f.PASSO_FASE_IDEAL: "Idade ou fase ideal",
    f.DEFASAGEM_SE_AVANCAR: "Defasagem ou idade",
    f.FASE_AVANCOU: "Fase do ano anterior",
    f.GENERO_FEMININO: "Gênero",
    INSTITUICAO_GROUP: "Instituição de ensino",
}


def group_of(feature: str) -> str:
    """Reason group of a feature (the school-type one-hot columns form one group)."""
    return INSTITUICAO_GROUP if feature.startswith(f.INSTITUICAO_PREFIX) else feature


def _instituicao_phrase(code: Any) -> str:
    if code is None or pd.isna(code):
        return "Instituição de ensino não informada"
    return f"Instituição de ensino: {INSTITUICAO_LABELS.get(str(code), str(code))}"


def _missing_phrase(group: str) -> str:
    if group.startswith(f.DELTA_PREFIX) or group.endswith(f.PREVIOUS_SUFFIX):
        return "Sem dados do ano anterior"
    return f"{_MISSING_LABELS.get(group, group)} não informado(a)"


def _value_phrase(group: str, value: float, fase: Any, phase_means: pd.DataFrame) -> str:
    if group in SCORE_LABELS:
        known = not pd.isna(fase) and fase in phase_means.index
        mean_value: Any = phase_means.at[fase, group] if known else float("nan")
        mean = float(mean_value)
        return _score_phrase(group, value, mean)
    if group.startswith(f.DELTA_PREFIX):
        return _delta_phrase(group.removeprefix(f.DELTA_PREFIX), value)
    if group.endswith(f.PREVIOUS_SUFFIX):
        return _previous_phrase(group.removesuffix(f.PREVIOUS_SUFFIX), value)
    return _SIMPLE[group](value)


def phrase(group: str, row: Mapping[Any, Any], phase_means: pd.DataFrame) -> str:
    """One reason in Portuguese for a student's feature (row holds every feature + instituicao)."""
    if group == INSTITUICAO_GROUP:
        return _instituicao_phrase(row.get(c.INSTITUICAO))
    value = float(row[group])
    if math.isnan(value):
        return _missing_phrase(group)
    return _value_phrase(group, value, row[c.FASE], phase_means)


def phase_means(features: pd.DataFrame) -> pd.DataFrame:
    """Mean of each indicator per Fase over the scored cohort."""
    return features.groupby(c.FASE)[list(c.SCORES)].mean()


def top_reasons(
    contributions: pd.DataFrame, features: pd.DataFrame, instituicao: pd.Series
) -> list[list[str]]:
    """For each row, the ``N_REASONS`` reasons with the largest positive contribution to risk."""
    groups = pd.Index([group_of(name) for name in contributions.columns])
    grouped = contributions.T.groupby(groups).sum().T
    values = grouped.to_numpy(dtype=float)
    names = np.asarray(grouped.columns)
    order = np.argsort(-values, axis=1, kind="stable")[:, :N_REASONS]
    context = features.assign(**{c.INSTITUICAO: instituicao})
    means = phase_means(features)
    reasons: list[list[str]] = []
    for i, row in enumerate(context.to_dict("records")):
        chosen = [phrase(str(names[j]), row, means) for j in order[i] if values[i, j] > 1e-9]
        reasons.append(chosen + [NO_MORE_REASONS] * (N_REASONS - len(chosen)))
    return reasons

"""Synthetic PEDE workbooks: the real yearly layouts and quirks, every value generated.

The generator simulates a population of students across consecutive years (joining, advancing,
being held back, leaving) with numpy on whole arrays, then renders each year with the layout of the
real sheet of that year: 2022, 2023, or the 2024 layout (year-shifted headers for later years).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
from numpy.typing import NDArray

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
ObjArray = NDArray[np.object_]

# --- Real header names (each spelled once) -------------------------------------------------------

COL_RA: Final = "RA"
COL_FASE: Final = "Fase"
COL_TURMA: Final = "Turma"
COL_NOME: Final = "Nome"
COL_NOME_ANON: Final = "Nome Anonimizado"
COL_ANO_NASC: Final = "Ano nasc"
COL_DATA_NASC: Final = "Data de Nasc"
COL_IDADE: Final = "Idade"
COL_IDADE_2022: Final = "Idade 22"
COL_GENERO: Final = "Gênero"
COL_ANO_INGRESSO: Final = "Ano ingresso"
COL_INSTITUICAO: Final = "Instituição de ensino"
COL_CG: Final = "Cg"
COL_CF: Final = "Cf"
COL_CT: Final = "Ct"
COL_N_AV: Final = "Nº Av"
COL_IAA: Final = "IAA"
COL_IEG: Final = "IEG"
COL_IPS: Final = "IPS"
COL_IPP: Final = "IPP"
COL_IDA: Final = "IDA"
COL_IPV: Final = "IPV"
COL_IAN: Final = "IAN"
COL_REC_PSICOLOGIA: Final = "Rec Psicologia"
COL_MATEM: Final = "Matem"
COL_PORTUG: Final = "Portug"
COL_INGLES: Final = "Inglês"
COL_MAT: Final = "Mat"
COL_POR: Final = "Por"
COL_ING: Final = "Ing"
COL_INDICADO: Final = "Indicado"
COL_ATINGIU_PV: Final = "Atingiu PV"
COL_FASE_IDEAL_2022: Final = "Fase ideal"
COL_FASE_IDEAL: Final = "Fase Ideal"
COL_DEFAS_2022: Final = "Defas"
COL_DEFASAGEM: Final = "Defasagem"
COL_DESTAQUE_IEG: Final = "Destaque IEG"
COL_DESTAQUE_IDA: Final = "Destaque IDA"
COL_DESTAQUE_IPV: Final = "Destaque IPV"
COL_DESTAQUE_IPV_DUP: Final = "Destaque IPV.1"
COL_ESCOLA: Final = "Escola"
COL_ATIVO: Final = "Ativo/ Inativo"
COL_ATIVO_DUP: Final = "Ativo/ Inativo.1"

# The real sheets repeat these headers; pandas reads the second copy with a ".1" suffix.
WRITTEN_HEADER: Final[Mapping[str, str]] = {
    COL_DESTAQUE_IPV_DUP: COL_DESTAQUE_IPV,
    COL_ATIVO_DUP: COL_ATIVO,
}

FIRST_YEAR: Final = 2022
LAYOUT_2023: Final = 2023
LAYOUT_2024: Final = 2024
XLSX_MAX_ROWS: Final = 1_048_576


def _short(year: int) -> str:
    """Two-digit year as in `INDE 22`."""
    return f"{year % 100:02d}"


def pedra_header(year: int, *, long: bool = False) -> str:
    """`Pedra 22` (history style) or `Pedra 2023` (current-year style)."""
    return f"Pedra {year if long else _short(year)}"


def inde_header(year: int, *, long: bool = False) -> str:
    """`INDE 22` (history style) or `INDE 2023` (current-year style)."""
    return f"INDE {year if long else _short(year)}"


def evaluator_header(k: int) -> str:
    """`Avaliador1` … `Avaliador6`."""
    return f"Avaliador{k}"


def recommendation_header(k: int) -> str:
    """`Rec Av1` … `Rec Av4`."""
    return f"Rec Av{k}"


def _evaluators_and_recs(count: int) -> list[str]:
    """Interleaved `Avaliador k`, `Rec Av k` headers."""
    return [h for k in range(1, count + 1) for h in (evaluator_header(k), recommendation_header(k))]


def _headers_2022() -> tuple[str, ...]:
    """Headers of the 2022 sheet, in order."""
    return (
        COL_RA, COL_FASE, COL_TURMA, COL_NOME, COL_ANO_NASC, COL_IDADE_2022, COL_GENERO,
        COL_ANO_INGRESSO, COL_INSTITUICAO, pedra_header(2020), pedra_header(2021),
        pedra_header(2022), inde_header(2022), COL_CG, COL_CF, COL_CT, COL_N_AV,
        *_evaluators_and_recs(4), COL_IAA, COL_IEG, COL_IPS, COL_REC_PSICOLOGIA, COL_IDA,
        COL_MATEM, COL_PORTUG, COL_INGLES, COL_INDICADO, COL_ATINGIU_PV, COL_IPV, COL_IAN,
        COL_FASE_IDEAL_2022, COL_DEFAS_2022, COL_DESTAQUE_IEG, COL_DESTAQUE_IDA, COL_DESTAQUE_IPV,
    )  # fmt: skip


def _headers_2023() -> tuple[str, ...]:
    """Headers of the 2023 sheet, in order (pandas names of the duplicate header)."""
    return (
        COL_RA, COL_FASE, inde_header(2023, long=True), pedra_header(2023, long=True), COL_TURMA,
        COL_NOME_ANON, COL_DATA_NASC, COL_IDADE, COL_GENERO, COL_ANO_INGRESSO, COL_INSTITUICAO,
        *(pedra_header(y) for y in range(2020, 2024)), inde_header(2022), inde_header(2023),
        COL_CG, COL_CF, COL_CT, COL_N_AV, *_evaluators_and_recs(4), COL_IAA, COL_IEG, COL_IPS,
        COL_IPP, COL_REC_PSICOLOGIA, COL_IDA, COL_MAT, COL_POR, COL_ING, COL_INDICADO,
        COL_ATINGIU_PV, COL_IPV, COL_IAN, COL_FASE_IDEAL, COL_DEFASAGEM, COL_DESTAQUE_IEG,
        COL_DESTAQUE_IDA, COL_DESTAQUE_IPV, COL_DESTAQUE_IPV_DUP,
    )  # fmt: skip


def _headers_2024(year: int) -> tuple[str, ...]:
    """Headers of the 2024 layout, shifted to `year` (pandas names of the duplicate header)."""
    return (
        COL_RA, COL_FASE, inde_header(year, long=True), pedra_header(year, long=True), COL_TURMA,
        COL_NOME_ANON, COL_DATA_NASC, COL_IDADE, COL_GENERO, COL_ANO_INGRESSO, COL_INSTITUICAO,
        *(pedra_header(y) for y in range(year - 4, year)),
        *(inde_header(y) for y in range(year - 2, year)),
        COL_CG, COL_CF, COL_CT, COL_N_AV, *_evaluators_and_recs(2),
        *(evaluator_header(k) for k in range(3, 7)), COL_IAA, COL_IEG, COL_IPS, COL_IPP,
        COL_REC_PSICOLOGIA, COL_IDA, COL_MAT, COL_POR, COL_ING, COL_INDICADO, COL_ATINGIU_PV,
        COL_IPV, COL_IAN, COL_FASE_IDEAL, COL_DEFASAGEM, COL_DESTAQUE_IEG, COL_DESTAQUE_IDA,
        COL_DESTAQUE_IPV, COL_ESCOLA, COL_ATIVO, COL_ATIVO_DUP,
    )  # fmt: skip


def headers_for(year: int) -> tuple[str, ...]:
    """Column names of the synthetic sheet of `year`, as pandas reads them back."""
    _check_year(year)
    if year == FIRST_YEAR:
        return _headers_2022()
    if year == LAYOUT_2023:
        return _headers_2023()
    return _headers_2024(year)


def sheet_name(year: int) -> str:
    """Sheet name of a year, e.g. `PEDE2023`."""
    return f"PEDE{year}"


# --- Vocabularies (fixed texts of the real sheets, not student data) -----------------------------

PEDRA_THRESHOLDS: Final = (5.506, 6.868, 8.230)
PEDRAS_UNTIL_2022: Final = ("Quartzo", "Ágata", "Ametista", "Topázio")
PEDRAS_FROM_2023: Final = ("Quartzo", "Agata", "Ametista", "Topázio")
INCLUIR: Final = "INCLUIR"
GENDERS_2022: Final = ("Menino", "Menina")
GENDERS: Final = ("Masculino", "Feminino")
FASE_IDEAL_2022: Final = (
    "ALFA  (2º e 3º ano)", "Fase 1 (4º ano)", "Fase 2 (5º e 6º ano)", "Fase 3 (7º e 8º ano)",
    "Fase 4 (9º ano)", "Fase 5 (1º EM)", "Fase 6 (2º EM)", "Fase 7 (3º EM)",
    "Fase 8 (Universitários)",
)  # fmt: skip
FASE_IDEAL_FROM_2023: Final = (
    "ALFA (1° e 2° ano)", "Fase 1 (3° e 4° ano)", "Fase 2 (5° e 6° ano)", "Fase 3 (7° e 8° ano)",
    "Fase 4 (9° ano)", "Fase 5 (1° EM)", "Fase 6 (2° EM)", "Fase 7 (3° EM)",
    "Fase 8 (Universitários)",
)  # fmt: skip
ALFA: Final = "ALFA"
TURMA_LETTERS: Final = "ABCDEFGHIJKLMNOPQRSTUVYZ"
RECOMMENDATIONS: Final = (
    "Promovido de Fase",
    "Promovido de Fase + Bolsa",
    "Mantido na Fase atual",
    "Mantido na Fase + Bolsa",
    "Alocado em Fase anterior",
)
NOT_EVALUATED: Final = "Não avaliado"
PSYCHOLOGY: Final = (
    ("Não atendido", 0.47),
    ("Sem limitações", 0.30),
    ("Requer avaliação", 0.18),
    ("Não indicado", 0.04),
    (NOT_EVALUATED, 0.01),
)
YES_NO: Final = ("Não", "Sim")
HIGHLIGHT_IEG: Final = (
    "Melhorar: Melhorar a sua entrega de lições de casa.",
    "Destaque: A sua boa entrega das lições de casa.",
)
HIGHLIGHT_IDA: Final = (
    "Melhorar: Empenhar-se mais nas aulas e avaliações.",
    "Destaque: As suas boas notas na Passos Mágicos.",
)
HIGHLIGHT_IPV: Final = (
    "Melhorar: Integrar-se mais aos Princípios Passos Mágicos.",
    "Destaque: A sua boa integração aos Princípios Passos Mágicos.",
)
ACTIVE: Final = "Cursando"
# Cumulative order matters: one uniform draw per student maps to a similar kind of school every
# year, so a student's institution persists while the spelling follows the year.
INSTITUTIONS_2022: Final = (("Escola Pública", 0.875), ("Rede Decisão", 0.125))
INSTITUTIONS_2023: Final = (
    ("Pública", 0.800),
    ("Privada - Programa de Apadrinhamento", 0.097),
    ("Privada - Programa de apadrinhamento", 0.002),
    ("Privada *Parcerias com Bolsa 100%", 0.060),
    ("Privada", 0.027),
    ("Privada - Pagamento por *Empresa Parceira", 0.008),
    ("Concluiu o 3º EM", 0.004),
    ("Nenhuma das opções acima", 0.002),
)
INSTITUTIONS_FROM_2024: Final = (
    ("Pública", 0.790),
    ("Privada - Programa de Apadrinhamento", 0.082),
    ("Privada - Programa de apadrinhamento", 0.002),
    ("Privada *Parcerias com Bolsa 100%", 0.036),
    ("Privada", 0.066),
    ("Privada - Pagamento por *Empresa Parceira", 0.008),
    ("Concluiu o 3º EM", 0.006),
    ("Bolsista Universitário *Formado (a)", 0.010),
)
SCHOOL_KINDS: Final = ("EE Escola", "EM Escola", "Colégio", "Faculdade")

# --- Population model ---------------------------------------------------------------------------

GROWTH: Final = 0.15  # yearly growth of the sheet size (real: 860 → 1014 → 1156)
RETENTION: Final = 0.68  # share of a year's students present the next year
MAX_PHASE: Final = 8
PHASE_9: Final = 9  # exists from the 2024 layout on (university students beyond Fase 8)
DEFAS_MIN: Final = -5
DEFAS_MAX: Final = 3
LATENT_PERSISTENCE: Final = 0.75
NOT_EVALUATED_SHARE: Final = 0.05
INCLUIR_SHARE: Final = 0.03
# Ideal phase by age (index = age, capped at the last entry): ALFA at 7-8, Fase 1 at 9, ...
IDEAL_PHASE_BY_AGE: Final = (0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 2, 3, 3, 4, 5, 6, 7, 8)
FIRST_YEAR_AGES: Final = {
    7: 2.0, 8: 7.0, 9: 11.0, 10: 13.0, 11: 12.0, 12: 12.0, 13: 12.0, 14: 10.0, 15: 7.0,
    16: 6.0, 17: 5.0, 18: 1.5, 19: 1.0, 20: 0.3, 21: 0.2,
}  # fmt: skip
JOINER_AGES: Final = {
    7: 6.0, 8: 18.0, 9: 13.0, 10: 9.0, 11: 11.0, 12: 8.0, 13: 5.0, 14: 6.0, 15: 3.0, 16: 5.0,
    17: 3.0, 18: 2.0, 19: 3.0, 20: 3.0, 21: 2.0, 22: 1.0, 23: 0.5,
}  # fmt: skip
FIRST_YEAR_DEFAS: Final = {-4: 0.5, -3: 3.0, -2: 22.0, -1: 48.0, 0: 25.0, 1: 1.0, 2: 0.5}
JOINER_DEFAS: Final = {-3: 2.0, -2: 8.0, -1: 35.0, 0: 52.0, 1: 3.0}
YEARS_ENROLLED_FIRST_YEAR: Final = {0: 46.0, 1: 16.0, 2: 6.0, 3: 16.0, 4: 8.0, 5: 5.0, 6: 3.0}
# Transition to next year's phase: softmax over (held back, +1, +2) with logits below.
HOLD_BASE: Final = -1.0
HOLD_SIGNAL: Final = 0.9
HOLD_AHEAD: Final = 0.7
SKIP_BASE: Final = -3.6
SKIP_SIGNAL: Final = 0.5
SKIP_BEHIND: Final = 2.0
PHASE_9_SHARE: Final = 0.4  # of Fase 8 students who move on to phase 9 (2024 layout on)
INDE_WEIGHTS_2022: Final = {"ian": 0.1, "ida": 0.2, "ieg": 0.2, "iaa": 0.1, "ips": 0.1, "ipv": 0.3}
INDE_WEIGHTS: Final = {
    "ian": 0.1, "ida": 0.2, "ieg": 0.2, "iaa": 0.1, "ips": 0.1, "ipp": 0.1, "ipv": 0.2,
}  # fmt: skip


def _check_year(year: int) -> None:
    """Reject years before the first PEDE layout."""
    if year < FIRST_YEAR:
        raise ValueError(
            f"Ano {year} não suportado: os dados sintéticos começam em {FIRST_YEAR} "
            "(use por exemplo 2022-2024)."
        )


def _validated_years(students: int, years: Sequence[int]) -> list[int]:
    """Sorted distinct years, or ValueError with a message saying what to change."""
    if not years:
        raise ValueError("Informe pelo menos um ano (por exemplo 2022-2024).")
    ordered = sorted(set(years))
    for year in ordered:
        _check_year(year)
    if students < 1:
        raise ValueError(f"O número de alunos deve ser pelo menos 1 (recebido: {students}).")
    if students < len(ordered):
        raise ValueError(
            f"São necessários pelo menos {len(ordered)} alunos-ano para {len(ordered)} anos "
            f"(um por ano); recebido: {students}."
        )
    return ordered


def year_sizes(students: int, n_years: int) -> IntArray:
    """Rows per year summing exactly to `students`, growing about 15% a year, at least 1 each."""
    weights = (1.0 + GROWTH) ** np.arange(n_years)
    spare = students - n_years
    exact = spare * weights / weights.sum()
    sizes = np.floor(exact).astype(np.int64)
    remainder = spare - int(sizes.sum())
    sizes[np.argsort(sizes - exact)[:remainder]] += 1  # largest remainders first
    return sizes + 1


def _stayers(sizes: IntArray, index: int) -> int:
    """Students of year `index - 1` still present in year `index`."""
    return min(round(RETENTION * int(sizes[index - 1])), int(sizes[index]))


def _total_students(sizes: IntArray) -> int:
    """Distinct students behind the yearly sizes (first year plus every year's joiners)."""
    joiners = sum(int(sizes[i]) - _stayers(sizes, i) for i in range(1, sizes.size))
    return int(sizes[0]) + joiners


# --- Simulation state ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cohort:
    """Static attributes of every simulated student (index = student id)."""

    number: IntArray  # n in RA-n / Aluno-n
    female: BoolArray
    birth: NDArray[np.datetime64]
    entry_year: IntArray
    institution_u: FloatArray  # one uniform draw per student, spelled per year
    school: IntArray


@dataclass(frozen=True)
class _Roster:
    """Who is present in a year and where they stand, before the year's indicators exist."""

    year: int
    student: IntArray
    age: IntArray
    phase: IntArray
    latent: FloatArray  # engagement: drives indicators and next year's progress


@dataclass(frozen=True)
class _Scores:
    """Indicators of one year's rows (NaN where not evaluated or not taken)."""

    iaa: FloatArray
    ieg: FloatArray
    ips: FloatArray
    ipp: FloatArray
    ida: FloatArray
    ipv: FloatArray
    ian: FloatArray
    mat: FloatArray
    por: FloatArray
    ing: FloatArray
    inde: FloatArray


@dataclass(frozen=True)
class _YearState:
    """One simulated year: the roster plus class letters, evaluation status and indicators."""

    roster: _Roster
    letter: IntArray
    evaluated: BoolArray
    incluir: BoolArray
    scores: _Scores

    @property
    def year(self) -> int:
        """Year of the rows."""
        return self.roster.year

    @property
    def defasagem(self) -> IntArray:
        """Phase minus ideal phase (negative = behind)."""
        return self.roster.phase - ideal_phase(self.roster.age)


def _reordered(state: _YearState, order: IntArray) -> _YearState:
    """The same year with its rows in `order`."""
    r = state.roster
    roster = _Roster(r.year, r.student[order], r.age[order], r.phase[order], r.latent[order])
    scores = _Scores(**{k: v[order] for k, v in vars(state.scores).items()})
    return _YearState(
        roster, state.letter[order], state.evaluated[order], state.incluir[order], scores
    )


# --- Domain rules ------------------------------------------------------------------------------


def ideal_phase(age: IntArray) -> IntArray:
    """Ideal phase for an age: ALFA (0) at 7-8, Fase 1 at 9 … Fase 8 (university) from 18."""
    table = np.asarray(IDEAL_PHASE_BY_AGE, dtype=np.int64)
    return table[np.clip(age, 0, len(table) - 1)]


def ian_from_defasagem(defasagem: IntArray) -> FloatArray:
    """IAN: 10 on track or ahead, 5 one or two phases behind, 2.5 three or more behind."""
    return np.select([defasagem >= 0, defasagem >= -2], [10.0, 5.0], 2.5).astype(np.float64)


def pedra_index(inde: FloatArray) -> IntArray:
    """0 Quartzo, 1 Ágata, 2 Ametista, 3 Topázio by the INDE thresholds."""
    return np.searchsorted(np.asarray(PEDRA_THRESHOLDS), inde, side="right").astype(np.int64)


def pedra_labels(inde: FloatArray, year: int) -> ObjArray:
    """Pedra names spelled as that year's sheet does (`Ágata` until 2022, then `Agata`)."""
    vocab = PEDRAS_UNTIL_2022 if year <= FIRST_YEAR else PEDRAS_FROM_2023
    return _where_missing(_take(vocab, pedra_index(np.nan_to_num(inde))), np.isnan(inde))


# --- Small array helpers -----------------------------------------------------------------------


def _take(vocab: Sequence[object], index: IntArray) -> ObjArray:
    """Vocabulary entries by index as an object array (the strings are shared, not copied)."""
    table = np.empty(len(vocab), dtype=object)
    table[:] = list(vocab)
    return np.asarray(table[index], dtype=object)


def _where_missing(values: ObjArray, missing: BoolArray) -> ObjArray:
    """Copy of `values` with NaN where `missing`."""
    out = values.copy()
    out[missing] = np.nan
    return out


def _sample(rng: np.random.Generator, weights: Mapping[int, float], n: int) -> IntArray:
    """Draw `n` keys of `weights` with probability proportional to the values."""
    keys = np.fromiter(weights.keys(), dtype=np.int64)
    p = np.fromiter(weights.values(), dtype=np.float64)
    return keys[rng.choice(len(keys), size=n, p=p / p.sum())]


def _by_uniform(labels: Sequence[object], weights: Sequence[float], u: FloatArray) -> ObjArray:
    """Map uniforms to labels through cumulative weights (the same u keeps the same rank)."""
    cumulative = np.cumsum(np.asarray(weights, dtype=np.float64))
    index = np.searchsorted(cumulative / cumulative[-1], u, side="right")
    return _take(labels, np.minimum(index, len(labels) - 1).astype(np.int64))


def _pick(rng: np.random.Generator, table: Sequence[tuple[str, float]], n: int) -> ObjArray:
    """Draw `n` labels of a (label, weight) table."""
    return _by_uniform([label for label, _ in table], [w for _, w in table], rng.random(n))


def _numbered(prefix: str, numbers: IntArray) -> ObjArray:
    """`prefix` + number as Python strings, e.g. RA-17."""
    return np.asarray(np.char.add(prefix, numbers.astype(str)), dtype=object)


# --- Indicators --------------------------------------------------------------------------------


def _indicator(
    rng: np.random.Generator,
    center: float,
    latent: FloatArray,
    spec: tuple[float, float, int],
    low: float = 0.0,
) -> FloatArray:
    """A 0-10 indicator: center + slope·latent + noise, clipped and rounded like the sheets."""
    slope, noise, decimals = spec
    raw = center + slope * latent + rng.normal(0.0, noise, latent.size)
    return np.round(np.clip(raw, low, 10.0), decimals)


def _inde(parts: Mapping[str, FloatArray], weights: Mapping[str, float]) -> FloatArray:
    """INDE as the weighted sum of its indicators."""
    total = np.zeros_like(parts["ian"])
    for key, weight in weights.items():
        total = total + weight * parts[key]
    return total


def _scores(rng: np.random.Generator, roster: _Roster, evaluated: BoolArray) -> _Scores:
    """Indicators driven by the latent engagement, with the year's missing-value pattern."""
    year, n = roster.year, roster.latent.size
    latent = np.where(roster.latent < 0, 1.5 * roster.latent, roster.latent)  # long low tail
    drift = rng.normal(0.0, 0.15, 8)  # small year-to-year shifts, as between the real sheets
    ieg = _indicator(rng, 8.0 + drift[0], latent, (1.2, 1.0, 1))
    mat = _indicator(rng, 6.2 + drift[1], latent, (1.4, 1.6, 1))
    por = _indicator(rng, 6.5 + drift[2], latent, (1.3, 1.5, 1))
    ing = _indicator(rng, 6.2 + drift[3], latent, (1.4, 1.7, 1))
    ing[rng.random(n) >= np.where(roster.phase >= 3, 0.8, 0.12)] = np.nan  # English from Fase 3
    ida = np.round(np.nanmean(np.vstack([mat, por, ing]), axis=0), 1)
    ipv = _indicator(rng, 7.4 + drift[4], latent, (0.6, 0.7, 3), low=2.5)
    iaa = _indicator(rng, 8.5 + drift[5], latent, (0.4, 1.2, 1))
    iaa[rng.random(n) < 0.03] = 0.0  # a self-assessment left blank counts as zero
    ips = _indicator(rng, 6.9 + drift[6], latent, (0.3, 1.2, 1 if year == FIRST_YEAR else 2), 2.5)
    ipp = _indicator(rng, 7.5 + drift[7], latent, (0.4, 0.8, 4), low=2.5)
    ian = ian_from_defasagem(roster.phase - ideal_phase(roster.age))
    parts = {"ian": ian, "ida": ida, "ieg": ieg, "iaa": iaa, "ips": ips, "ipp": ipp, "ipv": ipv}
    if year == FIRST_YEAR:  # no IPP in 2022; its weight went to IPV
        ipp = np.full(n, np.nan)
        inde = np.round(_inde(parts, INDE_WEIGHTS_2022), 3)
    else:
        inde = np.round(_inde(parts, INDE_WEIGHTS), 5)
    missing_grade = rng.random((2, n)) < 0.002
    mat[missing_grade[0]] = np.nan
    por[missing_grade[1]] = np.nan
    scores = _Scores(iaa, ieg, ips, ipp, ida, ipv, ian, mat, por, ing, inde)
    return _blank_not_evaluated(scores, evaluated, year)


def _blank_not_evaluated(scores: _Scores, evaluated: BoolArray, year: int) -> _Scores:
    """NaN indicators for rows nobody evaluated (IEG 0.0 from the 2024 layout on); IAN stays."""
    if evaluated.all():
        return scores
    blank = ~evaluated
    cleared = {
        key: np.where(blank, np.nan, values)
        for key, values in vars(scores).items()
        if key not in ("ian", "ieg")
    }
    ieg = np.where(blank, 0.0 if year >= LAYOUT_2024 else np.nan, scores.ieg)
    return replace(scores, ieg=ieg, **cleared)


# --- Transitions -------------------------------------------------------------------------------


def _signal(latent: FloatArray, scores: _Scores) -> FloatArray:
    """Standardised mix of IEG, IDA and IPV (the latent engagement where not evaluated)."""
    parts = np.vstack(
        [(scores.ieg - 8.0) / 1.6, (scores.ida - 6.3) / 1.5, (scores.ipv - 7.4) / 0.9]
    )
    observed = np.isfinite(parts).all(axis=0) & (scores.ieg > 0)
    return np.where(observed, np.nan_to_num(parts).mean(axis=0), latent)


def _phase_step(rng: np.random.Generator, signal: FloatArray, defasagem: IntArray) -> IntArray:
    """0 (held back), 1 or 2 phases: low indicators make being held back more likely."""
    hold = HOLD_BASE - HOLD_SIGNAL * signal + HOLD_AHEAD * np.clip(defasagem, -3, 2)
    skip = SKIP_BASE + SKIP_SIGNAL * signal - SKIP_BEHIND * (np.clip(defasagem, -4, 0) + 1)
    logits = np.vstack([hold, np.zeros_like(hold), skip])
    weights = np.exp(logits - logits.max(axis=0))
    cumulative = np.cumsum(weights / weights.sum(axis=0), axis=0)
    return np.asarray((rng.random(signal.size) > cumulative[:-1]).sum(axis=0), dtype=np.int64)


def _bounded_phase(phase: IntArray, age: IntArray) -> IntArray:
    """Phase within Fase 0-8 and within DEFAS_MIN…DEFAS_MAX of the ideal phase."""
    ideal = ideal_phase(age)
    return np.clip(np.clip(phase, ideal + DEFAS_MIN, ideal + DEFAS_MAX), 0, MAX_PHASE)


def _enrol(
    rng: np.random.Generator,
    year: int,
    ages: Mapping[int, float],
    defas: Mapping[int, float],
    n: int,
) -> tuple[IntArray, IntArray]:
    """Ages and phases of students appearing for the first time."""
    age = _sample(rng, ages, n)
    phase = _bounded_phase(ideal_phase(age) + _sample(rng, defas, n), age)
    if year >= LAYOUT_2024:
        moved_on = (phase == MAX_PHASE) & (age >= 19) & (rng.random(n) < PHASE_9_SHARE)
        phase = np.where(moved_on, PHASE_9, phase)
    return age, phase


def _new_latent(rng: np.random.Generator, age: IntArray, phase: IntArray) -> FloatArray:
    """Engagement of new students: those further behind tend to be less engaged."""
    defasagem = np.clip(phase - ideal_phase(age), -3, 1)
    return np.asarray(0.3 * (defasagem + 0.7) + 0.95 * rng.normal(0.0, 1.0, age.size), np.float64)


def _year_rows(rng: np.random.Generator, roster: _Roster) -> _YearState:
    """Class letters, evaluation status and indicators of one year's roster."""
    n, year, phase = roster.student.size, roster.year, roster.phase
    letter = rng.integers(0, len(TURMA_LETTERS), n)
    if year == FIRST_YEAR:  # everyone was evaluated in 2022
        evaluated = np.ones(n, dtype=np.bool_)
        incluir = np.zeros(n, dtype=np.bool_)
    else:
        incluir = _incluir_rows(rng, year, phase)
        p_blank = NOT_EVALUATED_SHARE + 0.25 * (phase >= MAX_PHASE)  # university: often blank
        evaluated = (rng.random(n) >= p_blank) & ~incluir
    return _YearState(roster, letter, evaluated, incluir, _scores(rng, roster, evaluated))


def _incluir_rows(rng: np.random.Generator, year: int, phase: IntArray) -> BoolArray:
    """Rows whose INDE and Pedra read `INCLUIR` (2024 layout): phase 9, topped up to about 3%."""
    if year < LAYOUT_2024 or phase.size == 0:
        return np.zeros(phase.size, dtype=np.bool_)
    share_9 = float((phase == PHASE_9).mean())
    extra = max(0.0, INCLUIR_SHARE - share_9) / max(1e-9, 1.0 - share_9)
    return np.asarray((phase == PHASE_9) | (rng.random(phase.size) < extra), dtype=np.bool_)


def _keep(rng: np.random.Generator, state: _YearState, count: int) -> IntArray:
    """Positions of the `count` rows that stay next year (engaged students stay more often)."""
    roster = state.roster
    if count <= 0:
        return np.empty(0, dtype=np.int64)
    weight = np.exp(0.4 * roster.latent) * np.where(roster.phase >= MAX_PHASE, 0.6, 1.0)
    keys = np.log(rng.random(roster.student.size)) / weight  # Efraimidis-Spirakis weighted draw
    return np.sort(np.argpartition(-keys, count - 1)[:count]).astype(np.int64)


def _advance(rng: np.random.Generator, state: _YearState, rows: IntArray) -> _Roster:
    """The chosen rows one year later: a year older, usually one phase up."""
    roster, year = state.roster, state.year + 1
    signal = _signal(roster.latent, state.scores)[rows]
    before = roster.phase[rows]
    age = roster.age[rows] + 1
    phase = _bounded_phase(before + _phase_step(rng, signal, state.defasagem[rows]), age)
    moves_on = (
        (before == MAX_PHASE) & (year >= LAYOUT_2024) & (rng.random(rows.size) < PHASE_9_SHARE)
    )
    phase = np.where((before == PHASE_9) | moves_on, PHASE_9, phase)
    noise = rng.normal(0.0, 1.0, rows.size)
    latent = LATENT_PERSISTENCE * roster.latent[rows] + math.sqrt(1 - LATENT_PERSISTENCE**2) * noise
    return _Roster(year, roster.student[rows], age, phase, latent)


def _joined(a: _Roster, b: _Roster) -> _Roster:
    """Rows of two rosters of the same year."""
    return _Roster(
        a.year,
        np.concatenate([a.student, b.student]),
        np.concatenate([a.age, b.age]),
        np.concatenate([a.phase, b.phase]),
        np.concatenate([a.latent, b.latent]),
    )


# --- Simulation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Simulation:
    """Every simulated year (requested or skipped) and the cohort behind them."""

    cohort: _Cohort
    states: dict[int, _YearState]


def _birth_dates(rng: np.random.Generator, year: int, age: IntArray) -> NDArray[np.datetime64]:
    """A birth date in the year `year - age` (so the age increases by exactly one a year)."""
    first_day = (year - age - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    days = rng.integers(0, 365, age.size).astype("timedelta64[D]")
    return np.asarray(first_day + days, dtype="datetime64[D]")


def _simulate(rng: np.random.Generator, years: list[int], sizes: IntArray) -> _Simulation:
    """Run the population forward from the first to the last requested year."""
    total = _total_students(sizes)
    number = np.zeros(total, dtype=np.int64)
    birth = np.zeros(total, dtype="datetime64[D]")
    entry = np.zeros(total, dtype=np.int64)
    states: dict[int, _YearState] = {}
    state: _YearState | None = None
    next_id = 0
    for index, year in enumerate(years):
        first = state is None
        ages, defas = (FIRST_YEAR_AGES, FIRST_YEAR_DEFAS) if first else (JOINER_AGES, JOINER_DEFAS)
        stayers, skipped = _carry(rng, state, year, 0 if first else _stayers(sizes, index))
        states.update((s.year, s) for s in skipped)
        age, phase = _enrol(rng, year, ages, defas, int(sizes[index]) - stayers.student.size)
        ids = np.arange(next_id, next_id + age.size, dtype=np.int64)
        next_id += age.size
        number[ids] = rng.permutation(ids) + 1  # RA numbers grow with the year of arrival
        birth[ids] = _birth_dates(rng, year, age)
        enrolled = np.minimum(
            _sample(rng, YEARS_ENROLLED_FIRST_YEAR, age.size), np.maximum(age - 6, 0)
        )
        entry[ids] = year - (enrolled if first else 0)
        fresh = _Roster(year, ids, age, phase, _new_latent(rng, age, phase))
        state = _year_rows(rng, _joined(stayers, fresh))
        states[year] = state
    female = rng.random(total) < 0.54
    cohort = _Cohort(
        number, female, birth, entry, rng.random(total), rng.integers(0, 1 << 30, total)
    )
    return _Simulation(cohort, states)


def _carry(
    rng: np.random.Generator, state: _YearState | None, year: int, count: int
) -> tuple[_Roster, list[_YearState]]:
    """Students of the previous requested year still present in `year`, and the years between
    (simulated so that history columns have values, but not written)."""
    empty = np.empty(0, dtype=np.int64)
    if state is None:
        return _Roster(year, empty, empty, empty, np.empty(0, dtype=np.float64)), []
    roster = _advance(rng, state, _keep(rng, state, count))
    skipped: list[_YearState] = []
    while roster.year < year:
        skipped.append(_year_rows(rng, roster))
        roster = _advance(rng, skipped[-1], np.arange(roster.student.size, dtype=np.int64))
    return roster, skipped


def _inde_history(
    rng: np.random.Generator, simulation: _Simulation, first: int
) -> dict[int, FloatArray]:
    """INDE of every student in every year they have one (indexed by student id)."""
    total = simulation.cohort.number.size
    history: dict[int, FloatArray] = {}
    for year, state in simulation.states.items():
        values = np.full(total, np.nan)
        values[state.roster.student] = state.scores.inde
        history[year] = values
    start = simulation.states[first]  # students enrolled before the first year have results then
    student = start.roster.student
    base = np.where(np.isnan(start.scores.inde), 7.0 + 0.8 * start.roster.latent, start.scores.inde)
    for back in range(1, 5):
        earlier = first - back
        present = simulation.cohort.entry_year[student] <= earlier
        noise = rng.normal(0.0, 0.45 * math.sqrt(back), student.size)
        values = np.full(total, np.nan)
        values[student[present]] = np.round(np.clip(base + noise, 3.0, 9.7), 3)[present]
        history[earlier] = values
    return history


# --- Sheets ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _SheetInput:
    """Everything one sheet is rendered from, rows already in display order."""

    state: _YearState
    cohort: _Cohort
    history: Mapping[int, FloatArray]

    @property
    def n(self) -> int:
        """Number of rows."""
        return int(self.state.roster.student.size)

    def of_student(self, values: NDArray[Any]) -> NDArray[Any]:
        """A per-student array picked for this sheet's rows."""
        return values[self.state.roster.student]

    def inde_of(self, year: int) -> FloatArray:
        """Each row's INDE in an earlier year (NaN when the student has none)."""
        values = self.history.get(year)
        return np.full(self.n, np.nan) if values is None else values[self.state.roster.student]


def _history_pedras(sheet: _SheetInput, years: range) -> dict[str, ObjArray]:
    """`Pedra yy` history columns, each spelled like the year it comes from."""
    return {pedra_header(y): pedra_labels(sheet.inde_of(y), y) for y in years}


def _class_letters(sheet: _SheetInput) -> ObjArray:
    """Single class letters (2022 `Turma`)."""
    return _take(TURMA_LETTERS, sheet.state.letter)


def _alfa_turmas(sheet: _SheetInput) -> ObjArray:
    """ALFA class names such as `ALFA K - G0/G1`."""
    vocab = [
        f"{ALFA} {letter} - {'G0/G1' if i % 3 == 0 else 'G2/G3'}"
        for i, letter in enumerate(TURMA_LETTERS)
    ]
    return _take(vocab, sheet.state.letter)


def _phase_turmas(sheet: _SheetInput) -> ObjArray:
    """Class names from 2023 on: phase digit and letter (`3L`), or the ALFA class name."""
    vocab = [f"{phase}{letter}" for phase in range(PHASE_9 + 1) for letter in TURMA_LETTERS]
    phase = sheet.state.roster.phase
    named = _take(vocab, phase * len(TURMA_LETTERS) + sheet.state.letter)
    return np.where(phase == 0, _alfa_turmas(sheet), named)


def _institutions(sheet: _SheetInput, table: Sequence[tuple[str, float]]) -> ObjArray:
    """`Instituição de ensino` spelled as in the year's sheet, stable for a student."""
    u = sheet.of_student(sheet.cohort.institution_u)
    return _by_uniform([label for label, _ in table], [w for _, w in table], u)


def _evaluators(rng: np.random.Generator, count: NDArray[Any], columns: int) -> dict[str, ObjArray]:
    """`Avaliador k` columns filled up to each row's number of evaluators."""
    n = count.size
    pool = max(8, n // 40)
    first = rng.integers(0, pool, n)
    names = _numbered("Avaliador-", np.arange(1, pool + 1))
    counts = np.nan_to_num(count.astype(np.float64))
    return {
        evaluator_header(k): _where_missing(
            np.asarray(names[(first + k - 1) % pool], dtype=object), counts < k
        )
        for k in range(1, columns + 1)
    }


def _recommendations(
    rng: np.random.Generator, signal: FloatArray, count: IntArray
) -> dict[str, ObjArray]:
    """2022 `Rec Av k`: promotions follow the indicators; `Não avaliado` for a missing 3rd."""
    out: dict[str, ObjArray] = {}
    promote = 1.0 / (1.0 + np.exp(-(1.2 * signal - 0.2)))
    for k in range(1, 5):
        u, bonus = rng.random(signal.size), rng.random(signal.size)
        kept = np.where(bonus < 0.03, 4, np.where(bonus < 0.05, 3, 2))
        index = np.where(u < promote, np.where(bonus < 0.3, 1, 0), kept).astype(np.int64)
        labels = _take(RECOMMENDATIONS, index)
        absent = count < k
        labels[absent] = NOT_EVALUATED if k <= 3 else np.nan
        out[recommendation_header(k)] = labels
    return out


def _ranks(inde: FloatArray, phase: IntArray, letter: IntArray) -> dict[str, IntArray]:
    """2022 `Cg`/`Cf`/`Ct`: INDE rank overall, within the phase and within the class."""
    frame = pd.DataFrame({"inde": inde, "phase": phase, "letter": letter})
    by_phase = frame.groupby("phase")["inde"]
    by_class = frame.groupby(["phase", "letter"])["inde"]
    return {
        COL_CG: frame["inde"].rank(ascending=False, method="first").to_numpy(np.int64),
        COL_CF: by_phase.rank(ascending=False, method="first").to_numpy(np.int64),
        COL_CT: by_class.rank(ascending=False, method="first").to_numpy(np.int64),
    }


def _highlight(values: FloatArray, threshold: float, texts: tuple[str, str]) -> ObjArray:
    """2022 `Destaque` texts: praise at or above the threshold, advice below."""
    return _take(texts, (values >= threshold).astype(np.int64))


def _scores_columns(scores: _Scores, grade_headers: tuple[str, str, str]) -> dict[str, FloatArray]:
    """Indicator and grade columns."""
    mat, por, ing = grade_headers
    return {
        COL_IAA: scores.iaa, COL_IEG: scores.ieg, COL_IPS: scores.ips, COL_IPP: scores.ipp,
        COL_IDA: scores.ida, COL_IPV: scores.ipv, COL_IAN: scores.ian,
        mat: scores.mat, por: scores.por, ing: scores.ing,
    }  # fmt: skip


def _sheet_2022(rng: np.random.Generator, sheet: _SheetInput) -> dict[str, NDArray[Any]]:
    """Columns of the 2022 layout: integer Fase, letter Turma, `Ágata`, ranks and texts."""
    state, roster, scores, n = sheet.state, sheet.state.roster, sheet.state.scores, sheet.n
    number = sheet.of_student(sheet.cohort.number)
    count = _sample(rng, {2: 27.0, 3: 40.0, 4: 33.0}, n)
    indicado = rng.random(n) < 0.15
    return {
        COL_RA: _numbered("RA-", number),
        COL_FASE: roster.phase,
        COL_TURMA: _class_letters(sheet),
        COL_NOME: _numbered("Aluno-", number),
        COL_ANO_NASC: roster.year - roster.age,
        COL_IDADE_2022: roster.age,
        COL_GENERO: _take(GENDERS_2022, sheet.of_student(sheet.cohort.female).astype(np.int64)),
        COL_ANO_INGRESSO: sheet.of_student(sheet.cohort.entry_year),
        COL_INSTITUICAO: _institutions(sheet, INSTITUTIONS_2022),
        **_history_pedras(sheet, range(roster.year - 2, roster.year)),
        pedra_header(roster.year): pedra_labels(scores.inde, roster.year),
        inde_header(roster.year): scores.inde,
        **_ranks(scores.inde, roster.phase, state.letter),
        COL_N_AV: count,
        **_evaluators(rng, count, 4),
        **_recommendations(rng, _signal(roster.latent, scores), count),
        **_scores_columns(scores, (COL_MATEM, COL_PORTUG, COL_INGLES)),
        COL_REC_PSICOLOGIA: _pick(rng, PSYCHOLOGY, n),
        COL_INDICADO: _take(YES_NO, indicado.astype(np.int64)),
        COL_ATINGIU_PV: _take(YES_NO, (indicado & (scores.ipv >= 7.3)).astype(np.int64)),
        COL_FASE_IDEAL_2022: _take(FASE_IDEAL_2022, ideal_phase(roster.age)),
        COL_DEFAS_2022: state.defasagem,
        COL_DESTAQUE_IEG: _highlight(scores.ieg, 7.5, HIGHLIGHT_IEG),
        COL_DESTAQUE_IDA: _highlight(scores.ida, 7.2, HIGHLIGHT_IDA),
        COL_DESTAQUE_IPV: _highlight(scores.ipv, 7.5, HIGHLIGHT_IPV),
    }


def _per_distinct(values: NDArray[Any], render: Callable[[NDArray[Any]], ObjArray]) -> ObjArray:
    """Render each distinct value once and spread the results (few distinct dates and ages)."""
    codes, uniques = pd.factorize(values)
    return render(np.asarray(uniques))[codes]


def _timestamps(dates: NDArray[Any]) -> ObjArray:
    """pandas Timestamps, as read back from cells Excel stores as dates."""
    return _per_distinct(dates, lambda u: np.asarray(pd.DatetimeIndex(u).astype(object), object))


def _us_dates(dates: NDArray[np.datetime64]) -> ObjArray:
    """US-style text dates without zero padding, e.g. `6/17/2015`."""

    def render(unique: NDArray[Any]) -> ObjArray:
        index = pd.DatetimeIndex(unique)
        text = index.month.astype(str) + "/" + index.day.astype(str) + "/" + index.year.astype(str)
        return np.asarray(text, dtype=object)

    return _per_distinct(dates, render)


def _excel_day_ages(age: IntArray) -> ObjArray:
    """Ages as Excel stores them when the cell got a date format: 8 → 1900-01-08."""
    return _timestamps(np.datetime64("1899-12-31") + age.astype("timedelta64[D]"))


def _mixed(dated: BoolArray, as_date: ObjArray, as_other: ObjArray) -> ObjArray:
    """Object column holding dates where `dated` and the other representation elsewhere."""
    out = as_other.copy()
    out[dated] = as_date[dated]
    return out


def _common_later(sheet: _SheetInput) -> dict[str, NDArray[Any]]:
    """Columns shared by the 2023 and 2024 layouts."""
    state, roster, scores = sheet.state, sheet.state.roster, sheet.state.scores
    number = sheet.of_student(sheet.cohort.number)
    return {
        COL_RA: _numbered("RA-", number),
        COL_NOME_ANON: _numbered("Aluno-", number),
        COL_GENERO: _take(GENDERS, sheet.of_student(sheet.cohort.female).astype(np.int64)),
        COL_ANO_INGRESSO: sheet.of_student(sheet.cohort.entry_year),
        **_scores_columns(scores, (COL_MAT, COL_POR, COL_ING)),
        COL_FASE_IDEAL: _take(FASE_IDEAL_FROM_2023, ideal_phase(roster.age)),
        COL_DEFASAGEM: state.defasagem,
    }


def _sheet_2023(rng: np.random.Generator, sheet: _SheetInput) -> dict[str, NDArray[Any]]:
    """Columns of the 2023 layout: `FASE 3`, `3L`, `Agata`, ages partly stored as dates."""
    state, roster, scores, n = sheet.state, sheet.state.roster, sheet.state.scores, sheet.n
    year = roster.year
    phase_text = _take([ALFA, *(f"FASE {p}" for p in range(1, MAX_PHASE + 1))], roster.phase)
    birth = sheet.of_student(sheet.cohort.birth)
    dated = rng.random(n) < 0.4  # cells that Excel turned into dates
    count = np.where(state.evaluated, _sample(rng, {2: 25.0, 3: 40.0, 4: 35.0}, n), np.nan)
    return {
        **_common_later(sheet),
        COL_FASE: phase_text,
        inde_header(year, long=True): scores.inde,
        pedra_header(year, long=True): pedra_labels(scores.inde, year),
        COL_TURMA: _phase_turmas(sheet),
        COL_DATA_NASC: _mixed(dated, _timestamps(birth), _us_dates(birth)),
        COL_IDADE: _mixed(dated, _excel_day_ages(roster.age), roster.age.astype(object)),
        COL_INSTITUICAO: _institutions(sheet, INSTITUTIONS_2023),
        **_history_pedras(sheet, range(year - 3, year)),
        inde_header(year - 1): sheet.inde_of(year - 1),
        COL_N_AV: count,
        **_evaluators(rng, count, 4),
    }


def _schools(sheet: _SheetInput, institution: ObjArray) -> ObjArray:
    """Synthetic school names: public `EE/EM Escola-n`, private `Colégio-n`, `Faculdade-n`."""
    pool = max(5, sheet.n // 25)
    school = sheet.of_student(sheet.cohort.school)
    public = np.asarray(institution == INSTITUTIONS_FROM_2024[0][0], dtype=np.bool_)
    kind = np.where(public, school % 3 == 0, 2).astype(np.int64)  # 0 EE, 1 EM, 2 Colégio
    kind = np.where(sheet.state.roster.phase >= MAX_PHASE, 3, kind)
    vocab = [f"{k}-{i}" for k in SCHOOL_KINDS for i in range(1, pool + 1)]
    return _take(vocab, kind * pool + (school // 3) % pool)


def _sheet_2024(rng: np.random.Generator, sheet: _SheetInput) -> dict[str, NDArray[Any]]:
    """Columns of the 2024 layout: `7E`/`ALFA`/9 Fase, `INCLUIR`, real dates, two `Ativo`."""
    state, roster, scores, n = sheet.state, sheet.state.roster, sheet.state.scores, sheet.n
    year = roster.year
    turma = _phase_turmas(sheet)
    is_9 = roster.phase == PHASE_9
    fase = np.where(roster.phase == 0, ALFA, turma)
    fase[is_9] = PHASE_9
    turma[is_9] = PHASE_9
    inde = scores.inde.astype(object)
    inde[state.incluir] = INCLUIR
    pedra = pedra_labels(scores.inde, year)
    pedra[state.incluir] = INCLUIR
    institution = _where_missing(
        _institutions(sheet, INSTITUTIONS_FROM_2024), rng.random(n) < 0.001
    )
    counts = _sample(rng, {2: 22.0, 3: 36.0, 4: 25.0, 5: 14.0, 6: 1.0}, n)
    count = np.where(state.evaluated, counts, 0)
    schools = _where_missing(_schools(sheet, institution), rng.random(n) < 0.001)
    active = _take([ACTIVE], np.zeros(n, dtype=np.int64))
    return {
        **_common_later(sheet),
        COL_FASE: fase,
        inde_header(year, long=True): inde,
        pedra_header(year, long=True): pedra,
        COL_TURMA: turma,
        COL_DATA_NASC: sheet.of_student(sheet.cohort.birth).astype("datetime64[ns]"),
        COL_IDADE: roster.age,
        COL_INSTITUICAO: institution,
        **_history_pedras(sheet, range(year - 4, year)),
        **{inde_header(y): sheet.inde_of(y) for y in range(year - 2, year)},
        COL_N_AV: count,
        **_evaluators(rng, count, 6),
        COL_ESCOLA: schools,
        COL_ATIVO: active,
        COL_ATIVO_DUP: active.copy(),
    }


def _display_order(state: _YearState, cohort: _Cohort) -> IntArray:
    """Rows sorted like a class list: phase, class letter, RA number."""
    roster = state.roster
    return np.lexsort((cohort.number[roster.student], state.letter, roster.phase)).astype(np.int64)


def _render(rng: np.random.Generator, sheet: _SheetInput) -> pd.DataFrame:
    """One year's DataFrame with the real headers; columns the layout leaves blank are NaN."""
    year = sheet.state.year
    if year == FIRST_YEAR:
        columns = _sheet_2022(rng, sheet)
    elif year == LAYOUT_2023:
        columns = _sheet_2023(rng, sheet)
    else:
        columns = _sheet_2024(rng, sheet)
    blank = np.full(sheet.n, np.nan)
    return pd.DataFrame({header: columns.get(header, blank) for header in headers_for(year)})


def generate_years(students: int, years: Sequence[int], seed: int = 42) -> dict[int, pd.DataFrame]:
    """Sheets with the real headers (as pandas reads them back), one per year; `students` is the
    total number of student-years across all years (e.g. 100 → about 33 per year for 3 years)."""
    ordered = _validated_years(students, years)
    rng = np.random.default_rng(seed)
    simulation = _simulate(rng, ordered, year_sizes(students, len(ordered)))
    history = _inde_history(rng, simulation, ordered[0])
    sheets: dict[int, pd.DataFrame] = {}
    for year in ordered:
        state = simulation.states.pop(year)  # released as soon as its sheet exists
        state = _reordered(state, _display_order(state, simulation.cohort))
        sheets[year] = _render(rng, _SheetInput(state, simulation.cohort, history))
    return sheets


# --- Writing -----------------------------------------------------------------------------------
# A minimal SpreadsheetML package streamed chunk by chunk: cell XML is built column-wise with
# numpy, so a million rows take seconds instead of the minutes a cell-by-cell writer needs.

XLSX_CHUNK_ROWS: Final = 20_000
DATE_STYLE: Final = 1  # index of the dd/mm/yyyy cell format in styles.xml
_EXCEL_EPOCH: Final = np.datetime64("1899-12-30", "ns")
_EXCEL_LEAP_BUG_END: Final = np.datetime64("1900-03-01", "ns")
_SPREADSHEET_NS: Final = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIP_NS: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_NS: Final = "http://schemas.openxmlformats.org/package/2006"
_XML_DECLARATION: Final = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_STYLES_XML: Final = (
    f'{_XML_DECLARATION}<styleSheet xmlns="{_SPREADSHEET_NS}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_ROOT_RELS: Final = (
    f'{_XML_DECLARATION}<Relationships xmlns="{_PACKAGE_NS}/relationships">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIP_NS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_CONTROL_CHARACTERS: Final = str.maketrans({c: None for c in range(32) if c not in (9, 10, 13)})
_XML_SPECIAL: Final = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f&<>]")  # \x00 separates
_EDGE_SPACE: Final = re.compile(r"(?:^|\x00)\s|\s(?:\x00|$)")
_CSV_SPECIAL: Final = re.compile('[;"\r\n]')
CSV_CHUNK_ROWS: Final = 50_000


def written_headers(frame: pd.DataFrame) -> list[str]:
    """Header row as written to the file: the pandas `.1` names of real duplicates undone."""
    return [WRITTEN_HEADER.get(str(name), str(name)) for name in frame.columns]


def column_letter(index: int) -> str:
    """Excel column name of a 0-based index: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _content_types(sheet_count: int) -> str:
    """[Content_Types].xml for a workbook with `sheet_count` sheets."""
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{main}.worksheet+xml"/>'
        for i in range(1, sheet_count + 1)
    )
    return (
        f'{_XML_DECLARATION}<Types xmlns="{_PACKAGE_NS}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{main}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{main}.styles+xml"/>{sheets}</Types>'
    )


def _workbook_xml(names: Sequence[str]) -> str:
    """xl/workbook.xml listing the sheets."""
    sheets = "".join(
        f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
        for i, name in enumerate(names, start=1)
    )
    return (
        f'{_XML_DECLARATION}<workbook xmlns="{_SPREADSHEET_NS}" xmlns:r="{_RELATIONSHIP_NS}">'
        f"<sheets>{sheets}</sheets></workbook>"
    )


def _workbook_rels(sheet_count: int) -> str:
    """xl/_rels/workbook.xml.rels: the sheets and the styles."""
    sheets = "".join(
        f'<Relationship Id="rId{i}" Type="{_RELATIONSHIP_NS}/worksheet" '
        f'Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, sheet_count + 1)
    )
    styles = (
        f'<Relationship Id="rId{sheet_count + 1}" Type="{_RELATIONSHIP_NS}/styles" '
        'Target="styles.xml"/>'
    )
    return (
        f'{_XML_DECLARATION}<Relationships xmlns="{_PACKAGE_NS}/relationships">'
        f"{sheets}{styles}</Relationships>"
    )


def _distinct_texts(values: NDArray[Any]) -> tuple[IntArray, list[str]]:
    """Codes and distinct texts of a text column (most columns repeat a few values)."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object))
    return codes.astype(np.int64), [str(u) for u in uniques]


def _xml_fragments(texts: list[str]) -> ObjArray:
    """Inline-string cell tails for distinct texts (escaped; spaces at the ends preserved)."""
    joined = "\x00".join(texts)
    plain = joined.count("\x00") == len(texts) - 1 and not _XML_SPECIAL.search(joined)
    if plain and not _EDGE_SPACE.search(joined):
        tails = '" t="inlineStr"><is><t>' + np.asarray(texts, dtype=object) + "</t></is></c>"
        return np.asarray(tails, dtype=object)
    out = np.empty(len(texts), dtype=object)
    for i, text in enumerate(texts):
        clean = escape(text.translate(_CONTROL_CHARACTERS))
        space = ' xml:space="preserve"' if clean != clean.strip() else ""
        out[i] = f'" t="inlineStr"><is><t{space}>{clean}</t></is></c>'
    return out


def _excel_serials(values: NDArray[Any]) -> FloatArray:
    """Excel serial day numbers (1900 system, with its phantom 29 Feb 1900)."""
    ns = np.asarray(pd.to_datetime(pd.Series(values)).to_numpy(), dtype="datetime64[ns]")
    days = (ns - _EXCEL_EPOCH) / np.timedelta64(1, "D")
    return np.asarray(days - (ns < _EXCEL_LEAP_BUG_END), dtype=np.float64)


def _number_texts(values: NDArray[Any], decimal: str = ".") -> ObjArray:
    """Shortest round-trip text of numbers (`7.5`, `8`), converting each distinct value once."""
    numbers = pd.to_numeric(pd.Series(values)).to_numpy()
    if numbers.dtype == np.bool_:
        numbers = numbers.astype(np.int64)
    codes, uniques = pd.factorize(numbers)
    texts = [text.replace(".", decimal) for text in np.asarray(uniques).astype(str).tolist()]
    return np.asarray(texts, dtype=object)[codes]


_TEXT_TYPES: Final = (str, np.str_)
_DATE_TYPES: Final = (pd.Timestamp, np.datetime64, dt.datetime, dt.date)


@dataclass(frozen=True)
class _CellKinds:
    """Which cells of a column hold text, numbers or dates (the rest is blank)."""

    text: BoolArray
    number: BoolArray
    date: BoolArray


def _cell_kinds(values: NDArray[Any]) -> _CellKinds:
    """Classify the cells of a column by dtype, or by Python type for object columns."""
    none = np.zeros(values.size, dtype=np.bool_)
    present = ~np.asarray(pd.isna(values), dtype=np.bool_)
    if values.dtype.kind in "iufb":
        return _CellKinds(none, present, none)
    if values.dtype.kind == "M":
        return _CellKinds(none, none, present)
    types = pd.Series(values, dtype=object).map(type)
    text = types.isin(_TEXT_TYPES).to_numpy(np.bool_)
    date = types.isin(_DATE_TYPES).to_numpy(np.bool_)
    return _CellKinds(text, present & ~text & ~date, date)


def _column_xml(values: NDArray[Any], refs: ObjArray) -> ObjArray:
    """`<c>` elements of one column chunk (empty strings for blank cells)."""
    out = np.full(values.size, "", dtype=object)
    kinds = _cell_kinds(values)
    if kinds.number.any():
        texts = _number_texts(values[kinds.number])
        out[kinds.number] = refs[kinds.number] + '"><v>' + texts + "</v></c>"
    if kinds.date.any():
        serials = _number_texts(_excel_serials(values[kinds.date]))
        out[kinds.date] = refs[kinds.date] + f'" s="{DATE_STYLE}"><v>' + serials + "</v></c>"
    if kinds.text.any():
        codes, distinct = _distinct_texts(values[kinds.text])
        out[kinds.text] = refs[kinds.text] + _xml_fragments(distinct)[codes]
    return out


def _cell_refs(letter: str, numbers: ObjArray) -> ObjArray:
    """Opening of each cell of a column, e.g. `<c r="B17`."""
    return np.asarray(f'<c r="{letter}' + numbers, dtype=object)


def _rows_xml(frame: pd.DataFrame, start: int, stop: int) -> str:
    """`<row>` elements for frame rows [start, stop) (sheet row = frame row + 2)."""
    numbers = np.asarray(np.arange(start + 2, stop + 2).astype(str), dtype=object)
    columns = [
        _column_xml(frame.iloc[start:stop, j].to_numpy(), _cell_refs(column_letter(j), numbers))
        for j in range(frame.shape[1])
    ]
    opening = '<row r="' + numbers + '">'
    rows = zip(opening, *columns, ["</row>"] * (stop - start), strict=True)
    return "".join(map("".join, rows))


def _header_xml(frame: pd.DataFrame) -> str:
    """The first `<row>` with the header names as written."""
    refs = np.asarray([f'<c r="{column_letter(j)}1' for j in range(frame.shape[1])], dtype=object)
    return '<row r="1">' + "".join(refs + _xml_fragments(written_headers(frame))) + "</row>"


def _sheet_xml(frame: pd.DataFrame) -> Iterator[bytes]:
    """A worksheet part, streamed in chunks of rows."""
    last = f"{column_letter(max(frame.shape[1] - 1, 0))}{len(frame) + 1}"
    yield (
        f'{_XML_DECLARATION}<worksheet xmlns="{_SPREADSHEET_NS}" xmlns:r="{_RELATIONSHIP_NS}">'
        f'<dimension ref="A1:{last}"/><sheetData>{_header_xml(frame)}'
    ).encode()
    for start in range(0, len(frame), XLSX_CHUNK_ROWS):
        yield _rows_xml(frame, start, min(start + XLSX_CHUNK_ROWS, len(frame))).encode()
    yield b"</sheetData></worksheet>"


def _check_sheets(sheets: Mapping[int, pd.DataFrame], fmt: str = "xlsx") -> None:
    """Refuse what cannot be written, before anything is written."""
    if not sheets:
        raise ValueError("Nenhuma aba para gravar.")
    for year, frame in sheets.items():
        if fmt == "xlsx" and len(frame) + 1 > XLSX_MAX_ROWS:
            raise ValueError(
                f"A aba de {year} tem {len(frame)} linhas; uma planilha .xlsx comporta no máximo "
                f"{XLSX_MAX_ROWS - 1}. Gere menos alunos ou use o formato csv."
            )


@contextmanager
def _written_in_place(path: Path) -> Iterator[Path]:
    """A temporary sibling of `path` that replaces it on success and is removed on failure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    try:
        yield partial
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def write_workbook(sheets: Mapping[int, pd.DataFrame], path: Path) -> Path:
    """Write one .xlsx with a `PEDE{year}` sheet per year; repeated headers are written as such."""
    _check_sheets(sheets)
    path = Path(path)
    ordered = sorted(sheets.items())
    with (
        _written_in_place(path) as partial,
        zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
    ):
        archive.writestr("[Content_Types].xml", _content_types(len(ordered)))
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _workbook_xml([sheet_name(y) for y, _ in ordered]))
        archive.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(ordered)))
        archive.writestr("xl/styles.xml", _STYLES_XML)
        for index, (_, frame) in enumerate(ordered, start=1):
            large = frame.size > 20_000_000  # a part may pass 4 GB: needs ZIP64 headers
            with archive.open(f"xl/worksheets/sheet{index}.xml", "w", force_zip64=large) as part:
                for piece in _sheet_xml(frame):
                    part.write(piece)
    return path


def _csv_quoted(texts: list[str]) -> ObjArray:
    """Distinct texts quoted where they hold the separator, quotes or line breaks."""
    out = np.asarray(texts, dtype=object)
    if _CSV_SPECIAL.search("\x00".join(texts)):
        for i, text in enumerate(texts):
            if _CSV_SPECIAL.search(text):
                out[i] = '"' + text.replace('"', '""') + '"'
    return out


def _date_texts(values: NDArray[Any]) -> ObjArray:
    """Dates as dd/mm/yyyy, formatting each distinct date once."""
    codes, uniques = pd.factorize(pd.to_datetime(pd.Series(values)))
    return np.asarray(pd.DatetimeIndex(uniques).strftime("%d/%m/%Y"), dtype=object)[codes]


def _column_csv(values: NDArray[Any]) -> ObjArray:
    """CSV fields of one column chunk: decimal commas, dd/mm/yyyy dates, blanks for missing."""
    out = np.full(values.size, "", dtype=object)
    kinds = _cell_kinds(values)
    if kinds.number.any():
        out[kinds.number] = _number_texts(values[kinds.number], decimal=",")
    if kinds.date.any():
        out[kinds.date] = _date_texts(values[kinds.date])
    if kinds.text.any():
        codes, distinct = _distinct_texts(values[kinds.text])
        out[kinds.text] = _csv_quoted(distinct)[codes]
    return out


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write one sheet as a pt-BR CSV: `;` separator, decimal comma, UTF-8 with BOM."""
    path = Path(path)
    with (
        _written_in_place(path) as partial,
        partial.open("w", encoding="utf-8-sig", newline="") as out,
    ):
        out.write(";".join(_csv_quoted(written_headers(frame))) + "\n")
        for start in range(0, len(frame), CSV_CHUNK_ROWS):
            chunk = frame.iloc[start : start + CSV_CHUNK_ROWS]
            columns = [_column_csv(chunk.iloc[:, j].to_numpy()) for j in range(chunk.shape[1])]
            out.write("\n".join(map(";".join, zip(*columns, strict=True))) + "\n")
    return path


def write_workbooks_per_year(
    sheets: Mapping[int, pd.DataFrame], out_dir: Path, fmt: str = "xlsx"
) -> list[Path]:
    """One file per year: `PEDE_<year>.xlsx` (sheet `PEDE<year>`) or a pt-BR `PEDE_<year>.csv`."""
    if fmt not in ("xlsx", "csv"):
        raise ValueError(f"Formato '{fmt}' desconhecido: use xlsx ou csv.")
    _check_sheets(sheets, fmt)
    out_dir = Path(out_dir)
    paths = []
    for year, frame in sorted(sheets.items()):
        target = out_dir / f"PEDE_{year}.{fmt}"
        write = write_workbook if fmt == "xlsx" else _csv_writer
        paths.append(write({year: frame}, target))
    return paths


def _csv_writer(sheets: Mapping[int, pd.DataFrame], path: Path) -> Path:
    """write_csv with the write_workbook signature (one sheet)."""
    (frame,) = sheets.values()
    return write_csv(frame, path)

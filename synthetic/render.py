"""Render each simulated year with the layout of the real sheet of that year.

2022 and 2023 have their own layouts; 2024 and later use the 2024 layout with year-shifted headers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from synthetic.arrays import (
    BoolArray,
    FloatArray,
    IntArray,
    ObjArray,
    by_uniform,
    numbered,
    pick,
    sample,
    take,
    where_missing,
)
from synthetic.layouts import (
    ACTIVE,
    ALFA,
    COL_ANO_INGRESSO,
    COL_ANO_NASC,
    COL_ATINGIU_PV,
    COL_ATIVO,
    COL_ATIVO_DUP,
    COL_CF,
    COL_CG,
    COL_CT,
    COL_DATA_NASC,
    COL_DEFAS_2022,
    COL_DEFASAGEM,
    COL_DESTAQUE_IDA,
    COL_DESTAQUE_IEG,
    COL_DESTAQUE_IPV,
    COL_ESCOLA,
    COL_FASE,
    COL_FASE_IDEAL,
    COL_FASE_IDEAL_2022,
    COL_GENERO,
    COL_IAA,
    COL_IAN,
    COL_IDA,
    COL_IDADE,
    COL_IDADE_2022,
    COL_IEG,
    COL_INDICADO,
    COL_ING,
    COL_INGLES,
    COL_INSTITUICAO,
    COL_IPP,
    COL_IPS,
    COL_IPV,
    COL_MAT,
    COL_MATEM,
    COL_N_AV,
    COL_NOME,
    COL_NOME_ANON,
    COL_POR,
    COL_PORTUG,
    COL_RA,
    COL_REC_PSICOLOGIA,
    COL_TURMA,
    FASE_IDEAL_2022,
    FASE_IDEAL_FROM_2023,
    FIRST_YEAR,
    GENDERS,
    GENDERS_2022,
    HIGHLIGHT_IDA,
    HIGHLIGHT_IEG,
    HIGHLIGHT_IPV,
    INCLUIR,
    INSTITUTIONS_2022,
    INSTITUTIONS_2023,
    INSTITUTIONS_FROM_2024,
    LAYOUT_2023,
    NOT_EVALUATED,
    PSYCHOLOGY,
    RECOMMENDATIONS,
    SCHOOL_KINDS,
    TURMA_LETTERS,
    YES_NO,
    evaluator_header,
    headers_for,
    inde_header,
    pedra_header,
    recommendation_header,
)
from synthetic.population import (
    MAX_PHASE,
    PHASE_9,
    Cohort,
    Scores,
    YearState,
    engagement_signal,
    ideal_phase,
    inde_history,
    pedra_labels,
    reordered,
    simulate,
    validated_years,
    year_sizes,
)

# --- Sheets ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _SheetInput:
    """Everything one sheet is rendered from, rows already in display order."""

    state: YearState
    cohort: Cohort
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
    return take(TURMA_LETTERS, sheet.state.letter)


def _alfa_turmas(sheet: _SheetInput) -> ObjArray:
    """ALFA class names such as `ALFA K - G0/G1`."""
    vocab = [
        f"{ALFA} {letter} - {'G0/G1' if i % 3 == 0 else 'G2/G3'}"
        for i, letter in enumerate(TURMA_LETTERS)
    ]
    return take(vocab, sheet.state.letter)


def _phase_turmas(sheet: _SheetInput) -> ObjArray:
    """Class names from 2023 on: phase digit and letter (`3L`), or the ALFA class name."""
    vocab = [f"{phase}{letter}" for phase in range(PHASE_9 + 1) for letter in TURMA_LETTERS]
    phase = sheet.state.roster.phase
    named = take(vocab, phase * len(TURMA_LETTERS) + sheet.state.letter)
    return np.where(phase == 0, _alfa_turmas(sheet), named)


def _institutions(sheet: _SheetInput, table: Sequence[tuple[str, float]]) -> ObjArray:
    """`Instituição de ensino` spelled as in the year's sheet, stable for a student."""
    u = sheet.of_student(sheet.cohort.institution_u)
    return by_uniform([label for label, _ in table], [w for _, w in table], u)


def _evaluators(rng: np.random.Generator, count: NDArray[Any], columns: int) -> dict[str, ObjArray]:
    """`Avaliador k` columns filled up to each row's number of evaluators."""
    n = count.size
    pool = max(8, n // 40)
    first = rng.integers(0, pool, n)
    names = numbered("Avaliador-", np.arange(1, pool + 1))
    counts = np.nan_to_num(count.astype(np.float64))
    return {
        evaluator_header(k): where_missing(
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
        labels = take(RECOMMENDATIONS, index)
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
    return take(texts, (values >= threshold).astype(np.int64))


def _scores_columns(scores: Scores, grade_headers: tuple[str, str, str]) -> dict[str, FloatArray]:
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
    count = sample(rng, {2: 27.0, 3: 40.0, 4: 33.0}, n)
    indicado = rng.random(n) < 0.15
    return {
        COL_RA: numbered("RA-", number),
        COL_FASE: roster.phase,
        COL_TURMA: _class_letters(sheet),
        COL_NOME: numbered("Aluno-", number),
        COL_ANO_NASC: roster.year - roster.age,
        COL_IDADE_2022: roster.age,
        COL_GENERO: take(GENDERS_2022, sheet.of_student(sheet.cohort.female).astype(np.int64)),
        COL_ANO_INGRESSO: sheet.of_student(sheet.cohort.entry_year),
        COL_INSTITUICAO: _institutions(sheet, INSTITUTIONS_2022),
        **_history_pedras(sheet, range(roster.year - 2, roster.year)),
        pedra_header(roster.year): pedra_labels(scores.inde, roster.year),
        inde_header(roster.year): scores.inde,
        **_ranks(scores.inde, roster.phase, state.letter),
        COL_N_AV: count,
        **_evaluators(rng, count, 4),
        **_recommendations(rng, engagement_signal(roster.latent, scores), count),
        **_scores_columns(scores, (COL_MATEM, COL_PORTUG, COL_INGLES)),
        COL_REC_PSICOLOGIA: pick(rng, PSYCHOLOGY, n),
        COL_INDICADO: take(YES_NO, indicado.astype(np.int64)),
        COL_ATINGIU_PV: take(YES_NO, (indicado & (scores.ipv >= 7.3)).astype(np.int64)),
        COL_FASE_IDEAL_2022: take(FASE_IDEAL_2022, ideal_phase(roster.age)),
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
        COL_RA: numbered("RA-", number),
        COL_NOME_ANON: numbered("Aluno-", number),
        COL_GENERO: take(GENDERS, sheet.of_student(sheet.cohort.female).astype(np.int64)),
        COL_ANO_INGRESSO: sheet.of_student(sheet.cohort.entry_year),
        **_scores_columns(scores, (COL_MAT, COL_POR, COL_ING)),
        COL_FASE_IDEAL: take(FASE_IDEAL_FROM_2023, ideal_phase(roster.age)),
        COL_DEFASAGEM: state.defasagem,
    }


def _sheet_2023(rng: np.random.Generator, sheet: _SheetInput) -> dict[str, NDArray[Any]]:
    """Columns of the 2023 layout: `FASE 3`, `3L`, `Agata`, ages partly stored as dates."""
    state, roster, scores, n = sheet.state, sheet.state.roster, sheet.state.scores, sheet.n
    year = roster.year
    phase_text = take([ALFA, *(f"FASE {p}" for p in range(1, MAX_PHASE + 1))], roster.phase)
    birth = sheet.of_student(sheet.cohort.birth)
    dated = rng.random(n) < 0.4  # cells that Excel turned into dates
    count = np.where(state.evaluated, sample(rng, {2: 25.0, 3: 40.0, 4: 35.0}, n), np.nan)
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
    return take(vocab, kind * pool + (school // 3) % pool)


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
    institution = where_missing(_institutions(sheet, INSTITUTIONS_FROM_2024), rng.random(n) < 0.001)
    counts = sample(rng, {2: 22.0, 3: 36.0, 4: 25.0, 5: 14.0, 6: 1.0}, n)
    count = np.where(state.evaluated, counts, 0)
    schools = where_missing(_schools(sheet, institution), rng.random(n) < 0.001)
    active = take([ACTIVE], np.zeros(n, dtype=np.int64))
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


def _display_order(state: YearState, cohort: Cohort) -> IntArray:
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
    ordered = validated_years(students, years)
    rng = np.random.default_rng(seed)
    simulation = simulate(rng, ordered, year_sizes(students, len(ordered)))
    history = inde_history(rng, simulation, ordered[0])
    sheets: dict[int, pd.DataFrame] = {}
    for year in ordered:
        state = simulation.states.pop(year)  # released as soon as its sheet exists
        state = reordered(state, _display_order(state, simulation.cohort))
        sheets[year] = _render(rng, _SheetInput(state, simulation.cohort, history))
    return sheets

"""A population of students simulated across consecutive years, on whole numpy arrays.

Students join, advance, are held back and leave; their indicators follow a latent engagement,
so the next year's Defasagem depends on this year's indicators as in the real data.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Final

import numpy as np
from numpy.typing import NDArray

from synthetic.arrays import (
    BoolArray,
    FloatArray,
    IntArray,
    ObjArray,
    sample,
    take,
    where_missing,
)
from synthetic.layouts import (
    FIRST_YEAR,
    LAYOUT_2024,
    PEDRA_THRESHOLDS,
    PEDRAS_FROM_2023,
    PEDRAS_UNTIL_2022,
    TURMA_LETTERS,
    check_year,
)

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


def validated_years(students: int, years: Sequence[int]) -> list[int]:
    """Sorted distinct years, or ValueError with a message saying what to change."""
    if not years:
        raise ValueError("Informe pelo menos um ano (por exemplo 2022-2024).")
    ordered = sorted(set(years))
    for year in ordered:
        check_year(year)
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
class Cohort:
    """Static attributes of every simulated student (index = student id)."""

    number: IntArray  # n in RA-n / Aluno-n
    female: BoolArray
    birth: NDArray[np.datetime64]
    entry_year: IntArray
    institution_u: FloatArray  # one uniform draw per student, spelled per year
    school: IntArray


@dataclass(frozen=True)
class Roster:
    """Who is present in a year and where they stand, before the year's indicators exist."""

    year: int
    student: IntArray
    age: IntArray
    phase: IntArray
    latent: FloatArray  # engagement: drives indicators and next year's progress


@dataclass(frozen=True)
class Scores:
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
class YearState:
    """One simulated year: the roster plus class letters, evaluation status and indicators."""

    roster: Roster
    letter: IntArray
    evaluated: BoolArray
    incluir: BoolArray
    scores: Scores

    @property
    def year(self) -> int:
        """Year of the rows."""
        return self.roster.year

    @property
    def defasagem(self) -> IntArray:
        """Phase minus ideal phase (negative = behind)."""
        return self.roster.phase - ideal_phase(self.roster.age)


def reordered(state: YearState, order: IntArray) -> YearState:
    """The same year with its rows in `order`."""
    r = state.roster
    roster = Roster(r.year, r.student[order], r.age[order], r.phase[order], r.latent[order])
    scores = Scores(**{k: v[order] for k, v in vars(state.scores).items()})
    return YearState(
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
    return where_missing(take(vocab, pedra_index(np.nan_to_num(inde))), np.isnan(inde))


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


def _scores(rng: np.random.Generator, roster: Roster, evaluated: BoolArray) -> Scores:
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
    scores = Scores(iaa, ieg, ips, ipp, ida, ipv, ian, mat, por, ing, inde)
    return _blank_not_evaluated(scores, evaluated, year)


def _blank_not_evaluated(scores: Scores, evaluated: BoolArray, year: int) -> Scores:
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


def engagement_signal(latent: FloatArray, scores: Scores) -> FloatArray:
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
    age = sample(rng, ages, n)
    phase = _bounded_phase(ideal_phase(age) + sample(rng, defas, n), age)
    if year >= LAYOUT_2024:
        moved_on = (phase == MAX_PHASE) & (age >= 19) & (rng.random(n) < PHASE_9_SHARE)
        phase = np.where(moved_on, PHASE_9, phase)
    return age, phase


def _new_latent(rng: np.random.Generator, age: IntArray, phase: IntArray) -> FloatArray:
    """Engagement of new students: those further behind tend to be less engaged."""
    defasagem = np.clip(phase - ideal_phase(age), -3, 1)
    return np.asarray(0.3 * (defasagem + 0.7) + 0.95 * rng.normal(0.0, 1.0, age.size), np.float64)


def _year_rows(rng: np.random.Generator, roster: Roster) -> YearState:
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
    return YearState(roster, letter, evaluated, incluir, _scores(rng, roster, evaluated))


def _incluir_rows(rng: np.random.Generator, year: int, phase: IntArray) -> BoolArray:
    """Rows whose INDE and Pedra read `INCLUIR` (2024 layout): phase 9, topped up to about 3%."""
    if year < LAYOUT_2024 or phase.size == 0:
        return np.zeros(phase.size, dtype=np.bool_)
    share_9 = float((phase == PHASE_9).mean())
    extra = max(0.0, INCLUIR_SHARE - share_9) / max(1e-9, 1.0 - share_9)
    return np.asarray((phase == PHASE_9) | (rng.random(phase.size) < extra), dtype=np.bool_)


def _keep(rng: np.random.Generator, state: YearState, count: int) -> IntArray:
    """Positions of the `count` rows that stay next year (engaged students stay more often)."""
    roster = state.roster
    if count <= 0:
        return np.empty(0, dtype=np.int64)
    weight = np.exp(0.4 * roster.latent) * np.where(roster.phase >= MAX_PHASE, 0.6, 1.0)
    keys = np.log(rng.random(roster.student.size)) / weight  # Efraimidis-Spirakis weighted draw
    return np.sort(np.argpartition(-keys, count - 1)[:count]).astype(np.int64)


def _advance(rng: np.random.Generator, state: YearState, rows: IntArray) -> Roster:
    """The chosen rows one year later: a year older, usually one phase up."""
    roster, year = state.roster, state.year + 1
    signal = engagement_signal(roster.latent, state.scores)[rows]
    before = roster.phase[rows]
    age = roster.age[rows] + 1
    phase = _bounded_phase(before + _phase_step(rng, signal, state.defasagem[rows]), age)
    moves_on = (
        (before == MAX_PHASE) & (year >= LAYOUT_2024) & (rng.random(rows.size) < PHASE_9_SHARE)
    )
    phase = np.where((before == PHASE_9) | moves_on, PHASE_9, phase)
    noise = rng.normal(0.0, 1.0, rows.size)
    latent = LATENT_PERSISTENCE * roster.latent[rows] + math.sqrt(1 - LATENT_PERSISTENCE**2) * noise
    return Roster(year, roster.student[rows], age, phase, latent)


def _joined(a: Roster, b: Roster) -> Roster:
    """Rows of two rosters of the same year."""
    return Roster(
        a.year,
        np.concatenate([a.student, b.student]),
        np.concatenate([a.age, b.age]),
        np.concatenate([a.phase, b.phase]),
        np.concatenate([a.latent, b.latent]),
    )


# --- Simulation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Simulation:
    """Every simulated year (requested or skipped) and the cohort behind them."""

    cohort: Cohort
    states: dict[int, YearState]


def _birth_dates(rng: np.random.Generator, year: int, age: IntArray) -> NDArray[np.datetime64]:
    """A birth date in the year `year - age` (so the age increases by exactly one a year)."""
    first_day = (year - age - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    days = rng.integers(0, 365, age.size).astype("timedelta64[D]")
    return np.asarray(first_day + days, dtype="datetime64[D]")


def simulate(rng: np.random.Generator, years: list[int], sizes: IntArray) -> Simulation:
    """Run the population forward from the first to the last requested year."""
    total = _total_students(sizes)
    number = np.zeros(total, dtype=np.int64)
    birth = np.zeros(total, dtype="datetime64[D]")
    entry = np.zeros(total, dtype=np.int64)
    states: dict[int, YearState] = {}
    state: YearState | None = None
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
            sample(rng, YEARS_ENROLLED_FIRST_YEAR, age.size), np.maximum(age - 6, 0)
        )
        entry[ids] = year - (enrolled if first else 0)
        fresh = Roster(year, ids, age, phase, _new_latent(rng, age, phase))
        state = _year_rows(rng, _joined(stayers, fresh))
        states[year] = state
    female = rng.random(total) < 0.54
    cohort = Cohort(
        number, female, birth, entry, rng.random(total), rng.integers(0, 1 << 30, total)
    )
    return Simulation(cohort, states)


def _carry(
    rng: np.random.Generator, state: YearState | None, year: int, count: int
) -> tuple[Roster, list[YearState]]:
    """Students of the previous requested year still present in `year`, and the years between
    (simulated so that history columns have values, but not written)."""
    empty = np.empty(0, dtype=np.int64)
    if state is None:
        return Roster(year, empty, empty, empty, np.empty(0, dtype=np.float64)), []
    roster = _advance(rng, state, _keep(rng, state, count))
    skipped: list[YearState] = []
    while roster.year < year:
        skipped.append(_year_rows(rng, roster))
        roster = _advance(rng, skipped[-1], np.arange(roster.student.size, dtype=np.int64))
    return roster, skipped


def inde_history(
    rng: np.random.Generator, simulation: Simulation, first: int
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

"""Bronze → silver: map each year's headers to the standard names and clean every value.

Every quirk of the PEDE data is handled by one named rule below (a ``Series -> Series``
function); ``to_silver`` wires them. Values a rule cannot read become null and are reported
per row, so that the row can be quarantined with its reason.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from pipeline import columns as c
from pipeline.errors import InputFileError

NOT_COMPUTED_TOKEN = "INCLUIR"
ROUNDING_SLACK = 0.05  # scores like 10.002 / 10.01 are rounding of 10
TEXT_COLUMN_SHARE = 0.5  # above this share of unreadable cells, the whole column is wrong
EXCEL_EPOCH = pd.Timestamp("1899-12-31")

# Header candidates per standard column; ``{Y}``/``{yy}`` are the sheet's year. Matching ignores
# case, accents and repeated spaces. The first candidate present wins.
HEADER_CANDIDATES: Mapping[str, tuple[str, ...]] = {
    c.RA: ("RA",),
    c.NOME: ("Nome Anonimizado", "Nome"),
    c.FASE: ("Fase",),
    c.TURMA: ("Turma",),
    c.IDADE: ("Idade {Y}", "Idade {yy}", "Idade"),
    c.GENERO: ("Gênero", "Genero", "Sexo"),
    c.ANO_INGRESSO: ("Ano ingresso", "Ano de ingresso"),
    c.INSTITUICAO: ("Instituição de ensino", "Instituição"),
    c.ESCOLA: ("Escola",),
    c.PEDRA: ("Pedra {Y}", "Pedra {yy}", "Pedra"),
    c.INDE: ("INDE {Y}", "INDE {yy}", "INDE"),
    c.IAA: ("IAA",),
    c.IEG: ("IEG",),
    c.IPS: ("IPS",),
    c.IDA: ("IDA",),
    c.IPV: ("IPV",),
    c.IAN: ("IAN",),
    c.IPP: ("IPP",),
    c.MAT: ("Mat", "Matem", "Matemática"),
    c.POR: ("Por", "Portug", "Português"),
    c.ING: ("Ing", "Inglês"),
    c.DEFASAGEM: ("Defasagem", "Defas"),
    c.FASE_IDEAL: ("Fase Ideal",),
}
BIRTH_YEAR_HEADERS = ("Ano nasc", "Ano de nascimento")
BIRTH_DATE_HEADERS = ("Data de Nasc", "Data de nascimento")
REQUIRED = (c.RA, c.FASE, c.DEFASAGEM)

PEDRA_SPELLINGS = {
    "quartzo": "Quartzo",
    "agata": "Ágata",
    "ametista": "Ametista",
    "topazio": "Topázio",
}
GENERO_SPELLINGS = {
    "menina": "F",
    "feminino": "F",
    "f": "F",
    "menino": "M",
    "masculino": "M",
    "m": "M",
}
# Substrings (accent-free, lower case) → normalised category; the first match wins.
INSTITUICAO_RULES: tuple[tuple[str, str], ...] = (
    ("apadrinhamento", "privada_apadrinhamento"),
    ("bolsa 100", "privada_bolsa"),
    ("empresa parceira", "privada_empresa"),
    ("universit", "universitario"),
    ("concluiu", "concluiu_em"),
    ("rede decisao", "rede_decisao"),
    ("publica", "publica"),
    ("privada", "privada"),
    ("escola jp", "privada"),
)


@dataclass(frozen=True)
class SilverResult:
    """Clean rows of one sheet, the rows set aside with their reasons, and how headers mapped."""

    frame: pd.DataFrame
    quarantine: pd.DataFrame
    mapping: dict[str, str | None]
    ignored_headers: list[str] = field(default_factory=list)


# --- header mapping -----------------------------------------------------------------------


def fold(text: object) -> str:
    """Lower case, no accents, single spaces: the form headers and labels are compared in."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


def per_distinct(values: pd.Series, func: Callable[[Any], Any]) -> pd.Series:
    """``func`` on a whole column, computed once per distinct value (PEDE columns repeat a lot)."""
    distinct = values.dropna().unique()
    return values.map(dict(zip(distinct, map(func, distinct), strict=True)))


def fold_values(values: pd.Series) -> pd.Series:
    return per_distinct(values, fold)


def map_headers(headers: Iterable[object], year: int) -> dict[str, str | None]:
    """Standard column → source header (or None when the sheet has no such column)."""
    by_folded: dict[str, str] = {}
    for header in headers:
        by_folded.setdefault(fold(header), str(header))
    mapping: dict[str, str | None] = {}
    for standard, candidates in HEADER_CANDIDATES.items():
        names = (cand.format(Y=year, yy=f"{year % 100:02d}") for cand in candidates)
        mapping[standard] = next((by_folded[fold(n)] for n in names if fold(n) in by_folded), None)
    return mapping


def _first_header(headers: Iterable[object], candidates: Iterable[str]) -> str | None:
    folded = {fold(h): str(h) for h in headers}
    return next((folded[fold(cand)] for cand in candidates if fold(cand) in folded), None)


# --- value rules (Series -> Series) --------------------------------------------------------


def is_not_computed(values: pd.Series) -> pd.Series:
    """Rule ``INCLUIR``: the token means "not computed yet", i.e. a missing value."""
    return values.astype("string").str.strip().str.upper().eq(NOT_COMPUTED_TOKEN).fillna(False)


def parse_number(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers, also pt-BR text (``7,5``); ``INCLUIR`` is null. Returns (numbers, unreadable)."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype("float64"), pd.Series(False, index=values.index)
    text = values.astype("string").str.strip()
    has_comma = text.str.contains(",", regex=False).fillna(False)
    text = text.mask(has_comma, text.str.replace(".", "", regex=False).str.replace(",", "."))
    numbers = pd.to_numeric(text.where(~is_not_computed(values)), errors="coerce")
    unreadable = numbers.isna() & values.notna() & text.ne("").fillna(False)
    unreadable &= ~is_not_computed(values)
    return numbers.astype("float64"), unreadable.fillna(False).astype(bool)


def clip_rounding_overshoot(scores: pd.Series) -> pd.Series:
    """Rule rounding: scores a hair above 10 (``10.002``, ``10.01``) are 10."""
    over = (scores > c.SCORE_MAX) & (scores <= c.SCORE_MAX + ROUNDING_SLACK)
    return scores.mask(over, c.SCORE_MAX)


_FASE_TEXT = re.compile(r"^(?:fase\s*)?(\d)\s*[a-z]?$")


def parse_fase(values: pd.Series) -> pd.Series:
    """Rule fase: ``ALFA``→0, ``FASE 3``→3, ``7E``→7 (digit + class letter), integers as is."""
    text = values.pipe(fold_values).astype("string")
    digits = text.str.extract(_FASE_TEXT, expand=False)
    parsed = pd.to_numeric(digits, errors="coerce")
    parsed = parsed.mask(text.str.startswith("alfa").fillna(False), 0)
    numeric = pd.to_numeric(
        values.where(values.map(_is_number).astype(bool)),
        errors="coerce",
    )
    return numeric.fillna(parsed).round().astype("Int64")


_FASE_IDEAL_TEXT = re.compile(r"^(?:fase\s*)?(\d)")


def parse_fase_ideal(values: pd.Series) -> pd.Series:
    """Rule fase ideal: ``ALFA  (2º e 3º ano)``→0, ``Fase 8 (Universitários)``→8."""
    text = values.pipe(fold_values).astype("string")
    parsed = pd.to_numeric(text.str.extract(_FASE_IDEAL_TEXT, expand=False), errors="coerce")
    parsed = parsed.mask(text.str.startswith("alfa").fillna(False), 0)
    return parsed.round().astype("Int64")


def parse_idade(values: pd.Series) -> pd.Series:
    """Rule Excel-date ages: a date ``1900-01-08`` is the serial number 8, i.e. 8 years."""
    as_dates = values.map(_excel_date_days, na_action="ignore")
    numbers, _ = parse_number(values.where(as_dates.isna()))
    return as_dates.astype("Float64").fillna(numbers.astype("Float64")).round().astype("Int64")


_PTBR_1900_DATE = re.compile(r"^\d{1,2}/\d{1,2}/1900(?: 00:00(?::00)?)?$")


def _excel_date_days(value: object) -> float | None:
    if isinstance(value, datetime | pd.Timestamp):
        stamp = pd.Timestamp(value)
    elif isinstance(value, str) and value.startswith("1900-"):
        stamp = pd.Timestamp(value)
    elif isinstance(value, str) and _PTBR_1900_DATE.match(value.strip()):
        stamp = pd.Timestamp(pd.to_datetime(value.strip(), dayfirst=True))
    else:
        return None
    return float((stamp.normalize() - EXCEL_EPOCH).days) if stamp.year == 1900 else None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)


def age_from_birth(birth: pd.Series, year: int) -> pd.Series:
    """Age in the PEDE year from a birth year (``2003``) or birth date (``6/17/2015`` or a date)."""
    numbers = pd.to_numeric(
        birth.where(birth.map(_is_number).astype(bool)),
        errors="coerce",
    )
    dates = pd.to_datetime(
        birth.where(numbers.isna()).astype("string"), errors="coerce", format="mixed"
    )
    birth_year = numbers.where(numbers > 1900).fillna(dates.dt.year)
    return (year - birth_year).round().astype("Int64")


def parse_genero(values: pd.Series) -> pd.Series:
    """Rule gênero: ``Menina``/``Feminino`` → F, ``Menino``/``Masculino`` → M."""
    return values.pipe(fold_values).map(GENERO_SPELLINGS).astype("string")


def normalise_pedra(values: pd.Series) -> pd.Series:
    """Rule pedra: ``Agata``→``Ágata``, ``INCLUIR``→null, case and spaces ignored."""
    return values.pipe(fold_values).map(PEDRA_SPELLINGS).astype("string")


def normalise_instituicao(values: pd.Series) -> pd.Series:
    """Rule instituição: the 12+ spellings fold into a small set of categories."""
    folded = values.pipe(fold_values).astype("string")
    result = pd.Series(pd.NA, index=values.index, dtype="string")
    for needle, category in reversed(INSTITUICAO_RULES):
        result = result.mask(folded.str.contains(needle, regex=False).fillna(False), category)
    return result.mask(folded.notna() & result.isna(), "outra")


_RA_TEXT = re.compile(r"^ra\s*-?\s*(\d+)$")


def normalise_ra(values: pd.Series) -> pd.Series:
    """Rule RA: always the string ``RA-<n>`` (``ra-12``, ``RA 12`` and a bare ``12`` included)."""
    text = values.map(
        lambda v: str(int(v)) if _is_number(v) and float(v).is_integer() else str(v),
        na_action="ignore",
    )
    folded = text.pipe(fold_values).astype("string")
    digits = folded.str.extract(_RA_TEXT, expand=False).fillna(
        folded.where(folded.str.fullmatch(r"\d+").fillna(False))
    )
    return ("RA-" + digits).astype("string")


def entry_year(values: pd.Series, year: int) -> pd.Series:
    """Rule ingresso: an entry year after the PEDE year is a typo; it is dropped, not the row."""
    entry = values.round().astype("Int64")
    return entry.where(entry <= year)


def clean_text(values: pd.Series) -> pd.Series:
    """Free text (turma, escola, nome) stripped; blanks are null."""
    text = per_distinct(values, lambda v: " ".join(str(v).split())).astype("string")
    return text.mask(text.eq(""))


# --- the sheet transform --------------------------------------------------------------------


def to_silver(bronze: pd.DataFrame, year: int, file_name: str, sheet: str) -> SilverResult:
    """Normalise one yearly sheet into the silver contract; unreadable rows are set aside."""
    headers = [h for h in bronze.columns if h not in c.BRONZE_LINEAGE]
    mapping = map_headers(headers, year)
    missing = [col for col in REQUIRED if mapping[col] is None]
    if missing:
        names = ", ".join(HEADER_CANDIDATES[col][0] for col in missing)
        raise InputFileError(
            f"A aba '{sheet}' do arquivo '{file_name}' não tem a(s) coluna(s) obrigatória(s) "
            f"{names}. Confira se é a planilha do PEDE e se o cabeçalho está na primeira linha."
        )

    def source(col: str) -> pd.Series:
        header = mapping[col]
        return (
            bronze[header]
            if header is not None
            else pd.Series(pd.NA, index=bronze.index, dtype="object")
        )

    problems: dict[str, pd.Series] = {}
    scores: dict[str, pd.Series] = {}
    for col in (*c.SCORES, c.DEFASAGEM, c.ANO_INGRESSO):
        numbers, unreadable = parse_number(source(col))
        _refuse_text_column(unreadable, source(col), mapping[col], file_name, sheet)
        problems[col] = unreadable
        scores[col] = clip_rounding_overshoot(numbers) if col in c.SCORES else numbers

    idade = parse_idade(source(c.IDADE))
    birth_header = _first_header(headers, (*BIRTH_YEAR_HEADERS, *BIRTH_DATE_HEADERS))
    if birth_header is not None:
        idade = idade.fillna(age_from_birth(bronze[birth_header], year))
    ano_ingresso = entry_year(scores[c.ANO_INGRESSO], year)
    defasagem_raw = scores[c.DEFASAGEM]

    frame = pd.DataFrame(
        {
            c.RA: normalise_ra(source(c.RA)),
            c.ANO: pd.Series(year, index=bronze.index, dtype="int64"),
            c.NOME: clean_text(source(c.NOME)),
            c.FASE: parse_fase(source(c.FASE)),
            c.TURMA: clean_text(source(c.TURMA)),
            c.IDADE: idade,
            c.GENERO: parse_genero(source(c.GENERO)),
            c.ANO_INGRESSO: ano_ingresso,
            c.ANOS_NA_INSTITUICAO: (year - ano_ingresso).astype("Int64"),
            c.INSTITUICAO: normalise_instituicao(source(c.INSTITUICAO)),
            c.ESCOLA: clean_text(source(c.ESCOLA)),
            c.PEDRA: normalise_pedra(source(c.PEDRA)),
            **{col: scores[col] for col in c.SCORES},
            c.DEFASAGEM: defasagem_raw.round().astype("Int64"),
            c.FASE_IDEAL: parse_fase_ideal(source(c.FASE_IDEAL)),
            c.SOURCE_HASH: bronze[c.SOURCE_HASH].astype("string"),
        },
        index=bronze.index,
    )
    reasons = _row_reasons(frame, source, problems, mapping, defasagem_raw)
    bad = reasons.notna()
    quarantine = pd.DataFrame(
        {
            "ano": year,
            "source_file": file_name,
            "source_sheet": sheet,
            "source_row": bronze.loc[bad, c.SOURCE_ROW].astype("int64"),
            "ra": frame.loc[bad, c.RA],
            "reason": reasons[bad],
        }
    ).reset_index(drop=True)
    ignored = [str(h) for h in headers if str(h) not in set(mapping.values())]
    return SilverResult(frame.loc[~bad].reset_index(drop=True), quarantine, mapping, ignored)


def _refuse_text_column(
    unreadable: pd.Series, values: pd.Series, header: str | None, file_name: str, sheet: str
) -> None:
    filled = int(values.notna().sum())
    if header is None or filled == 0:
        return
    if unreadable.sum() / filled > TEXT_COLUMN_SHARE:
        example = str(values[unreadable].iloc[0])[:30]
        problem = (
            f"A coluna '{header}' da aba '{sheet}' ({file_name}) tem texto onde deveriam estar "
            f"números ({int(unreadable.sum())} de {filled} células)"
        )
        raise InputFileError(
            f"{problem} (por exemplo '{example}'). Corrija a coluna na planilha e envie de novo.",
            summary=f"{problem}.",
        )


def _row_reasons(
    frame: pd.DataFrame,
    source: object,
    problems: Mapping[str, pd.Series],
    mapping: Mapping[str, str | None],
    defasagem_raw: pd.Series,
) -> pd.Series:
    """One sentence per broken row (several problems joined by '; '), null for good rows."""
    checks: list[tuple[pd.Series, str]] = [
        (frame[c.RA].isna(), "RA ausente ou fora do formato RA-<número>"),
        (frame[c.FASE].isna(), "Fase ausente ou ilegível"),
        (defasagem_raw.isna(), "Defasagem ausente ou ilegível"),
        (
            (defasagem_raw.notna() & (defasagem_raw != defasagem_raw.round())),
            "Defasagem não é um número inteiro",
        ),
    ]
    for col, unreadable in problems.items():
        checks.append((unreadable, f"{mapping[col]}: texto onde deveria haver número"))
    for col in c.SCORES:
        outside = (frame[col] < c.SCORE_MIN) | (frame[col] > c.SCORE_MAX)
        checks.append((outside.fillna(False), f"{mapping[col]} fora da escala 0–10"))
    fase_outside = (frame[c.FASE] < c.FASE_MIN) | (frame[c.FASE] > c.FASE_MAX)
    checks.append((fase_outside.fillna(False).astype(bool), "Fase fora do intervalo 0–9"))
    reasons = pd.Series(pd.NA, index=frame.index, dtype="string")
    for mask, text in checks:
        hit = mask.fillna(False).astype(bool)
        reasons = reasons.mask(hit & reasons.isna(), text).mask(
            hit & reasons.notna(), reasons + "; " + text
        )
    return reasons

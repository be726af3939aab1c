"""Pandera contracts of the silver and gold layers: every column, its type, range and values."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from pipeline import columns as c

IDADE_RANGE = (4, 40)
ANO_RANGE = (2000, 2100)
DEFASAGEM_RANGE = (-9, 9)
RA_PATTERN = r"^RA-\d+$"


def _score() -> pa.Column:
    return pa.Column("float64", pa.Check.in_range(c.SCORE_MIN, c.SCORE_MAX), nullable=True)


def _silver_columns() -> dict[str, pa.Column]:
    return {
        c.RA: pa.Column("string", pa.Check.str_matches(RA_PATTERN)),
        c.ANO: pa.Column("int64", pa.Check.in_range(*ANO_RANGE)),
        c.NOME: pa.Column("string", nullable=True),
        c.FASE: pa.Column("Int64", pa.Check.in_range(c.FASE_MIN, c.FASE_MAX)),
        c.TURMA: pa.Column("string", nullable=True),
        c.IDADE: pa.Column("Int64", pa.Check.in_range(*IDADE_RANGE), nullable=True),
        c.GENERO: pa.Column("string", pa.Check.isin(c.GENEROS), nullable=True),
        c.ANO_INGRESSO: pa.Column("Int64", pa.Check.in_range(*ANO_RANGE), nullable=True),
        c.ANOS_NA_INSTITUICAO: pa.Column("Int64", pa.Check.ge(0), nullable=True),
        c.INSTITUICAO: pa.Column("string", pa.Check.isin(c.INSTITUICOES), nullable=True),
        c.ESCOLA: pa.Column("string", nullable=True),
        c.PEDRA: pa.Column("string", pa.Check.isin(c.PEDRAS), nullable=True),
        **{col: _score() for col in c.SCORES},
        c.DEFASAGEM: pa.Column("Int64", pa.Check.in_range(*DEFASAGEM_RANGE)),
        c.FASE_IDEAL: pa.Column("Int64", pa.Check.in_range(c.FASE_MIN, c.FASE_MAX), nullable=True),
        c.SOURCE_HASH: pa.Column("string", pa.Check.str_length(64, 64)),
    }


SILVER_SCHEMA = pa.DataFrameSchema(
    _silver_columns(),
    unique=[c.RA, c.ANO],
    strict=True,
    ordered=True,
    name="silver_student_years",
)

GOLD_SCHEMA = pa.DataFrameSchema(
    {
        **_silver_columns(),
        c.CLASSE_ATUAL: pa.Column("string", pa.Check.isin(c.CLASSES)),
        c.DEFASAGEM_PROXIMO_ANO: pa.Column(
            "Int64", pa.Check.in_range(*DEFASAGEM_RANGE), nullable=True
        ),
        c.CLASSE_PROXIMO_ANO: pa.Column("string", pa.Check.isin(c.CLASSES), nullable=True),
        c.TRANSICAO_SUSPEITA: pa.Column("bool"),
    },
    unique=[c.RA, c.ANO],
    strict=True,
    ordered=True,
    name="gold_student_years",
)


def silver_violations(frame: pd.DataFrame) -> pd.Series:
    """Per-row reasons (index of ``frame``) for the rows that break the silver contract."""
    try:
        SILVER_SCHEMA.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        row_cases = cases[cases["index"].notna()]
        if len(row_cases) < len(cases):  # a column-level failure (type, missing column): a bug
            raise
        text = row_cases["column"].astype(str) + ": " + row_cases["check"].map(describe_check)
        grouped = text.groupby(row_cases["index"].astype("int64")).agg("; ".join)
        reasons: pd.Series = grouped.rename("reason")
        return reasons
    return pd.Series(dtype="string", name="reason")


def validate_gold(frame: pd.DataFrame) -> pd.DataFrame:
    """Raise if gold breaks its contract (it is built from valid silver, so this is a bug check)."""
    return GOLD_SCHEMA.validate(frame, lazy=True)


def describe_check(check: object) -> str:
    """A pandera check name in words a coordinator reads (``in_range(0, 10)`` → 0–10)."""
    text = str(check)
    name, _, args = text.partition("(")
    args = args.rstrip(")")
    if name == "in_range":
        low, _, high = args.partition(", ")
        return f"valor fora do intervalo {low}–{high}"
    if name == "isin":
        return "valor não permitido"
    if name == "str_matches":
        return "formato inválido"
    if name in {"not_nullable", "column_in_dataframe"}:
        return "valor ausente"
    if "unique" in name or "duplicate" in text:
        return "RA repetido no mesmo ano"
    return text

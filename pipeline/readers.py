"""Turn an uploaded file (name + bytes) into raw sheets, refusing what is not a PEDE spreadsheet.

Pure with respect to the file system: the bytes come in, DataFrames come out.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

import pandas as pd
from pandas.io.parsers import TextParser  # type: ignore[attr-defined]  # pandas-stubs omit it

from pipeline.errors import InputFileError
from pipeline.limits import ParseLimits, check_csv_shape, check_xlsx_archive
from pipeline.sheet_worker import read_grids
from pipeline.tables import TableLayout, locate_table

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EXTENSIONS = (".xlsx", ".xls", ".csv")
CSV_SEPARATOR = ";"


@dataclass(frozen=True)
class RawSheet:
    """One sheet as read, values untouched, with where it came from."""

    name: str
    frame: pd.DataFrame
    layout: TableLayout = field(default_factory=TableLayout)


def check_file_name(name: str) -> str:
    """The bare file name, refusing path components and unsupported extensions."""
    if not name or name != PurePosixPath(name).name or name != PureWindowsPath(name).name:
        raise InputFileError(
            f"Nome de arquivo inválido: '{name}'. Envie o arquivo pelo nome, sem pastas "
            "(por exemplo PEDE_2024.xlsx)."
        )
    if name.startswith("."):
        raise InputFileError(f"Nome de arquivo inválido: '{name}'. Renomeie o arquivo.")
    if not name.lower().endswith(EXTENSIONS):
        raise InputFileError(
            f"O arquivo '{name}' não é uma planilha aceita. Envie .xlsx, .xls ou .csv."
        )
    return name


def check_size(name: str, size: int, max_mb: int) -> None:
    """Refuse empty files and files above the configured limit."""
    if size == 0:
        raise InputFileError(f"O arquivo '{name}' está vazio (0 bytes). Envie a planilha completa.")
    if size > max_mb * 1024 * 1024:
        raise InputFileError(
            f"O arquivo '{name}' tem {size / 1024 / 1024:.1f} MB, acima do limite de {max_mb} MB. "
            "Remova abas que não são do PEDE ou divida o arquivo por ano."
        )


def read_sheets(name: str, content: bytes, limits: ParseLimits) -> list[RawSheet]:
    """Every non-empty sheet of an .xlsx/.xls/.csv file, with values as stored in the file.

    Limits are checked before parsing (archive and declared sizes) and the workbook is parsed
    in a separate process with memory and time limits (``pipeline.sheet_worker``).
    """
    lower = name.lower()
    if lower.endswith(".csv"):
        return [RawSheet(PurePosixPath(name).stem, read_csv(name, content, limits))]
    expected = XLSX_MAGIC if lower.endswith(".xlsx") else XLS_MAGIC
    if not content.startswith(expected):
        raise InputFileError(
            f"O arquivo '{name}' não é uma planilha Excel válida (o conteúdo não corresponde à "
            "extensão). Abra-o no Excel e salve de novo como .xlsx."
        )
    if lower.endswith(".xlsx"):
        check_xlsx_archive(name, content, limits)
    sheets = []
    for sheet, grid in read_grids(name, content, limits):
        frame, layout = sheet_frame(grid)
        frame = _drop_empty(frame)
        if not frame.empty:
            sheets.append(RawSheet(str(sheet), frame, layout))
    if not sheets:
        raise InputFileError(
            f"O arquivo '{name}' não tem dados: todas as abas estão vazias. "
            "Confira se enviou a planilha certa."
        )
    return sheets


def sheet_frame(grid: Sequence[Sequence[Any]]) -> tuple[pd.DataFrame, TableLayout]:
    """The sheet's table as pandas' Excel reader builds it (same value conversions and type
    inference), starting at the header found by content; the index keeps sheet positions."""
    header, layout = locate_table(grid)
    body = grid[layout.first_data_row : layout.end_row]
    if not header:
        return pd.DataFrame(), layout
    rows = [[_excel_value(v) for v in header], *([_excel_value(v) for v in r] for r in body)]
    frame = TextParser(rows, header=0, skip_blank_lines=False).read()
    # index + 2 is the sheet line (bronze's convention for a header on line 1)
    frame.index = pd.RangeIndex(layout.first_data_row - 1, layout.first_data_row - 1 + len(frame))
    return frame, layout


def _excel_value(value: Any) -> Any:
    """A calamine cell as pandas' calamine reader converts it (integral floats become int)."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, date):
        return pd.Timestamp(value)
    if isinstance(value, timedelta):
        return pd.Timedelta(value)
    return value


def read_csv(name: str, content: bytes, limits: ParseLimits) -> pd.DataFrame:
    """A pt-BR Excel CSV export: ';' separator, UTF-8 or Latin-1, comma decimals (kept as text)."""
    check_csv_shape(name, content, CSV_SEPARATOR, limits)
    text = _decode(name, content)
    first_line = text.split("\n", 1)[0]
    if CSV_SEPARATOR not in first_line:
        other = next((sep for sep in (",", "\t", "|") if sep in first_line), None)
        hint = f" (parece usar '{other}')" if other else ""
        raise InputFileError(
            f"O CSV '{name}' não usa ';' como separador{hint}. Exporte do Excel como "
            "'CSV (separado por ponto e vírgula)' e envie de novo."
        )
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=CSV_SEPARATOR, dtype=str, keep_default_na=True, quoting=0
        )
    except (pd.errors.ParserError, csv.Error) as exc:
        raise InputFileError(
            f"O CSV '{name}' está malformado ({_short(exc)}). Exporte de novo do Excel."
        ) from exc
    frame = _drop_empty(frame)
    if frame.empty:
        raise InputFileError(f"O CSV '{name}' não tem linhas de dados.")
    return frame


def _decode(name: str, content: bytes) -> str:
    if b"\x00" in content[:4096]:
        raise InputFileError(
            f"O CSV '{name}' está numa codificação não suportada (UTF-16?). "
            "Salve como 'CSV UTF-8' ou 'CSV (separado por ponto e vírgula)' e envie de novo."
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("latin-1")
        if re.search(r"[\x80-\x9f]", text):
            raise InputFileError(
                f"O CSV '{name}' não está em UTF-8 nem em Latin-1. "
                "Salve como 'CSV UTF-8' e envie de novo."
            ) from None
    return text.replace("\r\n", "\n")


def _drop_empty(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop rows and columns that are entirely empty (trailing formatting in Excel)."""
    frame = frame.dropna(how="all")
    unnamed = [c for c in frame.columns if str(c).startswith("Unnamed:") and frame[c].isna().all()]
    return frame.drop(columns=unnamed)


def _short(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:120]

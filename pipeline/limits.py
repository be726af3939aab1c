"""Size and shape limits checked before a spreadsheet is parsed, so a refusal costs little.

An .xlsx is a zip: its central directory tells each part's uncompressed size, and each sheet's
XML starts with ``<dimension ref="A1:BA1157"/>``; both are read without extracting anything.
A CSV's columns are counted on its first line and its rows by counting line breaks.
"""

from __future__ import annotations

import html
import re
import zipfile
from dataclasses import dataclass
from io import BytesIO
from typing import TYPE_CHECKING

from pipeline.errors import FileLimitError

if TYPE_CHECKING:  # the sheet reader's subprocess imports this module: keep it light
    from config import Settings

MB = 1024 * 1024
DIMENSION_HEAD_BYTES = 64 * 1024  # <dimension> comes right after the sheet's opening tags
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Za-z]+)?(\d+)?(?::([A-Za-z]+)(\d+))?"')
_WORKSHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$")
SMALL_PART_BYTES = 1024 * 1024  # workbook.xml and its relationships are a few KB
WORKBOOK_PART = "xl/workbook.xml"
WORKBOOK_RELS_PART = "xl/_rels/workbook.xml.rels"
_ELEMENT = re.compile(r"<(?:\w+:)?(?P<tag>sheet|Relationship)\s[^>]*>")
_ATTRIBUTE = re.compile(r'([\w:]+)="([^"]*)"')


@dataclass(frozen=True)
class ParseLimits:
    """The limits one file is read under (from settings; plain values so a subprocess gets them)."""

    max_uncompressed_bytes: int
    max_rows: int
    max_columns: int
    max_cells: int
    memory_bytes: int
    timeout_seconds: float

    @classmethod
    def from_settings(cls, settings: Settings) -> ParseLimits:
        return cls(
            settings.max_uncompressed_mb * MB,
            settings.max_sheet_rows,
            settings.max_sheet_columns,
            settings.max_sheet_cells,
            settings.parse_memory_mb * MB,
            settings.parse_timeout_seconds,
        )


def column_number(letters: str) -> int:
    """``A`` → 1, ``Z`` → 26, ``AA`` → 27, ``XFD`` → 16384."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def check_shape(name: str, sheet: str, rows: int, columns: int, limits: ParseLimits) -> None:
    """Refuse a sheet with more rows, columns or cells than the limits allow."""
    too_big = (
        (rows > limits.max_rows, f"{rows} linhas (limite {limits.max_rows})"),
        (columns > limits.max_columns, f"{columns} colunas (limite {limits.max_columns})"),
        (
            rows * columns > limits.max_cells,
            f"{rows * columns} células (limite {limits.max_cells})",
        ),
    )
    reason = next((text for over, text in too_big if over), None)
    if reason:
        raise FileLimitError(
            f"A aba '{sheet}' do arquivo '{name}' ocupa {reason}: grande demais para uma planilha "
            "do PEDE. Apague linhas e colunas fora da tabela (ou formatação até o fim da folha) "
            "e envie de novo."
        )


def check_xlsx_archive(name: str, content: bytes, limits: ParseLimits) -> None:
    """Uncompressed size and every sheet's declared dimension, without extracting the sheets."""
    try:
        with zipfile.ZipFile(BytesIO(content)) as archive:
            parts = archive.infolist()
            total = sum(part.file_size for part in parts)
            if total > limits.max_uncompressed_bytes:
                raise FileLimitError(
                    f"O arquivo '{name}' ocupa {total / MB:.0f} MB quando descompactado, acima do "
                    f"limite de {limits.max_uncompressed_bytes / MB:.0f} MB. Copie só a tabela do "
                    "PEDE para uma planilha nova e envie de novo."
                )
            names = sheet_names(archive)
            for part in parts:
                if _WORKSHEET.match(part.filename):
                    with archive.open(part) as stream:
                        head = stream.read(DIMENSION_HEAD_BYTES)
                    rows, columns = declared_dimension(head)
                    label = names.get(part.filename, sheet_label(part.filename))
                    check_shape(name, label, rows, columns, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise FileLimitError(
            f"Não foi possível ler o arquivo '{name}': ele parece corrompido ou incompleto. "
            "Abra-o no Excel, salve de novo e envie outra vez."
        ) from exc


def declared_dimension(head: bytes) -> tuple[int, int]:
    """(rows, columns) of a sheet's ``<dimension>``; (0, 0) when absent (the reader's limits
    still apply)."""
    match = _DIMENSION.search(head)
    if not match:
        return 0, 0
    first_col, first_row, last_col, last_row = match.groups()
    last_col = last_col or first_col
    last_row = last_row or first_row
    rows = int(last_row.decode()) if last_row else 0
    columns = column_number(last_col.decode()) if last_col else 0
    return rows, columns


def sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part → the sheet name users see (from workbook.xml and its relationships)."""
    workbook, rels = (_head(archive, part) for part in (WORKBOOK_PART, WORKBOOK_RELS_PART))
    targets = {}
    for element in _ELEMENT.finditer(rels):
        attrs = dict(_ATTRIBUTE.findall(element[0]))
        if element["tag"] == "Relationship" and "Id" in attrs and "Target" in attrs:
            targets[attrs["Id"]] = "xl/" + attrs["Target"].removeprefix("/xl/").lstrip("/")
    names = {}
    for element in _ELEMENT.finditer(workbook):
        attrs = dict(_ATTRIBUTE.findall(element[0]))
        if element["tag"] == "sheet" and attrs.get("r:id") in targets and "name" in attrs:
            names[targets[attrs["r:id"]]] = html.unescape(attrs["name"])
    return names


def _head(archive: zipfile.ZipFile, part: str) -> str:
    try:
        with archive.open(part) as stream:
            return stream.read(SMALL_PART_BYTES).decode("utf-8", "replace")
    except KeyError:
        return ""


def sheet_label(part_name: str) -> str:
    """``xl/worksheets/sheet2.xml`` → ``sheet2`` (the name users see comes from workbook.xml)."""
    return part_name.rsplit("/", 1)[-1].removesuffix(".xml")


def check_csv_shape(name: str, content: bytes, separator: str, limits: ParseLimits) -> None:
    """Columns on the first line and the number of lines, before pandas parses anything."""
    first_line = content.split(b"\n", 1)[0]
    columns = first_line.count(separator.encode()) + 1
    rows = content.count(b"\n")
    check_shape(name, name, rows, columns, limits)

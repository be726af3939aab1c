"""Fast XLSX and pt-BR CSV writers for the synthetic sheets: a million rows in seconds."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from synthetic.arrays import (
    BoolArray,
    FloatArray,
    IntArray,
    ObjArray,
)
from synthetic.layouts import (
    WRITTEN_HEADER,
    sheet_name,
)

# A minimal SpreadsheetML package streamed chunk by chunk: cell XML is built column-wise with
# numpy, so a million rows take seconds instead of the minutes a cell-by-cell writer needs.

XLSX_MAX_ROWS: Final = 1_048_576  # rows of one .xlsx sheet, header included
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

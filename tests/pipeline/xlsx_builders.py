"""Hostile .xlsx files written by hand (a zip of a few XML parts), small on disk."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="PEDE2024" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_OPEN = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def cell(ref: str, value: str | float) -> str:
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def xlsx(rows: Iterable[str], dimension: str | None = None) -> bytes:
    """A one-sheet workbook whose sheet data is ``rows`` (``<row>`` elements, streamed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(SHEET_OPEN.encode())
            if dimension:
                sheet.write(f'<dimension ref="{dimension}"/>'.encode())
            sheet.write(b"<sheetData>")
            for row in rows:
                sheet.write(row.encode())
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def killer_workbook(declare: bool = True) -> bytes:
    """One normal cell and one at XFD1048576: a dense reader allocates 512 GB for it.

    ``declare=False`` writes a lying ``<dimension ref="A1"/>``, so only the reader's memory
    limit can stop it."""
    rows = [
        f'<row r="1">{cell("A1", "RA")}</row>',
        f'<row r="1048576">{cell("XFD1048576", 1)}</row>',
    ]
    return xlsx(rows, "A1:XFD1048576" if declare else "A1")


def bomb_workbook(megabytes: int) -> bytes:
    """A sheet whose XML is ``megabytes`` MB of repeated rows: a few hundred KB zipped."""
    row = "<row>" + "<c><v>1</v></c>" * 10 + "</row>"  # cells without refs: still valid
    chunk = row * 10_000
    return xlsx(chunk for _ in range(megabytes * 1024 * 1024 // len(chunk)))


def long_workbook(rows: int) -> bytes:
    """Many short rows and no ``<dimension>``: only the row count can refuse it."""
    header = f'<row r="1">{cell("A1", "RA")}{cell("B1", "Fase")}{cell("C1", "Defasagem")}</row>'
    body = (f'<row r="{i}">{cell(f"A{i}", f"RA-{i}")}</row>' for i in range(2, rows + 2))
    return xlsx([header, *body])

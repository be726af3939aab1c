"""Spreadsheets made by hand (issue #9, item 8): the table is found by its content, every shape
loads the same students as the plain layout, and the plan says what was skipped."""

from __future__ import annotations

import io
from collections.abc import Callable

import pandas as pd
import pytest
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from config import Settings
from pipeline import columns as c
from pipeline.ingest import FilePlan, SheetPlan, Upload, plan_upload
from pipeline.tables import TableLayout, locate_table
from tests.conftest import sheet_2023

SHEET = "PEDE2023"


def students() -> pd.DataFrame:
    return sheet_2023(40)


def write_table(ws: Worksheet, frame: pd.DataFrame, top: int, left: int) -> None:
    """The frame's header on sheet line ``top`` (1-based) and its rows below, from ``left``."""
    for j, name in enumerate(frame.columns):
        ws.cell(row=top, column=left + j, value=name)
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        for j, value in enumerate(row):
            ws.cell(row=top + i, column=left + j, value=None if pd.isna(value) else value)


def to_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def plan_of(content: bytes, settings: Settings) -> SheetPlan:
    plan: FilePlan = plan_upload(Upload("PEDE_2023.xlsx", content), settings)
    assert len(plan.sheets) == 1
    return plan.sheets[0]


@pytest.fixture
def plain(settings: Settings, workbook: Callable[..., bytes]) -> SheetPlan:
    return plan_of(workbook({SHEET: students()}), settings)


def assert_same_students(sheet: SheetPlan, plain: SheetPlan) -> None:
    columns = [col for col in plain.silver.columns if col != c.SOURCE_HASH]
    pd.testing.assert_frame_equal(
        sheet.silver[columns].reset_index(drop=True), plain.silver[columns].reset_index(drop=True)
    )
    assert sheet.quarantine.empty


def test_plain_layout_skips_nothing(plain: SheetPlan) -> None:
    assert plain.layout == TableLayout(end_row=41)
    assert not plain.layout.skipped_anything


def test_title_and_blank_lines_above_the_header(settings: Settings, plain: SheetPlan) -> None:
    book = Workbook()
    ws = book.active
    ws.title = SHEET
    ws["A1"] = "Passos Mágicos — PEDE 2023"
    ws["A2"] = "Planilha preparada pela coordenação"
    write_table(ws, students(), top=5, left=1)
    sheet = plan_of(to_bytes(book), settings)
    assert_same_students(sheet, plain)
    assert sheet.layout.rows_above == 4 and sheet.layout.header_rows == (4,)
    # the lines the user sees in Excel are kept for the quarantine and lineage
    assert sheet.bronze[c.SOURCE_ROW].tolist()[:2] == [6, 7]


def test_notes_and_totals_below_the_table(settings: Settings, plain: SheetPlan) -> None:
    book = Workbook()
    ws = book.active
    ws.title = SHEET
    frame = students()
    write_table(ws, frame, top=1, left=1)
    last = len(frame) + 1
    ws.cell(row=last + 1, column=1, value="Total")
    ws.cell(row=last + 1, column=frame.columns.get_loc("IPV") + 1, value=288.0)
    ws.cell(row=last + 3, column=1, value="Obs.: notas revisadas em março.")
    ws.cell(row=last + 4, column=2, value="Fonte: secretaria")
    sheet = plan_of(to_bytes(book), settings)
    assert_same_students(sheet, plain)
    assert sheet.layout.rows_below == 3 and sheet.layout.rows_above == 0


def test_empty_first_column(settings: Settings, plain: SheetPlan) -> None:
    book = Workbook()
    ws = book.active
    ws.title = SHEET
    write_table(ws, students(), top=2, left=2)
    sheet = plan_of(to_bytes(book), settings)
    assert_same_students(sheet, plain)
    assert sheet.layout.empty_columns == ["A"]
    assert sheet.layout.rows_above == 1
    assert not any(h.startswith("Unnamed") for h in sheet.ignored_headers)


def test_hidden_columns_are_read_like_any_other(settings: Settings, plain: SheetPlan) -> None:
    book = Workbook()
    ws = book.active
    ws.title = SHEET
    frame = students()
    frame.insert(1, "Conferido por", "coord")
    write_table(ws, frame, top=1, left=1)
    ws.column_dimensions["B"].hidden = True  # a helper column
    ws.column_dimensions["C"].hidden = True  # "Fase": hidden, still data
    sheet = plan_of(to_bytes(book), settings)
    assert_same_students(sheet, plain)
    assert "Conferido por" in sheet.ignored_headers


def test_header_split_over_two_rows(settings: Settings, plain: SheetPlan) -> None:
    frame = students()
    book = Workbook()
    ws = book.active
    ws.title = SHEET
    ws["A1"] = "Relatório PEDE 2023"
    write_table(ws, frame, top=3, left=1)
    # "Nota" over "Mat" / "Por" / "Ing": the group label on line 3, the names on line 4
    grades = [frame.columns.get_loc(name) + 1 for name in ("Mat", "Por", "Ing")]
    ws.insert_rows(4)
    for column in range(1, len(frame.columns) + 1):
        if column in grades:
            ws.cell(row=4, column=column, value=ws.cell(row=3, column=column).value)
            ws.cell(row=3, column=column, value="Nota" if column == grades[0] else None)
    ws.merge_cells(start_row=3, start_column=grades[0], end_row=3, end_column=grades[-1])
    sheet = plan_of(to_bytes(book), settings)
    assert_same_students(sheet, plain)
    assert sheet.layout.header_rows == (2, 3) and sheet.layout.split_header
    assert sheet.mapping[c.MAT] == "Mat" and sheet.mapping[c.POR] == "Por"


def test_every_shape_at_once(settings: Settings, plain: SheetPlan) -> None:
    book = Workbook()
    ws = book.active
    ws.title = SHEET
    ws["B1"] = "PEDE 2023 — turma da manhã"
    frame = students()
    write_table(ws, frame, top=3, left=2)
    ws.cell(row=len(frame) + 5, column=2, value="Total de alunos: 40")
    sheet = plan_of(to_bytes(book), settings)
    assert_same_students(sheet, plain)
    layout = sheet.layout
    assert (layout.rows_above, layout.rows_below, layout.empty_columns) == (2, 1, ["A"])


def test_a_student_row_is_never_taken_for_a_footer() -> None:
    grid = [["RA", "Fase", "Defasagem"], ["RA-1", "FASE 1", 0], ["RA-2", "", ""]]
    _header, layout = locate_table(grid)
    assert layout.end_row == 3 and layout.rows_below == 0

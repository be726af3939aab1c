"""Dados: a much smaller new year loads only once confirmed; the preview says what was left out
around the table of a hand-made sheet."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from openpyxl import Workbook
from streamlit.testing.v1 import AppTest

from config import Settings
from cycle import finish as finishing
from dashboard import data
from dashboard.upload_notes import layout_line
from pipeline.ingest import ingest
from pipeline.plan import Upload
from pipeline.state import load_state
from pipeline.tables import TableLayout
from tests.conftest import sheet_2023, to_xlsx
from tests.dashboard.conftest import assert_clean, open_page
from tests.pipeline.test_hand_made import to_bytes, write_table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _fresh_previews() -> Iterator[None]:
    data.preview.clear()
    yield
    assert finishing.wait_background(timeout=120)


def _process_button(at: AppTest) -> object:
    return next(b for b in at.button if b.key == "dados_process")


def test_a_small_new_year_waits_for_confirmation_then_loads(
    empty: Settings, app: Callable[..., AppTest]
) -> None:
    ingest([Upload("PEDE_2023.xlsx", to_xlsx({"PEDE2023": sheet_2023(60)}))], empty)
    at = app("admin")
    open_page(at, "dados")
    at.file_uploader[0].upload("PEDE_2024.xlsx", to_xlsx({"PEDE2024": sheet_2023(20, 500)}), XLSX)
    at.run()
    assert_clean(at)
    warning = next(w.value for w in at.warning if "2024" in w.value and "20 aluno" in w.value)
    assert "60 em 2023" in warning
    assert _process_button(at).disabled  # type: ignore[attr-defined]
    assert load_state(empty).loaded_years == {2023}

    next(c for c in at.checkbox if c.key == "dados_small_year").check().run()
    assert not _process_button(at).disabled  # type: ignore[attr-defined]
    _process_button(at).click().run()  # type: ignore[attr-defined]
    assert_clean(at)
    assert not at.error, [e.value for e in at.error]
    assert load_state(empty).loaded_years == {2023, 2024}


def test_a_year_of_normal_size_needs_no_confirmation(
    empty: Settings, app: Callable[..., AppTest]
) -> None:
    ingest([Upload("PEDE_2023.xlsx", to_xlsx({"PEDE2023": sheet_2023(60)}))], empty)
    at = app("admin")
    open_page(at, "dados")
    at.file_uploader[0].upload("PEDE_2024.xlsx", to_xlsx({"PEDE2024": sheet_2023(58, 500)}), XLSX)
    at.run()
    assert not any(c.key == "dados_small_year" for c in at.checkbox)
    assert not _process_button(at).disabled  # type: ignore[attr-defined]


def test_preview_says_what_was_left_out_of_a_hand_made_sheet(
    empty: Settings, app: Callable[..., AppTest]
) -> None:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "PEDE2023"
    ws["A1"] = "Passos Mágicos — PEDE 2023"
    write_table(ws, sheet_2023(40), top=3, left=1)
    ws.cell(row=3 + 41 + 1, column=1, value="Total: 40 alunos")
    at = app("coordenador")
    open_page(at, "dados")
    at.file_uploader[0].upload("PEDE_2023.xlsx", to_bytes(book), XLSX)
    at.run()
    assert_clean(at)
    captions = [c.value for c in at.caption if c.value.startswith("Deixado de fora")]
    assert captions == [
        "Deixado de fora: 2 linha(s) acima do cabeçalho (títulos, linhas em branco); "
        "1 linha(s) abaixo da tabela (notas, totais)."
    ]


def test_a_plain_sheet_has_no_left_out_line() -> None:
    assert layout_line(TableLayout(end_row=41)) == ""


def test_left_out_line_names_a_split_header_and_empty_columns() -> None:
    line = layout_line(TableLayout(header_rows=(0, 1), first_data_row=2, empty_columns=["A", "D"]))
    assert line == (
        "Deixado de fora: cabeçalho em 2 linhas, juntado em um só; colunas vazias A, D."
    )

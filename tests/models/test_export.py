"""Risk-list export: header block, formula injection neutralised, unwritable path."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from models.errors import ExportFormatError, ExportPathError
from models.export import RiskListMeta, neutralise, risk_list_bytes, write_export

META = RiskListMeta(
    model_version="7",
    data_year=2024,
    scored_at=datetime(2025, 1, 2, 3, 4, tzinfo=UTC),
    exported_at=datetime(2025, 1, 3, tzinfo=UTC),
    classes=("critical", "alert"),
    top=2,
)


def _rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "model_version": ["7", "7"],
            "ra": ["RA-1", "RA-2"],
            "ano": [2024, 2024],
            "nome": ["=cmd|' /C calc'!A0", "@SUM(1+1)"],
            "fase": pd.array([3, None], dtype="Int64"),
            "turma": ["+3A", "-2B"],
            "p_critical": [0.7, 0.2],
            "p_alert": [0.2, 0.5],
            "p_expected": [0.1, 0.3],
            "classe": ["critical", "alert"],
            "risk_score": [0.9, 0.7],
            "rank": [1, 2],
            "reasons": [["IEG 4.1, abaixo da média da fase (6.8)", "b", "c"], ["-x", "y", "z"]],
        }
    )


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@x", "\tx"])
def test_neutralise_prefixes_formula_starts(value: str) -> None:
    assert neutralise(value) == "'" + value
    assert neutralise("IEG 4.1") == "IEG 4.1" and neutralise(-1) == -1


def test_csv_has_header_block_and_no_live_formula() -> None:
    text = risk_list_bytes(_rows(), META, "csv").decode("utf-8-sig")
    assert "Versão do modelo;7" in text and "Ano dos dados;2024" in text
    assert "02/01/2025 03:04" in text
    cells = [cell for line in text.splitlines() for cell in line.split(";")]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert "'=cmd|' /C calc'!A0" in text and "'+3A" in text and "'-x" in text


def test_xlsx_cells_are_text_never_formulas() -> None:
    book = load_workbook(io.BytesIO(risk_list_bytes(_rows(), META, "xlsx")))
    sheet = book.active
    assert sheet is not None
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "7" in values and "2024" in values
    strings = [v for v in values if isinstance(v, str)]
    assert not any(v.startswith(("=", "+", "-", "@")) for v in strings)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_unknown_format() -> None:
    with pytest.raises(ExportFormatError):
        risk_list_bytes(_rows(), META, "pdf")


def test_unwritable_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ExportPathError, match="Não foi possível gravar"):
        write_export(tmp_path / "no" / "such" / "dir" / "lista.csv", b"x")
    with pytest.raises(ExportPathError):
        write_export(tmp_path, b"x")
    assert write_export(tmp_path / "ok.csv", b"x").read_bytes() == b"x"

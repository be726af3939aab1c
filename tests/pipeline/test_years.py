from __future__ import annotations

import pytest

from pipeline.years import detect_year, year_from_headers, year_from_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PEDE2022", 2022),
        ("PEDE 2023", 2023),
        ("PEDE_2024.xlsx", 2024),
        ("Planilha1", None),
        ("PEDE_2022-24.xlsx", None),
        ("2022 e 2023", None),
    ],
)
def test_year_from_text(text: str, expected: int | None) -> None:
    assert year_from_text(text) == expected


def test_headers_give_the_latest_year_not_the_history_columns() -> None:
    assert year_from_headers(["RA", "INDE 22", "Pedra 21", "INDE 2023", "Pedra 2023"]) == 2023
    assert year_from_headers(["RA", "Pedra 20", "Pedra 21", "Pedra 22", "INDE 22"]) == 2022
    assert year_from_headers(["RA", "IEG"]) is None


def test_sheet_name_then_file_name_then_headers() -> None:
    assert detect_year("PEDE2024", "PEDE_2023.xlsx", ["INDE 2022"], 1) == 2024
    assert detect_year("Planilha1", "PEDE_2023.xlsx", ["INDE 2022"], 1) == 2023
    # a workbook with several sheets does not lend its file name's year to each sheet
    assert detect_year("Planilha1", "PEDE_2023.xlsx", ["INDE 2022"], 2) == 2022
    assert detect_year("Planilha1", "dados.xlsx", ["RA", "IEG"], 1) is None

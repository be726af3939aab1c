"""On the real workbook: `passos risk-list --ano 2024` is the same list before and after
PEDE_2025.xlsx (a near-copy of 2024) is processed and scored (skipped without the data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.main import main
from config import Settings
from tests.conftest import REAL_COPY_2025, REAL_WORKBOOK, needs_real_data

PEDE_2025 = REAL_COPY_2025


def _without_export_time(path: Path) -> list[str]:
    """The file's lines but the one that says when it was exported."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    return [line for line in lines if not line.startswith("Exportado em;")]


@pytest.mark.real_data
@pytest.mark.slow
@needs_real_data
@pytest.mark.skipif(not PEDE_2025.exists(), reason="PEDE_2025.xlsx not available")
def test_risk_list_2024_is_unchanged_by_2025(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest", "--defer", str(REAL_WORKBOOK)]) == 0
    assert main(["train", "--preset", "logistic_regression"]) == 0
    assert main(["promote", "1", "--reason", "teste com dados reais", "--user", "ci"]) == 0
    before = tmp_path / "antes.csv"
    assert main(["risk-list", "--ano", "2024", "--format", "csv", "--out", str(before)]) == 0
    assert main(["ingest", "--defer", str(PEDE_2025)]) == 0
    assert main(["score"]) == 0
    capsys.readouterr()
    after = tmp_path / "depois.csv"
    assert main(["risk-list", "--ano", "2024", "--format", "csv", "--out", str(after)]) == 0
    assert _without_export_time(after) == _without_export_time(before)
    latest = tmp_path / "2025.csv"
    assert main(["risk-list", "--format", "csv", "--out", str(latest)]) == 0
    text = latest.read_text(encoding="utf-8-sig")
    assert "Ano dos dados;2025" in text and "AVISO" in text  # the copy year says so
    assert main(["follow-up", "--ano", "2024", "--json"]) == 0

"""``passos erase`` / ``export-student`` / ``retention apply`` from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.main import main
from config import Settings
from cycle import privacy
from dashboard import audit
from tests.conftest import sheet_2023
from tests.cycle.test_privacy import traces


def test_erase_a_student_loaded_from_a_csv(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "PEDE_2023.csv"
    sheet_2023(30).to_csv(source, sep=";", index=False)
    assert main(["ingest", str(source), "--defer"]) == 0
    assert main(["risk-list", "--out", str(tmp_path / "l.csv")]) == 1  # no model yet
    out = tmp_path / "aluno.json"
    assert main(["export-student", "RA-3", "--out", str(out), "--user", "sec"]) == 0
    assert '"Aluno-3"' in out.read_text(encoding="utf-8")
    capsys.readouterr()

    assert main(["erase", "RA-3", "--reason", "pedido da família", "--user", "sec"]) == 0
    assert "Aluno apagado" in capsys.readouterr().out
    assert traces(settings.data_dir, "RA-3", "Aluno-3") == []
    assert traces(settings.data_dir, "RA-30")  # the others stay
    assert main(["erase", "RA-3", "--reason", "de novo"]) == 1
    assert "Nenhum dado deste RA" in capsys.readouterr().err
    log = audit.entries(settings)
    assert log["action"].tolist() == [privacy.ERASE, privacy.EXPORT_STUDENT]
    # the access-log entry stays (someone exported a student's data) without naming them
    assert log["detail"].iloc[1]["ra"] == privacy.ERASED


def test_retention_dry_run_reports_and_removes_nothing(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    audit.record(settings, "coord", privacy.VIEW_STUDENT, ra="RA-1")
    assert main(["retention", "apply", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "seriam removidos" in out and "365 dias" in out
    assert len(audit.entries(settings)) == 1

"""The ``passos`` command line: exit codes and one-line reasons, no traceback unless --debug."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cli.main import main
from config import Settings
from tests.conftest import sheet_2023, to_xlsx


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_ingest_prints_summary_and_exits_zero(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "PEDE_2023.xlsx", to_xlsx({"PEDE2023": sheet_2023(30)}))
    assert main(["ingest", str(path), "--defer"]) == 0
    out = capsys.readouterr().out
    assert "2023: 30 linhas lidas, 30 na camada silver, 0 em quarentena." in out
    assert main(["ingest", str(path), "--defer"]) == 0
    assert "já foi carregado antes" in capsys.readouterr().out


def test_bad_file_exits_non_zero_with_one_line_and_no_traceback(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "PEDE_2024.xlsx", b"%PDF-1.4 not a workbook")
    assert main(["ingest", str(path)]) == 1
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("passos:")]
    assert len(lines) == 1 and "não é uma planilha Excel válida" in lines[0]
    assert "Traceback" not in err


def test_debug_shows_the_exception(settings: Settings, tmp_path: Path) -> None:
    path = write(tmp_path, "PEDE_2024.xlsx", b"%PDF-1.4 not a workbook")
    with pytest.raises(Exception, match="não é uma planilha Excel válida"):
        main(["--debug", "ingest", str(path)])


def test_year_must_be_given_when_undetectable(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = sheet_2023(20).drop(columns=["INDE 2023", "Pedra 2023", "INDE 22"])
    path = write(tmp_path, "dados.xlsx", to_xlsx({"Planilha1": sheet}))
    assert main(["ingest", str(path), "--defer"]) == 1
    assert "--year AAAA" in capsys.readouterr().err
    assert main(["ingest", str(path), "--year", "2023", "--defer"]) == 0


def test_replace_flag_is_required_for_a_loaded_year(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = write(tmp_path, "PEDE_2023.xlsx", to_xlsx({"PEDE2023": sheet_2023(30)}))
    second = write(tmp_path, "PEDE_2023_b.xlsx", to_xlsx({"PEDE2023": sheet_2023(31)}))
    assert main(["ingest", str(first), "--defer"]) == 0
    assert main(["ingest", str(second), "--defer"]) == 1
    assert "use --replace" in capsys.readouterr().err
    assert main(["ingest", str(second), "--replace", "--defer"]) == 0


def test_status_json(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "PEDE_2023.xlsx", to_xlsx({"PEDE2023": sheet_2023(30)}))
    main(["ingest", str(path), "--defer"])
    capsys.readouterr()
    assert main(["pipeline", "status", "--json"]) == 0
    assert '"years": [\n  2023\n ]' in capsys.readouterr().out


def test_demo_data_rejects_bad_years(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo-data", "--years", "abc", "--out", str(tmp_path)]) == 1
    assert "Anos inválidos" in capsys.readouterr().err


def test_installed_entry_point_answers_help() -> None:
    executable = shutil.which("passos", path=str(Path(sys.executable).parent))
    assert executable is not None, "the project must install the 'passos' command"
    done = subprocess.run(
        [executable, "--help"], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0
    for command in ("ingest", "demo-data", "pipeline"):
        assert command in done.stdout


@pytest.mark.slow
def test_demo_without_serving_builds_the_whole_product(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """`make run`'s main job, short of serving: data, pipeline, first model, a scored list."""
    from models.predictions import production_version, read_predictions

    assert main(["demo", "--no-serve", "--students", "900"]) == 0
    out = capsys.readouterr().out
    assert "(sintéticos)" in out and "promovida" in out
    version = production_version(settings)
    assert version is not None
    listed = read_predictions(settings)
    assert len(listed) > 0 and set(listed["model_version"]) == {version}

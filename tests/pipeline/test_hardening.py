"""Hostile files and crashes (issue #14): no file can take the process down, every refusal is
bounded, implausible or tiny years need a decision, and a killed run leaves nothing behind."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from cli.main import main
from config import Settings
from pipeline import columns as c
from pipeline import publish
from pipeline.bronze import to_bronze
from pipeline.drift import SOURCE_EARLIER, DriftLimits, Reference, compute_drift
from pipeline.errors import (
    FileLimitError,
    InputFileError,
    SmallYearError,
    YearOutOfRangeError,
)
from pipeline.ingest import Upload, ingest, plan_upload
from pipeline.state import gold_path, silver_path, unfinished_runs
from pipeline.status import pipeline_status
from pipeline.store import engine_for, pipeline_runs
from tests.conftest import sheet_2023
from tests.pipeline.test_bad_input import snapshot
from tests.pipeline.xlsx_builders import bomb_workbook, killer_workbook, long_workbook

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def published(settings: Settings, workbook: Callable[..., bytes]) -> dict[str, str]:
    """2022 and 2023 published (60 students each)."""
    sheets = {"PEDE2022": sheet_2023(60), "PEDE2023": sheet_2023(60, 20)}
    ingest([Upload("PEDE_2022-23.xlsx", workbook(sheets))], settings)
    return snapshot(settings)


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        timeout=300,
        check=False,
    )


# --- #14.1: the 5 KB workbook that aborted the process ---------------------------------------


def test_cli_survives_the_killer_workbook(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "PEDE_2024.xlsx"
    path.write_bytes(killer_workbook(declare=True))
    done = run_python(
        f"import sys; from cli.main import main; sys.exit(main(['ingest', {str(path)!r}]))",
        {"PASSOS_DATA_DIR": str(settings.data_dir)},
    )
    assert done.returncode == 1, done.stderr[-2000:]  # a refusal, not SIGABRT (-6)
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("passos: erro:") and "colunas" in last


def test_killer_workbook_refused_before_parsing(
    settings: Settings, published: dict[str, str]
) -> None:
    with pytest.raises(FileLimitError, match="1048576 linhas"):
        plan_upload(Upload("PEDE_2024.xlsx", killer_workbook(declare=True)), settings)
    assert snapshot(settings) == published


def test_lying_dimension_is_stopped_by_the_readers_memory_limit(
    settings: Settings, published: dict[str, str]
) -> None:
    """The declared size says A1; only the separate reader's memory limit saves the process."""
    with pytest.raises(FileLimitError, match="limite de memória"):
        ingest([Upload("PEDE_2024.xlsx", killer_workbook(declare=False))], settings)
    assert snapshot(settings) == published


def test_the_readers_memory_is_bounded_by_the_setting(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 30 MB sheet under every shape limit still cannot make the reader use more than its
    memory budget."""
    monkeypatch.setenv("PASSOS_PARSE_MEMORY_MB", "64")
    monkeypatch.setenv("PASSOS_MAX_SHEET_ROWS", "1000000")
    with pytest.raises(FileLimitError, match="limite de memória \\(64 MB\\)"):
        plan_upload(Upload("PEDE_2024.xlsx", bomb_workbook(30)), Settings())


# --- #14.2: bombs and giant shapes ----------------------------------------------------------


def test_bomb_refusal_is_bounded_in_memory(settings: Settings, tmp_path: Path) -> None:
    """A 120 MB sheet XML (a few hundred KB zipped) is refused from the zip directory alone."""
    path = tmp_path / "PEDE_2024.xlsx"
    path.write_bytes(bomb_workbook(120))
    assert path.stat().st_size < 2 * 1024 * 1024
    done = run_python(
        f"""
        import resource, sys
        from pathlib import Path
        from config import Settings
        from pipeline.errors import FileLimitError
        from pipeline.ingest import Upload, plan_upload
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            plan_upload(Upload.from_path(Path({str(path)!r})), Settings())
        except FileLimitError as exc:
            print(str(exc))
        peak = max(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        )
        print((peak - base) // 1024)
        """,
        {"PASSOS_DATA_DIR": str(settings.data_dir), "PASSOS_MAX_UNCOMPRESSED_MB": "100"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    message, growth_mb = done.stdout.strip().splitlines()[-2:]
    assert "descompactado" in message and "limite de 100 MB" in message
    assert int(growth_mb) < 50  # MB above the interpreter with pandas loaded


def test_too_many_rows_without_a_declared_size(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PASSOS_MAX_SHEET_ROWS", "5000")
    with pytest.raises(FileLimitError, match="linhas"):
        plan_upload(Upload("PEDE_2024.xlsx", long_workbook(6000)), Settings())


def test_csv_with_200k_columns_refused_before_parsing(settings: Settings) -> None:
    content = (";".join(f"c{i}" for i in range(200_000)) + "\n" + ";" * 199_999 + "\n").encode()
    with pytest.raises(FileLimitError, match="200000 colunas"):
        plan_upload(Upload("PEDE_2024.csv", content), settings)


def test_bronze_is_built_in_one_step(monkeypatch: pytest.MonkeyPatch) -> None:
    """Column-by-column assignment was quadratic (200k columns ran for minutes)."""
    raw = pd.DataFrame({f"c{i}": ["a", 1, None] for i in range(50)})
    assignments = []
    setitem = pd.DataFrame.__setitem__

    def counted(frame: pd.DataFrame, key: object, value: object) -> None:
        assignments.append(key)
        setitem(frame, key, value)

    monkeypatch.setattr(pd.DataFrame, "__setitem__", counted)
    bronze = to_bronze(raw, "f.xlsx", "s", "h", pd.Timestamp("2024-01-01").to_pydatetime())
    assert len(assignments) <= len(c.BRONZE_LINEAGE)  # the lineage columns only
    assert list(bronze.columns[:50]) == list(raw.columns)
    assert bronze["c0"].tolist()[:2] == ["a", "1"]


def test_file_size_checked_before_reading_it_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "PEDE_2024.xlsx"
    with path.open("wb") as handle:
        handle.truncate(3 * 1024 * 1024)  # sparse: 3 MB on paper, nothing on disk
    monkeypatch.setattr(Path, "read_bytes", lambda _self: pytest.fail("read before the check"))
    with pytest.raises(InputFileError, match="acima do limite de 2 MB"):
        Upload.from_path(path, max_mb=2)


def test_year_with_no_valid_student_is_refused(
    settings: Settings, published: dict[str, str], workbook: Callable[..., bytes]
) -> None:
    sheet = sheet_2023(30, 200).assign(Fase="???")
    with pytest.raises(InputFileError, match="nenhum aluno válido"):
        ingest([Upload("PEDE_2024.xlsx", workbook({"PEDE2024": sheet}))], settings)
    assert snapshot(settings) == published
    assert pipeline_status(settings)["years"] == [2022, 2023]


def test_drift_of_an_empty_year_is_not_measured(tmp_path: Path) -> None:
    gold = pd.read_parquet(gold_path_for_demo(tmp_path))
    outcome = compute_drift(
        gold,
        2031,
        Reference((2022,), SOURCE_EARLIER),
        limits=DriftLimits.from_settings(Settings(data_dir=tmp_path / "data")),
        reports_dir=tmp_path / "reports",
        stem="empty",
    )
    assert outcome.drift_share == 0.0 and not outcome.relevant
    assert all(col.score is None for col in outcome.columns)
    assert outcome.html_path is not None and outcome.html_path.exists()
    assert outcome.json_path is not None and outcome.json_path.exists()


def gold_path_for_demo(tmp_path: Path) -> Path:
    """A tiny gold file with one real year (2022) to compare an empty year against."""
    settings = Settings(data_dir=tmp_path / "data")
    sheets = {"PEDE2022": sheet_2023(40), "PEDE2023": sheet_2023(40, 20)}
    from tests.conftest import to_xlsx

    ingest([Upload("PEDE.xlsx", to_xlsx(sheets))], settings)
    return gold_path(settings)


# --- #14.6: implausible years and a tiny year replacing the list ------------------------------


@pytest.mark.parametrize("year", [1899, 2019, 2999])
def test_implausible_year_given_is_refused(
    settings: Settings, workbook: Callable[..., bytes], year: int
) -> None:
    upload = Upload("planilha.xlsx", workbook({"Alunos": sheet_2023(30)}))
    with pytest.raises(YearOutOfRangeError, match=f"O ano {year} não é um ano do PEDE"):
        ingest([upload], settings, year=year)
    assert pipeline_status(settings)["years"] == []


def test_implausible_detected_year_is_refused(
    settings: Settings, workbook: Callable[..., bytes]
) -> None:
    with pytest.raises(YearOutOfRangeError, match="aba 'PEDE2019'"):
        ingest([Upload("PEDE.xlsx", workbook({"PEDE2019": sheet_2023(30)}))], settings)


def test_next_calendar_year_is_the_last_accepted(
    settings: Settings, workbook: Callable[..., bytes]
) -> None:
    no_year = sheet_2023(30).drop(columns=["INDE 2023", "Pedra 2023", "INDE 22"])
    upload = Upload("planilha.xlsx", workbook({"Alunos": no_year}))
    next_year = pd.Timestamp.now().year + 1
    assert plan_upload(upload, settings, year=next_year).years == [next_year]
    with pytest.raises(YearOutOfRangeError):
        plan_upload(upload, settings, year=next_year + 1)


def test_small_new_year_needs_force_and_status_says_so(
    settings: Settings, published: dict[str, str], workbook: Callable[..., bytes]
) -> None:
    upload = Upload("PEDE_2024.xlsx", workbook({"PEDE2024": sheet_2023(20, 500)}))
    with pytest.raises(SmallYearError) as refused:
        ingest([upload], settings)
    error = refused.value
    assert (error.year, error.n_new, error.n_previous, error.previous_year) == (2024, 20, 60, 2023)
    assert "--force" in str(error)
    assert snapshot(settings) == published

    result = ingest([upload], settings, force=True)
    assert result.years_loaded == [2024]
    forced = pipeline_status(settings)["forced_small"]
    assert forced == [{"ano": 2024, "n_new": 20, "n_previous": 60, "previous": 2023}]


def test_a_year_at_the_share_is_not_small(
    settings: Settings, published: dict[str, str], workbook: Callable[..., bytes]
) -> None:
    upload = Upload("PEDE_2024.xlsx", workbook({"PEDE2024": sheet_2023(30, 500)}))
    assert ingest([upload], settings).years_loaded == [2024]  # 30 = 50% of 60


def test_cli_force_flag(
    settings: Settings,
    published: dict[str, str],
    workbook: Callable[..., bytes],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "PEDE_2024.xlsx"
    path.write_bytes(workbook({"PEDE2024": sheet_2023(10, 500)}))
    assert main(["ingest", str(path), "--defer"]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["ingest", str(path), "--defer", "--force"]) == 0
    assert main(["pipeline", "status"]) == 0
    assert "carregado com --force com só 10 aluno(s)" in capsys.readouterr().out


# --- #14.9: what a killed run leaves behind ---------------------------------------------------


def test_stale_temporaries_of_an_unpublished_run_are_removed(
    settings: Settings, published: dict[str, str], workbook: Callable[..., bytes]
) -> None:
    dead_run = str(uuid.uuid4())
    leftovers = [
        silver_path(settings, 2024).with_name(f"ano=2024.parquet.tmp-{dead_run}"),
        settings.layer("landing") / f"abc.xlsx.tmp-{dead_run}",
    ]
    for path in leftovers:
        path.write_bytes(b"partial")
    unrelated = settings.layer("landing") / "notes.tmp-keep"
    unrelated.write_bytes(b"not ours")
    ingest([Upload("PEDE_2024.xlsx", workbook({"PEDE2024": sheet_2023(60, 40)}))], settings)
    assert not any(path.exists() for path in leftovers)
    assert unrelated.exists()


def test_run_killed_after_commit_is_moved_in_by_the_next_run(
    settings: Settings,
    published: dict[str, str],
    workbook: Callable[..., bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Killed between the database commit and the renames: the next run completes the move."""
    monkeypatch.setattr(publish.StagedFiles, "commit", lambda _self: None)
    upload = Upload("PEDE_2024.xlsx", workbook({"PEDE2024": sheet_2023(60, 40)}))
    ingest([upload], settings)
    assert not silver_path(settings, 2024).exists()  # the "crash"
    monkeypatch.undo()
    again = ingest([upload], settings)
    assert again.skipped_files == ["PEDE_2024.xlsx"]
    assert len(pd.read_parquet(silver_path(settings, 2024))) == 60
    assert set(pd.read_parquet(gold_path(settings))["ano"]) == {2022, 2023, 2024}
    assert not list(settings.data_dir.rglob("*.tmp-*"))


def test_rerun_finishes_what_a_killed_run_left_pending(
    settings: Settings,
    workbook: Callable[..., bytes],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "PEDE_2022-23.xlsx"
    path.write_bytes(workbook({"PEDE2022": sheet_2023(60), "PEDE2023": sheet_2023(60, 20)}))
    assert main(["ingest", str(path), "--defer"]) == 0  # as if killed right after publishing
    assert len(unfinished_runs(settings)) == 1
    assert pipeline_status(settings)["drift"][0]["status"] == "pending"
    capsys.readouterr()

    assert main(["ingest", str(path)]) == 0
    out = capsys.readouterr().out
    assert "pendente" in out and "mudanças nos dados de 2023" in out
    assert unfinished_runs(settings) == []
    assert pipeline_status(settings)["drift"][0]["status"] == "done"


def test_pipeline_finish_clears_the_pending_run(
    settings: Settings, workbook: Callable[..., bytes], tmp_path: Path
) -> None:
    path = tmp_path / "PEDE_2023.xlsx"
    path.write_bytes(workbook({"PEDE2023": sheet_2023(40)}))
    assert main(["ingest", str(path), "--defer"]) == 0
    assert unfinished_runs(settings)
    assert main(["pipeline", "finish"]) == 0
    assert unfinished_runs(settings) == []


# --- #14.10: small leaks ---------------------------------------------------------------------


def test_failed_run_summary_keeps_no_ra(settings: Settings, workbook: Callable[..., bytes]) -> None:
    sheet = sheet_2023(30)
    sheet.loc[5, "RA"] = "RA-1"
    with pytest.raises(InputFileError, match="RA-1"):  # the user sees an example…
        ingest([Upload("PEDE_2023.xlsx", workbook({"PEDE2023": sheet}))], settings)
    with engine_for(settings).connect() as conn:
        summary = conn.execute(select(pipeline_runs.c.summary)).scalar_one()
    assert "RA-" not in str(summary)  # …the history keeps the count and the reason only
    assert "1 RA(s) repetido(s)" in summary["error"]


def test_lineage_columns_are_never_listed_as_unused(
    settings: Settings, workbook: Callable[..., bytes]
) -> None:
    plan = plan_upload(Upload("PEDE_2023.xlsx", workbook({"PEDE2023": sheet_2023(30)})), settings)
    assert plan.sheets[0].ignored_headers == ["INDE 22"]  # the only unused workbook column
    assert not set(plan.sheets[0].ignored_headers) & set(c.BRONZE_LINEAGE)


def test_preview_tells_which_years_need_confirmation(
    settings: Settings, published: dict[str, str], workbook: Callable[..., bytes]
) -> None:
    from pipeline.ingest import preview_small_years

    plan = plan_upload(
        Upload("PEDE_2024.xlsx", workbook({"PEDE2024": sheet_2023(20, 500)})), settings
    )
    assert preview_small_years(plan, settings) == [
        {"ano": 2024, "n_new": 20, "n_previous": 60, "previous": 2023}
    ]

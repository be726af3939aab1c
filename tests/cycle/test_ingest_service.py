"""The yearly-cycle service: preview parses once, process publishes those plans, then finishes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import insert, select

from cli.main import main
from config import Settings
from cycle import finish as finishing
from cycle.ingest import preview, process
from pipeline import ingest as pipeline_ingest
from pipeline.errors import InputFileError
from pipeline.plan import Upload
from pipeline.state import gold_path, load_state
from pipeline.status import pipeline_status
from pipeline.store import drift_runs, engine_for, finish_runs, pipeline_runs
from tests.conftest import sheet_2023


def _two_years(workbook: Callable[..., bytes]) -> Upload:
    later = sheet_2023(60, start=1).rename(
        columns={"INDE 2023": "INDE 2024", "Pedra 2023": "Pedra 2024"}
    )
    return Upload("PEDE.xlsx", workbook({"PEDE2023": sheet_2023(60, start=30), "PEDE2024": later}))


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every parse of a workbook (the reader the pipeline calls), by file name."""
    calls: list[str] = []
    real = pipeline_ingest.read_sheets

    def counting(name: str, content: bytes, *limits: Any) -> Any:
        calls.append(name)
        return real(name, content, *limits)

    monkeypatch.setattr(pipeline_ingest, "read_sheets", counting)
    return calls


@pytest.fixture
def fake_drift(monkeypatch: pytest.MonkeyPatch) -> list[pd.DataFrame]:
    """Drift without Evidently (seconds to import): records the gold frame it was handed."""
    from pipeline import drift

    seen: list[pd.DataFrame] = []

    def compute(gold: pd.DataFrame, year: int, refs: Any, **kwargs: Any) -> drift.DriftOutcome:
        seen.append(gold)
        reports: Path = kwargs["reports_dir"]
        reports.mkdir(parents=True, exist_ok=True)
        html, js = reports / f"{kwargs['stem']}.html", reports / f"{kwargs['stem']}.json"
        html.write_text("<html></html>")
        js.write_text("{}")
        column = drift.ColumnDrift("iaa", drift.NUMERIC_METHOD, 0.01, 0.1, False)
        reference = drift.Reference(tuple(refs.years), refs.source, refs.model_version)
        return drift.DriftOutcome(year, reference, [column], html, js)

    monkeypatch.setattr(drift, "compute_drift", compute)
    return seen


@pytest.fixture
def gold_reads(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> list[Path]:
    """Every read of the published gold file from disk."""
    calls: list[Path] = []
    real = pd.read_parquet

    def counting(path: Any, *args: Any, **kwargs: Any) -> pd.DataFrame:
        if Path(path) == gold_path(settings):
            calls.append(Path(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(pd, "read_parquet", counting)
    return calls


@pytest.fixture(autouse=True)
def _no_worker_left() -> Iterator[None]:
    yield
    assert finishing.wait_background(timeout=60)


def test_preview_then_process_parses_the_workbook_once(
    settings: Settings, workbook: Callable[..., bytes], reads: list[str], fake_drift: Any
) -> None:
    upload = _two_years(workbook)
    previewed = preview([upload], settings)
    assert reads == ["PEDE.xlsx"]
    assert previewed.new_years == [2023, 2024] and not previewed.errors
    assert not load_state(settings).loaded_years  # a preview writes nothing
    result = process(previewed, settings, user="teste", finish="wait")
    assert reads == ["PEDE.xlsx"]  # published from the preview's plans
    assert result.ingest.years_loaded == [2023, 2024]
    assert load_state(settings).loaded_years == {2023, 2024}
    assert result.finished is not None and result.finished.ok


def test_cli_ingest_and_pipeline_run_parse_each_file_once(
    settings: Settings,
    tmp_path: Path,
    reads: list[str],
    fake_drift: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "PEDE_2023.xlsx"
    path.write_bytes(_two_years_bytes())
    assert main(["ingest", str(path), "--defer"]) == 0
    assert reads == ["PEDE_2023.xlsx"]
    second = tmp_path / "PEDE_2024.xlsx"
    second.write_bytes(_bytes_2024())
    assert main(["pipeline", "run", str(second)]) == 0
    assert reads == ["PEDE_2023.xlsx", "PEDE_2024.xlsx"]
    out = capsys.readouterr().out
    drift_line = "mudanças nos dados de 2024 (comparado com 2023): normal"
    assert "2024: 50 linhas lidas" in out and drift_line in out
    # the summary is printed as soon as gold is published, before the drift report
    assert out.index("2024: 50 linhas lidas") < out.index(drift_line)


def _two_years_bytes() -> bytes:
    from tests.conftest import to_xlsx

    return to_xlsx({"PEDE2023": sheet_2023(40)})


def _bytes_2024() -> bytes:
    from tests.conftest import to_xlsx

    sheet = sheet_2023(50).rename(columns={"INDE 2023": "INDE 2024", "Pedra 2023": "Pedra 2024"})
    return to_xlsx({"PEDE2024": sheet})


def test_gold_is_handed_on_to_drift_not_read_again(
    settings: Settings,
    workbook: Callable[..., bytes],
    fake_drift: list[pd.DataFrame],
    gold_reads: list[Path],
) -> None:
    result = process(preview([_two_years(workbook)], settings), settings, finish="wait")
    assert result.ingest.drift_pending == [2024]
    assert len(fake_drift) == 1 and fake_drift[0] is result.ingest.gold
    assert gold_reads == []


def test_a_stale_snapshot_is_not_used(
    settings: Settings, workbook: Callable[..., bytes], fake_drift: Any
) -> None:
    result = process(preview([_two_years(workbook)], settings), settings, finish="defer")
    assert result.ingest.gold is not None
    fresh = finishing.GoldSnapshot(result.ingest.gold, result.ingest.gold_stamp)
    assert finishing.current_gold(settings, fresh) is result.ingest.gold
    stale = finishing.GoldSnapshot(result.ingest.gold.head(1), (result.ingest.gold_stamp or 0) - 1)
    assert len(finishing.current_gold(settings, stale)) == len(result.ingest.gold)  # type: ignore[arg-type]


def test_a_bad_file_in_the_preview_is_refused_and_nothing_is_published(
    settings: Settings, workbook: Callable[..., bytes]
) -> None:
    good = Upload("PEDE_2023.xlsx", workbook({"PEDE2023": sheet_2023(20)}))
    bad = Upload("PEDE_2024.xlsx", b"%PDF-1.4 not a workbook")
    previewed = preview([good, bad], settings)
    assert previewed.errors and "planilha" in previewed.errors[0]
    with pytest.raises(InputFileError, match="planilha"):
        process(previewed, settings)
    assert not load_state(settings).loaded_years
    with engine_for(settings).connect() as conn:
        assert [r.status for r in conn.execute(select(pipeline_runs))] == ["failed"]


def test_a_file_loaded_by_someone_else_since_the_preview_is_skipped(
    settings: Settings, workbook: Callable[..., bytes], reads: list[str]
) -> None:
    upload = Upload("PEDE_2023.xlsx", workbook({"PEDE2023": sheet_2023(20)}))
    first, second = preview([upload], settings), preview([upload], settings)
    published = process(first, settings, finish="defer")
    again = process(second, settings, finish="defer")
    assert not again.changed and again.ingest.skipped_files == ["PEDE_2023.xlsx"]
    # The first run's deferred drift and scoring are still pending: the re-run says so.
    assert again.ingest.unfinished_runs == [published.ingest.run_id]


def test_nothing_new_and_nothing_pending_finishes_nothing(
    settings: Settings, workbook: Callable[..., bytes], fake_drift: Any
) -> None:
    upload = Upload("PEDE_2023.xlsx", workbook({"PEDE2023": sheet_2023(20)}))
    first, second = preview([upload], settings), preview([upload], settings)
    process(first, settings, finish="wait")
    again = process(second, settings, finish="wait")
    assert again.finishing == "nothing" and not again.ingest.unfinished_runs


def test_background_finish_records_done(
    settings: Settings, workbook: Callable[..., bytes], fake_drift: Any
) -> None:
    result = process(preview([_two_years(workbook)], settings), settings, finish="background")
    assert result.job_id is not None and result.finished is None
    assert finishing.wait_background(timeout=60)
    status = finishing.finish_status(settings)
    assert status.state == "done" and not status.pending_drift and status.error is None
    assert pipeline_status(settings)["drift"][0]["status"] == "done"


def test_a_failed_background_step_is_recorded_and_shown_by_status(
    settings: Settings,
    workbook: Callable[..., bytes],
    fake_drift: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def broken(*_args: Any) -> None:
        raise RuntimeError("registry unreachable")

    monkeypatch.setattr(finishing, "_score", broken)
    process(preview([_two_years(workbook)], settings), settings, finish="background")
    assert finishing.wait_background(timeout=60)
    status = finishing.finish_status(settings)
    assert status.state == "failed" and status.stage == finishing.SCORING
    assert "registry unreachable" in (status.error or "")
    assert main(["pipeline", "status"]) == 0
    assert "etapas finais: FALHARAM em pontuação dos alunos" in capsys.readouterr().out


def test_a_failed_drift_report_is_reported_not_swallowed(
    settings: Settings, workbook: Callable[..., bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline import drift

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(drift, "compute_drift", broken)
    result = process(preview([_two_years(workbook)], settings), settings, finish="wait")
    assert result.finished is not None and not result.finished.ok
    assert "drift de 2024 falhou" in result.finished.drift_errors[0]
    assert finishing.finish_status(settings).state == "failed"


def test_a_job_whose_process_died_reads_as_interrupted(settings: Settings) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    import socket
    from datetime import UTC, datetime

    with engine_for(settings).begin() as conn:
        conn.execute(
            insert(finish_runs).values(
                status="running",
                stage="drift",
                worker=f"{socket.gethostname()}:{dead}",
                started_at=datetime.now(UTC),
            )
        )
    assert finishing.finish_status(settings).state == "interrupted"
    with engine_for(settings).begin() as conn:
        conn.execute(finish_runs.update().values(worker=f"{socket.gethostname()}:{os.getpid()}"))
    assert finishing.finish_status(settings).state == "running"
    with engine_for(settings).connect() as conn:
        assert not conn.execute(select(drift_runs)).all()

"""Dados over the cycle service: one parse per upload, background finishing, file text as text."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from sqlalchemy import insert
from streamlit.testing.v1 import AppTest

from config import Settings
from cycle import finish as finishing
from dashboard import data, ui
from pipeline import ingest as pipeline_ingest
from pipeline.state import load_state
from pipeline.store import engine_for, finish_runs
from tests.conftest import sheet_2023, to_xlsx
from tests.dashboard.conftest import assert_clean, open_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LINK = "[Sessão expirada: clique aqui](https:evil.example)"
IMAGE = "![p](https:evil.example/x.png)"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _fresh_previews() -> Iterator[None]:
    data.preview.clear()  # the preview cache is process-wide: each test parses its own upload
    yield
    assert finishing.wait_background(timeout=120)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = pipeline_ingest.read_sheets

    def counting(name: str, content: bytes, *limits: Any) -> Any:
        calls.append(name)
        return real(name, content, *limits)

    monkeypatch.setattr(pipeline_ingest, "read_sheets", counting)
    return calls


@pytest.fixture
def no_evidently(monkeypatch: pytest.MonkeyPatch) -> None:
    """Drift without importing Evidently (seconds); the finishing steps around it are real."""
    from pipeline import drift

    def compute(gold: Any, year: int, refs: Any, **kwargs: Any) -> drift.DriftOutcome:
        reports: Path = kwargs["reports_dir"]
        reports.mkdir(parents=True, exist_ok=True)
        html, js = reports / f"{kwargs['stem']}.html", reports / f"{kwargs['stem']}.json"
        html.write_text("<html></html>")
        js.write_text("{}")
        column = drift.ColumnDrift("iaa", drift.NUMERIC_METHOD, 0.01, 0.1, False)
        reference = drift.Reference(tuple(refs.years), refs.source, refs.model_version)
        return drift.DriftOutcome(year, reference, [column], html, js)

    monkeypatch.setattr(drift, "compute_drift", compute)


def _two_years() -> bytes:
    later = sheet_2023(40).rename(columns={"INDE 2023": "INDE 2024", "Pedra 2023": "Pedra 2024"})
    return to_xlsx({"PEDE2023": sheet_2023(40, start=20), "PEDE2024": later})


def _process(at: AppTest) -> AppTest:
    return next(b for b in at.button if b.key == "dados_process").click().run()


def test_preview_then_process_parses_the_upload_once(
    empty: Settings, app: Callable[..., AppTest], reads: list[str], no_evidently: None
) -> None:
    at = app("coordenador")
    open_page(at, "dados")
    at.file_uploader[0].upload("PEDE_2023-24.xlsx", _two_years(), XLSX)
    at.run()
    at.run()  # an ordinary rerun (any click) reuses the preview
    assert reads == ["PEDE_2023-24.xlsx"]
    _process(at)
    assert_clean(at)
    assert load_state(empty).loaded_years == {2023, 2024}
    assert reads == ["PEDE_2023-24.xlsx"]


def test_background_finish_shows_progress_then_ready(
    empty: Settings,
    app: Callable[..., AppTest],
    no_evidently: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PASSOS_DRIFT_IN_BACKGROUND", "true")
    at = app("coordenador")
    open_page(at, "dados")
    at.file_uploader[0].upload("PEDE_2023-24.xlsx", _two_years(), XLSX)
    at.run()
    _process(at)
    assert_clean(at)
    assert any("sucesso" in s.value for s in at.success)  # published at once
    # 'pronto' comes on the first run after the job ends (the page's poll reruns it then)
    ready = any("Pronto" in s.value for s in at.success)
    assert finishing.wait_background(timeout=120)
    at.run()
    assert ready or any("Pronto" in s.value for s in at.success)
    assert finishing.finish_status(empty).state == "done"
    at.run()  # 'pronto' is said once
    assert not any("Pronto" in s.value for s in at.success)


def test_a_failed_background_step_is_shown_on_dados(
    empty: Settings,
    app: Callable[..., AppTest],
    no_evidently: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*_args: Any) -> None:
        raise RuntimeError("registry unreachable")

    monkeypatch.setattr(finishing, "_score", broken)
    monkeypatch.setenv("PASSOS_DRIFT_IN_BACKGROUND", "true")
    at = app("coordenador")
    open_page(at, "dados")
    at.file_uploader[0].upload("PEDE_2023-24.xlsx", _two_years(), XLSX)
    at.run()
    _process(at)
    assert finishing.wait_background(timeout=120)
    at.run()
    assert_clean(at)
    assert any("registry unreachable" in e.value and "pontuação" in e.value for e in at.error)


def _record_running_job(settings: Settings) -> None:
    with engine_for(settings).begin() as conn:
        conn.execute(
            insert(finish_runs).values(
                status="running",
                stage="drift",
                worker=f"{socket.gethostname()}:{os.getpid()}",
                started_at=datetime.now(UTC),
            )
        )


def test_while_finishing_dados_says_what_runs_and_risco_is_not_blocked(
    product_copy: Settings, app: Callable[..., AppTest]
) -> None:
    _record_running_job(product_copy)
    at = app("coordenador")
    open_page(at, "dados")
    assert_clean(at)
    assert any("Agora: relatórios de drift" in m.value for m in at.markdown)
    assert any("continua disponível" in c.value for c in at.caption)
    risco = app("coordenador")
    open_page(risco, "risco")
    assert_clean(risco)
    assert any("rank" in d.value.columns and len(d.value) for d in risco.dataframe)


def _rendered(text: str) -> str:
    return MarkdownIt("commonmark").render(text)


def test_plain_keeps_file_text_from_becoming_links_or_images() -> None:
    for hostile in (LINK, IMAGE, "<img src=x>", "**negrito** _x_ # título", ":red[x] $x$"):
        html = _rendered(ui.plain(hostile))
        assert "<a " not in html and "<img" not in html and "<strong>" not in html
        assert "<h1>" not in html
    assert ui.plain("PEDE 2024 (final).xlsx") == r"PEDE 2024 \(final\)\.xlsx"


def test_workbook_text_is_shown_as_text_on_dados(
    empty: Settings, app: Callable[..., AppTest]
) -> None:
    sheet = sheet_2023(20)
    sheet[LINK] = "x"
    sheet[IMAGE] = "y"
    name = "[clique](https:evil.example).xlsx"
    at = app("coordenador")
    open_page(at, "dados")
    at.file_uploader[0].upload(name, to_xlsx({"PEDE2023": sheet}), XLSX)
    at.run()
    assert_clean(at)
    texts = [
        *(m.value for m in at.markdown),
        *(c.value for c in at.caption),
        *(e.label for e in at.expander),
    ]
    assert any("Sessão expirada" in text for text in texts)  # the header is listed as unused
    assert any("clique" in text for text in texts)  # and the file name is shown
    for text in texts:
        html = _rendered(text)
        assert "<a " not in html and "<img" not in html, text


def test_a_refused_file_quoting_markdown_is_shown_as_text(
    empty: Settings, app: Callable[..., AppTest]
) -> None:
    at = app("coordenador")
    open_page(at, "dados")
    at.file_uploader[0].upload("[clique](https:evil.example).xlsx", b"%PDF-1.4 no", XLSX)
    at.run()
    assert_clean(at)
    errors = [e.value for e in at.error if "clique" in e.value]
    assert errors and all("<a " not in _rendered(e) for e in errors)


def test_shared_dashboard_modules_do_not_import_heavy_libraries() -> None:
    """Cold start: the router's modules and the sign-in path load no ML or drift library."""
    code = (
        "import sys\n"
        "import dashboard.data, dashboard.ui, dashboard.auth, dashboard.audit, dashboard.i18n\n"
        "import dashboard.modelapi, cycle.ingest, cycle.finish\n"
        "heavy = ('mlflow', 'evidently', 'lightgbm', 'xgboost', 'sklearn')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == ""

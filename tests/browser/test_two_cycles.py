"""Two yearly cycles in Debian's chromium, as an admin would run them (issue #9, "Done means").

Cycle 1: upload 2022–2024 on *Dados*, train (library call, for speed), promote on *Modelos* with a
reason and the confirmation, see the 2024 list on *Risco*. Cycle 2: upload 2025, a probable copy of
2024 (its Defasagem, Fase and INDE copied from 2024, as the real ``PEDE_2025.xlsx``);
*Acompanhamento* shows how the 2024 list turned out with numbers equal to a computation made
here, from the predictions table and the 2025 gold classes (not with the code under test); the
copy year carries its warning on *Risco*, *Aluno* and in the downloaded export until the admin
accepts it on *Dados* with a reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from bench.browser import TIMEOUT_MS, launch, nav, running_dashboard, settled, sign_in
from tests.browser.conftest import PASSWORD, require_chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(900)]
STUDENTS = 900
COPY_BANNER = "parecem uma cópia"
AT_RISK = ("critical", "alert")


@dataclass(frozen=True)
class Files:
    cycle1: list[Path]
    copy_year: Path


def _probable_copy(sheets: dict[int, pd.DataFrame]) -> pd.DataFrame:
    """2025 with the Defasagem, Fase and INDE of 2024 for every student present in both."""
    from synthetic.layouts import COL_DEFASAGEM, COL_FASE, COL_RA, inde_header

    previous, current = sheets[2024], sheets[2025].copy()
    copied = {
        COL_DEFASAGEM: COL_DEFASAGEM,
        COL_FASE: COL_FASE,
        inde_header(2024, long=True): inde_header(2025, long=True),
    }
    by_ra = previous.set_index(COL_RA)
    shared = current[COL_RA].isin(by_ra.index)
    for source, target in copied.items():
        current.loc[shared, target] = current.loc[shared, COL_RA].map(by_ra[source])
    return current


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Files:
    import synthetic

    root = tmp_path_factory.mktemp("two_cycles_in")
    sheets = synthetic.generate_years(STUDENTS, [2022, 2023, 2024, 2025], seed=19)
    sheets[2025] = _probable_copy(sheets)
    written = synthetic.write_workbooks_per_year(sheets, root)
    by_year = {int(p.stem[-4:]): p for p in written}
    return Files([by_year[y] for y in (2022, 2023, 2024)], by_year[2025])


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    require_chromium()
    root = tmp_path_factory.mktemp("two_cycles")
    data_dir = root / "data"
    with running_dashboard(
        data_dir, root / "dashboard.log", PASSWORD, PASSOS_DRIFT_IN_BACKGROUND="true"
    ) as url:
        yield url, data_dir


def _upload(page: Any, paths: list[Path], years: list[int]) -> None:
    """Dados: choose the files, see the preview, process, wait for 'Pronto' (drift + scoring)."""
    nav(page, "Dados")
    page.get_by_text("Planilhas do PEDE").first.wait_for()
    settled(page)
    page.locator('input[type="file"]').set_input_files([str(p) for p in paths])
    for year in years:
        page.get_by_text(f"→ ano {year}").first.wait_for()
    settled(page)
    page.get_by_role("button", name="Processar").click()
    page.get_by_text("Dados carregados com sucesso.").wait_for()
    page.get_by_text("Pronto:").wait_for(timeout=2 * TIMEOUT_MS)
    settled(page)


def _promote(page: Any) -> None:
    nav(page, "Modelos")
    page.get_by_text("Promover a versão").wait_for()
    settled(page)
    reason = page.get_by_label("Motivo").first
    reason.fill("primeira lista do ciclo, conferida no navegador")
    reason.press("Tab")  # Streamlit commits a text area on blur
    settled(page)
    page.get_by_role("button", name=re.compile(r"^Promover")).first.click()
    page.get_by_role("button", name="Confirmar promoção").click()
    page.get_by_text("A lista de risco já foi recalculada").wait_for()
    settled(page)


def _risk_page(page: Any) -> None:
    nav(page, "Risco")
    page.get_by_role("heading", name="Lista de risco").wait_for()
    page.get_by_text("ordenados pelo risco").wait_for()
    page.locator('[data-testid="stDataFrame"]').first.wait_for()
    settled(page)


def _metrics(page: Any) -> dict[str, str]:
    """Every metric on the page: its label → its value, as shown."""
    shown = {}
    for box in page.locator('[data-testid="stMetric"]').all():
        label = box.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        shown[label] = box.locator('[data-testid="stMetricValue"]').inner_text().strip()
    return shown


def _expected_follow_up(data_dir: Path) -> dict[str, str]:
    """The 2024 list's outcome computed here: the list from the predictions table, the truth
    from the 2025 Defasagem in gold (Critical ≤ −2, Alert −1)."""
    from sqlalchemy import create_engine

    from config import Settings
    from pipeline.state import gold_path

    settings = Settings(data_dir=data_dir)
    engine = create_engine(settings.db_url)
    with engine.connect() as conn:
        version = pd.read_sql(
            "SELECT model_version FROM published_lists WHERE ano = 2024", conn
        ).iloc[0, 0]
        listed = pd.read_sql(
            "SELECT ra, classe FROM predictions WHERE ano = 2024 AND model_version = :v",
            conn,
            params={"v": version},
        )
    engine.dispose()
    gold = pd.read_parquet(gold_path(settings))
    later = gold[gold["ano"] == 2025][["ra", "defasagem"]].astype({"ra": str})
    later["real"] = [
        None if pd.isna(d) else "critical" if d <= -2 else "alert" if d == -1 else "expected"
        for d in later["defasagem"]
    ]
    both = listed.astype({"ra": str}).merge(later[["ra", "real"]], on="ra", how="left")
    flagged = both["classe"].isin(AT_RISK)
    seen = both["real"].notna()
    lagged = both["real"].isin(AT_RISK)
    hits = int((flagged & lagged).sum())
    known = int((flagged & seen).sum())
    missed = int((~flagged & lagged).sum())
    assert hits > 0 and missed >= 0 and known > 0  # the comparison below means something
    return {
        "Apontados (Crítico ou Alerta)": str(int(flagged.sum())),
        "Realmente defasaram": f"{hits} / {known}",
        "Precisão": f"{hits / known:.0%}",
        "Não apontados que defasaram": str(missed),
        "Cobertura (recall)": f"{hits / (hits + missed):.0%}",
    }


def test_two_yearly_cycles_in_a_real_browser(files: Files, dashboard: tuple[str, Path]) -> None:
    from playwright.sync_api import sync_playwright

    from config import Settings
    from models.training import train_presets

    url, data_dir = dashboard
    with sync_playwright() as pw:
        browser = launch(pw)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.set_default_timeout(TIMEOUT_MS)
        try:
            page.goto(url)
            sign_in(page, "admin", PASSWORD)
            page.get_by_text("Visão geral").wait_for()
            settled(page)

            # Cycle 1: three years, a model, its promotion, the 2024 list.
            _upload(page, files.cycle1, [2022, 2023, 2024])
            train_presets(Settings(data_dir=data_dir), ["persistence", "logistic_regression"])
            _promote(page)
            _risk_page(page)
            assert page.get_by_text("Alunos de 2024").count()
            assert page.get_by_text(COPY_BANNER).count() == 0

            # Cycle 2: the copy year arrives.
            _upload(page, [files.copy_year], [2025])
            assert page.get_by_text(COPY_BANNER).count()  # the review on Dados

            nav(page, "Acompanhamento")
            page.get_by_text("Acompanhamento da lista").wait_for()
            page.locator('[data-testid="stMetric"]').first.wait_for()
            settled(page)
            expected = _expected_follow_up(data_dir)
            shown = _metrics(page)
            assert {k: shown.get(k) for k in expected} == expected

            _risk_page(page)
            assert page.get_by_text("Alunos de 2025").count()
            page.get_by_text(COPY_BANNER).wait_for()
            with page.expect_download() as info:
                page.get_by_role("button", name="Baixar CSV").click()
            exported = Path(info.value.path()).read_bytes().decode("utf-8-sig")
            warning = next(line for line in exported.splitlines() if line.startswith("AVISO"))
            assert "2025" in warning and "2024" in warning

            from dashboard import modelapi

            first = str(modelapi.read_predictions(Settings(data_dir=data_dir), top=1)["ra"].iloc[0])
            page.goto(f"{url}/aluno?ra={first}")
            page.get_by_role("heading", name="Aluno", exact=True).wait_for()
            settled(page)
            page.get_by_text(COPY_BANNER).wait_for()

            # The admin accepts the year on Dados, with a reason; the warning leaves the list.
            nav(page, "Dados")
            reason = page.get_by_label("Motivo da decisão (obrigatório)")
            reason.wait_for()
            settled(page)
            reason.fill("planilha de 2025 conferida com a secretaria")
            reason.press("Tab")
            settled(page)
            page.get_by_role("button", name="Aceitar o ano 2025").click()
            page.get_by_text("Ano 2025 aceito").wait_for()
            settled(page)

            _risk_page(page)
            assert page.get_by_text("Alunos de 2025").count()
            assert page.get_by_text(COPY_BANNER).count() == 0
        except Exception:
            page.screenshot(path=str(data_dir.parent / "failure.png"), full_page=True)
            raise
        finally:
            browser.close()

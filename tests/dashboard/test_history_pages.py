"""Two cycles in the dashboard: the list of each year, the follow-up, a probable copy warned
about on every page that shows its predictions, and its review on *Dados* (both roles)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from config import Settings
from tests.dashboard.conftest import FAST_PRESETS, _use, assert_clean, open_page

COPY_TEXT = "parecem uma cópia"


def _two_cycles(data_dir: Path) -> Settings:
    """2022–2024 loaded, a model promoted (list of 2024); then 2025 arrives as a copy of 2024."""
    import synthetic
    from models.registry import promote
    from models.scoring import score_if_production
    from models.training import train_presets
    from pipeline.ingest import ingest
    from pipeline.plan import Upload

    settings = Settings(data_dir=data_dir, drift_in_background=False)
    sheets = synthetic.generate_years(600, [2022, 2023, 2024], seed=7)
    first = synthetic.write_workbook(sheets, data_dir.parent / "PEDE_2022-24.xlsx")
    ingest([Upload.from_path(first)], settings, user="fixture")
    train_presets(settings, list(FAST_PRESETS))
    promote(settings, "2", reason="fixture: lista de 2024", user="fixture")
    copy = sheets[2024].rename(columns={"INDE 2024": "INDE 2025", "Pedra 2024": "Pedra 2025"})
    second = synthetic.write_workbook({2025: copy}, data_dir.parent / "PEDE_2025.xlsx")
    ingest([Upload.from_path(second)], settings, user="fixture")
    score_if_production(settings)
    return settings


@pytest.fixture(scope="module")
def cycles_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cycles")
    _two_cycles(root / "data")
    return root / "data"


@pytest.fixture
def cycles(cycles_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    import shutil

    from tests.dashboard.conftest import _checkpoint_sqlite

    _checkpoint_sqlite(cycles_dir)
    shutil.copytree(cycles_dir, tmp_path / "data")
    return _use(monkeypatch, tmp_path / "data")


def _warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


@pytest.mark.parametrize("role", ["coordenador", "admin"])
def test_copy_year_is_warned_on_every_page_and_earlier_list_has_no_warning(
    cycles: Settings, app: Callable[..., AppTest], role: str
) -> None:
    from models.predictions import read_predictions

    at = app(role)
    open_page(at, "risco")
    assert_clean(at)
    assert any(COPY_TEXT in w and "2025" in w for w in _warnings(at))
    table = next(d.value for d in at.dataframe if "rank" in d.value.columns)
    assert {"risk_score", "why"} <= set(table.columns)
    assert all(str(w).startswith(("Crítico", "Alerta")) for w in table["why"])
    assert "limiar" in str(table["why"].iloc[0])
    at.selectbox(key="risco_year").set_value(2024).run()
    assert_clean(at)
    assert not any(COPY_TEXT in w for w in _warnings(at))
    shown = next(d.value for d in at.dataframe if "rank" in d.value.columns)
    given = read_predictions(cycles, ano=2024)
    flagged = given[given["classe"].isin(["critical", "alert"])]
    assert shown["ra"].tolist() == flagged["ra"].tolist()
    for page in ("inicio", "aluno"):
        at = app(role)
        if page == "aluno":
            at.query_params["ra"] = str(read_predictions(cycles, top=1)["ra"].iloc[0])
        open_page(at, page)
        assert_clean(at)
        assert any(COPY_TEXT in w for w in _warnings(at)), page
    assert any("limiar" in m.value for m in at.markdown)  # Aluno: why this class


def test_follow_up_page_shows_the_cli_numbers_and_names(
    cycles: Settings, app: Callable[..., AppTest]
) -> None:
    from cycle.followup import follow_up_year

    expected = follow_up_year(cycles, 2024)
    at = app("coordenador")
    open_page(at, "acompanhamento")
    assert_clean(at)
    values = {m.label: m.value for m in at.metric}
    assert values["Apontados (Crítico ou Alerta)"] == str(expected.flagged)
    assert values["Realmente defasaram"] == f"{expected.flagged_lagged} / {expected.known}"
    assert values["Não apontados que defasaram"] == str(expected.missed)
    people = [d.value for d in at.dataframe if "Real" in d.value.columns]
    hits = expected.flagged_rows[expected.flagged_rows["real"].isin(["critical", "alert"])]
    assert sorted(people[0]["RA"]) == sorted(hits["ra"])
    if expected.missed:
        assert sorted(people[1]["RA"]) == sorted(expected.missed_rows["ra"])


def test_copy_review_needs_an_admin_and_a_reason(
    cycles: Settings, app: Callable[..., AppTest]
) -> None:
    from cycle.copies import copy_warnings, reviews

    coord = app("coordenador")
    open_page(coord, "dados")
    assert_clean(coord)
    assert not [b for b in coord.button if b.key == "copy_accept_2025"]
    admin = app("admin")
    open_page(admin, "dados")
    next(b for b in admin.button if b.key == "copy_accept_2025").click().run()
    assert any("motivo" in e.value for e in admin.error)
    assert copy_warnings(cycles, 2025)  # nothing changed without a reason
    admin.text_input(key="copy_reason_2025").set_value("planilha conferida com a escola").run()
    next(b for b in admin.button if b.key == "copy_accept_2025").click().run()
    assert_clean(admin)
    assert copy_warnings(cycles, 2025) == []
    done = reviews(cycles)
    assert done.iloc[0]["decision"] == "accept" and done.iloc[0]["username"] == "tester"
    assert isinstance(done, pd.DataFrame)
    open_page(admin, "risco")
    assert not any(COPY_TEXT in w for w in _warnings(admin))

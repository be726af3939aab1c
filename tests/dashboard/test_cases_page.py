"""The Casos page for both roles: open a case with an action and a next step, see it under
"meus casos" (Casos and Início), refused edits, admin-only action types, audit without notes,
and cases that survive a re-ingest, a re-score, a promotion and a rollback."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from config import Settings
from cycle import cases as case_verbs
from dashboard import audit, modelapi
from models import case_columns as cc
from models import columns as pc
from tests.dashboard.conftest import assert_clean, open_page

NOTE = "Avó cuida do aluno; pai preso — nota-sigilosa-4417"


def _flagged(settings: Settings) -> tuple[int, list[str]]:
    listed = modelapi.read_predictions(settings, classes=pc.AT_RISK_CLASSES)
    return int(listed["ano"].max()), listed["ra"].tolist()


def _fill_case(at: AppTest, year: int, ra: str, generation: int = 0, **values: object) -> None:
    suffix = f"{year}_{ra}_{generation}"
    for name, value in values.items():
        widget = at.get("selectbox") + at.get("date_input") + at.get("text_input")
        widget += at.get("text_area")
        target = next(w for w in widget if w.key == f"casos_{name}_{suffix}")
        target.set_value(value)
    at.button(key=f"FormSubmitter:casos_form_{suffix}-{_save_label()}").click().run()


def _table(at: AppTest, column: str) -> pd.DataFrame:
    """The table showing ``column`` (AppTest does not expose a dataframe's key)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _save_label() -> str:
    from dashboard.i18n import t

    return t("casos.save")


def test_coordinator_opens_a_case_records_an_action_and_sees_it_as_my_case(
    product_copy: Settings, app: Callable[..., AppTest], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    year, flagged = _flagged(product_copy)
    at = app("coordenador", user="maria")
    open_page(at, "casos")
    assert_clean(at)
    ra = at.selectbox(key="casos_student").value
    assert ra == flagged[0]
    today = case_verbs.today_local()
    _fill_case(
        at,
        year,
        ra,
        responsible="maria",
        notes=NOTE,
        next_step="ligar para a escola",
        next_on=today + timedelta(days=7),
        action_type="conversa com a família",
        action_on=today,
    )
    assert_clean(at)
    assert not at.error, [e.value for e in at.error]
    assert any("Caso salvo" in s.value for s in at.success)
    case = case_verbs.get_case(product_copy, ra, year)
    assert case is not None
    assert (case.responsible, case.status, case.notes) == ("maria", cc.IN_PROGRESS, NOTE)
    assert case.next_step_on == today + timedelta(days=7)
    assert [a.action_type for a in case.actions] == ["conversa com a família"]
    mine = _table(at, "Lista de")
    assert mine["RA"].tolist() == [ra]
    # The saved form starts afresh: the action just recorded is not offered again.
    assert at.selectbox(key=f"casos_action_type_{year}_{ra}_1").value == ""
    assert at.selectbox(key=f"casos_status_{year}_{ra}_1").value == cc.IN_PROGRESS
    _fill_case(at, year, ra, generation=1, status=cc.CLOSED)
    assert case_verbs.get_case(product_copy, ra, year).status == cc.CLOSED  # type: ignore[union-attr]
    assert len(case_verbs.get_case(product_copy, ra, year).actions) == 1  # type: ignore[union-attr]
    case_verbs.set_status(product_copy, ra, year, "maria", status=cc.IN_PROGRESS)
    open_page(at, "inicio")
    assert_clean(at)
    assert _table(at, "Lista de")["RA"].tolist() == [ra]
    # Audited by field name, never with the note (nor the RA); no log record carries either.
    logged, entry = audit.entries(product_copy, (audit.CASE,)).to_dict("records")  # newest first
    assert logged["detail"]["fields"] == [cc.STATUS] and not logged["detail"]["opened"]
    assert entry["username"] == "maria" and entry["detail"]["year"] == year
    assert "notes" in entry["detail"]["fields"]
    assert "sigilosa" not in repr(entry) and ra not in repr(entry)
    assert not [r for r in caplog.records if "sigilosa" in r.getMessage()]


def test_a_past_next_step_date_is_refused_and_nothing_is_written(
    product_copy: Settings, app: Callable[..., AppTest]
) -> None:
    year, flagged = _flagged(product_copy)
    at = app("coordenador", user="maria")
    open_page(at, "casos")
    _fill_case(
        at,
        year,
        flagged[0],
        next_step="ligar",
        next_on=case_verbs.today_local() - timedelta(days=1),
    )
    assert_clean(at)
    assert any("já passou" in e.value for e in at.error)
    assert case_verbs.get_case(product_copy, flagged[0], year) is None
    assert audit.entries(product_copy, (audit.CASE,)).empty


def test_a_case_changed_by_someone_else_meanwhile_is_not_overwritten(
    product_copy: Settings, app: Callable[..., AppTest]
) -> None:
    year, flagged = _flagged(product_copy)
    case_verbs.open_case(product_copy, flagged[0], year, "maria", responsible="maria")
    at = app("coordenador", user="maria")
    open_page(at, "casos")
    case_verbs.set_notes(product_copy, flagged[0], year, "joana", notes="visitou a escola")
    _fill_case(at, year, flagged[0], notes="outra versão")
    assert_clean(at)
    assert any("Outra pessoa alterou" in e.value for e in at.error)
    case = case_verbs.get_case(product_copy, flagged[0], year)
    assert case is not None and case.notes == "visitou a escola"


def test_year_filters_show_cases_without_responsible(
    product_copy: Settings, app: Callable[..., AppTest]
) -> None:
    year, flagged = _flagged(product_copy)
    case_verbs.open_case(product_copy, flagged[0], year, "maria", responsible="maria")
    case_verbs.open_case(product_copy, flagged[1], year, "maria")
    at = app("coordenador", user="maria")
    open_page(at, "casos")
    assert _table(at, "Última ação")["RA"].tolist() == flagged[:2]
    at.selectbox(key="casos_filter_responsible").select("__unassigned__").run()
    assert_clean(at)
    assert _table(at, "Última ação")["RA"].tolist() == [flagged[1]]
    at.selectbox(key="casos_filter_responsible").select("__all__").run()
    at.multiselect(key="casos_filter_status").select(cc.CLOSED).run()
    assert not [d for d in at.dataframe if "Última ação" in d.value.columns]


def test_action_types_are_admin_only(product_copy: Settings, app: Callable[..., AppTest]) -> None:
    coord = app("coordenador", user="maria")
    open_page(coord, "casos")
    assert_clean(coord)
    keys = {w.key for w in coord.button} | {w.key for w in coord.text_input}
    assert not keys & {"casos_types_add", "casos_types_toggle", "casos_types_new"}
    admin = app("admin", user="chefe")
    open_page(admin, "casos")
    admin.text_input(key="casos_types_new").input("visita domiciliar")
    admin.button(key="casos_types_add").click().run()
    assert_clean(admin)
    assert "visita domiciliar" in [a.name for a in case_verbs.action_types(product_copy)]
    admin.selectbox(key="casos_types_pick").select("psicologia")
    admin.button(key="casos_types_toggle").click().run()
    assert "psicologia" not in [a.name for a in case_verbs.action_types(product_copy)]
    assert len(audit.entries(product_copy, (audit.CASE_ACTION_TYPES,))) == 2


def test_cases_survive_reingest_rescore_promotion_and_rollback(
    product_copy: Settings, app: Callable[..., AppTest]
) -> None:
    import synthetic
    from models.registry import promote, rollback
    from models.scoring import score_latest
    from pipeline.ingest import ingest
    from pipeline.plan import Upload

    year, flagged = _flagged(product_copy)
    today = case_verbs.today_local()
    case_verbs.open_case(product_copy, flagged[0], year, "maria", responsible="maria")
    case_verbs.add_action(
        product_copy, flagged[0], year, "maria", action_type="psicologia", done_on=today
    )
    before = case_verbs.get_case(product_copy, flagged[0], year)
    sheets = synthetic.generate_years(600, [2022, 2023, 2024], seed=8)
    workbook = synthetic.write_workbook(sheets, product_copy.data_dir.parent / "again.xlsx")
    ingest([Upload.from_path(workbook)], product_copy, replace=True, user="fixture")
    score_latest(product_copy)
    promote(product_copy, "1", reason="teste: casos sobrevivem", user="chefe")
    rollback(product_copy, reason="teste: volta", user="chefe")
    assert case_verbs.get_case(product_copy, flagged[0], year) == before
    at = app("coordenador", user="maria")
    open_page(at, "casos")
    assert_clean(at)
    assert _table(at, "Lista de")["RA"].tolist() == [flagged[0]]

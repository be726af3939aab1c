"""The case verbs on SQLite: open, edit, actions, history, lists, timeline, action types,
outcomes; nothing written on bad input; no note or RA in the log."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

import pandas as pd
import pytest
from sqlalchemy import insert, select

from config import Settings
from cycle import cases as cases_verbs
from models import case_columns as cc
from models.case_tables import case_actions, case_history, cases, cases_engine
from models.cases import CaseEdit, CaseError, CasePermissionError, NewAction
from models.tables import models_engine, predictions, published_lists
from pipeline.state import gold_path

TODAY = date(2025, 3, 10)
NOTE = "Mãe relatou mudança de endereço — nota-secreta-7731"


def write_list(settings: Settings, year: int, classes: dict[str, str], version: str = "1") -> None:
    """A list of ``year`` in the predictions table, published as scoring does."""
    rows = [
        {
            "model_version": version,
            "ra": ra,
            "ano": year,
            "nome": f"Aluno {ra}",
            "fase": 2,
            "turma": "2A",
            "p_critical": 0.5,
            "p_alert": 0.3,
            "p_expected": 0.2,
            "classe": classe,
            "risk_score": 0.6,
            "rank": rank,
            "reasons": [],
            "scored_at": datetime(year + 1, 2, 1, tzinfo=UTC),
        }
        for rank, (ra, classe) in enumerate(classes.items(), start=1)
    ]
    with models_engine(settings).begin() as conn:
        conn.execute(insert(predictions), rows)
        conn.execute(
            insert(published_lists).values(
                ano=year,
                model_version=version,
                published_at=datetime(year + 1, 2, 1, tzinfo=UTC),
                n_students=len(rows),
            )
        )


@pytest.fixture
def listed(settings: Settings) -> Settings:
    write_list(settings, 2024, {"RA-1": "critical", "RA-2": "alert", "RA-3": "expected"})
    return settings


def test_open_edit_action_and_history(listed: Settings, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    opened = cases_verbs.open_case(
        listed, "RA-1", 2024, "ana", responsible="ana", responsibles={"ana", "bia"}, today=TODAY
    )
    assert (opened.status, opened.responsible, opened.opened_by) == (cc.TO_CONTACT, "ana", "ana")
    result = cases_verbs.save_case(
        listed,
        "RA-1",
        2024,
        "bia",
        edit=CaseEdit(notes=NOTE, next_step="visitar a família", next_step_on=date(2025, 3, 20)),
        action=NewAction("conversa com a família", date(2025, 3, 3)),
        today=TODAY,
    )
    assert result.fields == (cc.NEXT_STEP, cc.NEXT_STEP_ON, cc.NOTES) and result.action_added
    assert not result.opened
    saved = result.case
    assert saved.status == cc.IN_PROGRESS  # an action moves 'a contatar' on
    assert saved.notes == NOTE and saved.next_step_on == date(2025, 3, 20)
    assert [(a.action_type, a.done_on, a.recorded_by) for a in saved.actions] == [
        ("conversa com a família", date(2025, 3, 3), "bia")
    ]
    timeline = cases_verbs.student_timeline(listed, "RA-1")
    assert timeline[cc.EVENT].tolist() == [cc.OPENED, cc.EDITED, cc.ACTION_ADDED]
    assert timeline[cc.USERNAME].tolist() == ["ana", "bia", "bia"]
    edited = {ch["field"]: ch for ch in timeline[cc.CHANGES].iloc[1]}
    assert edited[cc.NOTES]["redacted"] and edited[cc.NEXT_STEP]["new"] == "visitar a família"
    added = {ch["field"]: ch for ch in timeline[cc.CHANGES].iloc[2]}
    assert added[cc.STATUS] == {
        "field": cc.STATUS,
        "old": cc.TO_CONTACT,
        "new": cc.IN_PROGRESS,
        "redacted": False,
    }
    # The note lives in cases.notes only: not in the history, not in any log record.
    with cases_engine(listed).connect() as conn:
        history = conn.execute(select(case_history)).all()
    assert NOTE not in repr(history) and "secreta" not in repr(history)
    assert not [
        r for r in caplog.records if "secreta" in r.getMessage() or "RA-1" in r.getMessage()
    ]


def test_bad_edits_write_nothing(listed: Settings) -> None:
    cases_verbs.open_case(listed, "RA-1", 2024, "ana", today=TODAY)
    with pytest.raises(CaseError, match="já tem um caso"):
        cases_verbs.open_case(listed, "RA-1", 2024, "ana", today=TODAY)
    with pytest.raises(CaseError, match="não está na lista de 2024"):
        cases_verbs.open_case(listed, "RA-99", 2024, "ana", today=TODAY)
    with pytest.raises(CaseError, match="ainda não tem caso"):
        cases_verbs.set_status(listed, "RA-2", 2024, "ana", status=cc.IN_PROGRESS)
    # An invalid action inside a valid edit: the edit is rolled back too.
    with pytest.raises(CaseError, match="no futuro"):
        cases_verbs.save_case(
            listed,
            "RA-1",
            2024,
            "ana",
            edit=CaseEdit(notes="não deve ficar"),
            action=NewAction("psicologia", date(2025, 4, 1)),
            today=TODAY,
        )
    with pytest.raises(CaseError, match="Situação desconhecida"):
        cases_verbs.set_status(listed, "RA-1", 2024, "ana", status="done")
    case = cases_verbs.get_case(listed, "RA-1", 2024)
    assert case is not None and case.notes == "" and not case.actions
    with cases_engine(listed).connect() as conn:
        assert len(conn.execute(select(case_history)).all()) == 1
        assert not conn.execute(select(case_actions)).all()
        assert len(conn.execute(select(cases)).all()) == 1


def test_lists_my_cases_and_year_filters(listed: Settings) -> None:
    write_list(listed, 2023, {"RA-1": "alert", "RA-7": "critical"})
    cases_verbs.open_case(listed, "RA-1", 2023, "ana", responsible="ana", today=TODAY)
    cases_verbs.set_status(listed, "RA-1", 2023, "ana", status=cc.CLOSED)
    cases_verbs.open_case(listed, "RA-7", 2023, "ana", responsible="ana", today=TODAY)
    cases_verbs.set_next_step(
        listed, "RA-7", 2023, "ana", step="ligar", on=date(2025, 3, 12), today=TODAY
    )
    cases_verbs.open_case(listed, "RA-1", 2024, "ana", responsible="ana", today=TODAY)
    cases_verbs.set_next_step(
        listed, "RA-1", 2024, "ana", step="ligar", on=date(2025, 3, 11), today=TODAY
    )
    cases_verbs.open_case(listed, "RA-2", 2024, "bia", today=TODAY)
    later = date(2025, 3, 12)  # RA-1/2024's step is now overdue, RA-7/2023's is due today
    mine = cases_verbs.my_cases(listed, "ana", today=later)
    assert [(c.ra, c.ano) for c in mine] == [("RA-1", 2024), ("RA-7", 2023)]
    assert mine[0].overdue(later) and not mine[1].overdue(later)
    assert len(cases_verbs.my_cases(listed, "ana", today=later, include_closed=True)) == 3
    year = cases_verbs.cases_of_year(listed, 2024, today=later)
    assert year[cc.RA].tolist() == ["RA-1", "RA-2"] and year[cc.OVERDUE].tolist() == [True, False]
    assert cases_verbs.cases_of_year(listed, 2024, unassigned=True)[cc.RA].tolist() == ["RA-2"]
    assert cases_verbs.cases_of_year(listed, 2024, responsible="ana")[cc.RA].tolist() == ["RA-1"]
    assert cases_verbs.cases_of_year(listed, 2023, statuses=[cc.CLOSED])[cc.RA].tolist() == ["RA-1"]
    assert [c.ano for c in cases_verbs.student_cases(listed, "RA-1")] == [2023, 2024]
    assert set(cases_verbs.student_timeline(listed, "RA-1")[cc.ANO]) == {2023, 2024}
    assert cases_verbs.list_years(listed) == [2024, 2023]
    assert cases_verbs.student_names(listed, ["RA-1", "RA-9"]) == {"RA-1": "Aluno RA-1"}


def test_case_summary_is_aligned_on_the_list(listed: Settings) -> None:
    cases_verbs.open_case(listed, "RA-2", 2024, "ana", responsible="bia", today=TODAY)
    frame = pd.DataFrame(
        {"ra": ["RA-3", "RA-2", "RA-1"], "ano": [2024, 2024, 2024]}, index=[7, 8, 9]
    )
    summary = cases_verbs.case_summary(listed, frame)
    assert summary.index.tolist() == [7, 8, 9]
    assert summary[cc.RESPONSIBLE].tolist() == [None, "bia", None]
    assert summary[cc.STATUS].tolist() == [None, cc.TO_CONTACT, None]
    assert list(summary.columns) == list(cc.SUMMARY_COLUMNS)


def test_action_types_are_admin_maintained(listed: Settings) -> None:
    names = [t.name for t in cases_verbs.action_types(listed)]
    assert names == list(cc.DEFAULT_ACTION_TYPES)
    with pytest.raises(CasePermissionError, match="Só a administração"):
        cases_verbs.add_action_type(listed, "visita", "ana", is_admin=False)
    with pytest.raises(CasePermissionError):
        cases_verbs.set_action_type_active(listed, "psicologia", False, "ana", is_admin=False)
    assert cases_verbs.add_action_type(listed, " visita  domiciliar", "chefe", is_admin=True) == (
        "visita domiciliar"
    )
    cases_verbs.set_action_type_active(listed, "psicologia", False, "chefe", is_admin=True)
    active = [t.name for t in cases_verbs.action_types(listed)]
    assert "psicologia" not in active and active[-1] == "visita domiciliar"
    cases_verbs.open_case(listed, "RA-1", 2024, "ana", today=TODAY)
    with pytest.raises(CaseError, match="desativado"):
        cases_verbs.add_action(
            listed, "RA-1", 2024, "ana", action_type="psicologia", done_on=TODAY, today=TODAY
        )


def test_outcomes_of_a_past_year(listed: Settings) -> None:
    write_list(listed, 2023, {"RA-1": "critical", "RA-2": "alert", "RA-5": "expected"})
    assert cases_verbs.outcomes_of_year(listed, 2023) is None  # next year not loaded yet
    gold = pd.DataFrame(
        {
            "ra": ["RA-1", "RA-2", "RA-5", "RA-1", "RA-2"],
            "ano": [2023, 2023, 2023, 2024, 2024],
            "classe_proximo_ano": ["expected", "critical", "critical", None, None],
        }
    )
    gold_path(listed).parent.mkdir(parents=True, exist_ok=True)
    gold.to_parquet(gold_path(listed))
    cases_verbs.open_case(listed, "RA-1", 2023, "ana", today=date(2024, 5, 1))
    cases_verbs.add_action(
        listed,
        "RA-1",
        2023,
        "ana",
        action_type="psicologia",
        done_on=date(2024, 5, 2),
        today=date(2024, 5, 2),
    )
    assert cases_verbs.outcome_years(listed) == [2023]
    table = cases_verbs.outcomes_of_year(listed, 2023)
    assert table is not None
    rows = table.set_index(cc.GROUP)
    assert rows.loc["followed", [cc.N_FLAGGED, cc.N_LAGGED]].tolist() == [1, 0]
    assert rows.loc["not_followed", [cc.N_FLAGGED, cc.N_LAGGED]].tolist() == [1, 1]
    assert rows.loc["psicologia", cc.N_FLAGGED] == 1

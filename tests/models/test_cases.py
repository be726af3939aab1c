"""The pure case domain: status transitions, validation messages, desk order, outcomes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest

from models import case_columns as cc
from models.cases import (
    TRANSITIONS,
    Case,
    CaseEdit,
    CaseError,
    NewAction,
    apply_edit,
    check_action,
    check_action_type_name,
    check_transition,
    compare_outcomes,
    desk_order,
    status_after_action,
)

TODAY = date(2025, 3, 10)
NOW = datetime(2025, 3, 10, 12, tzinfo=UTC)


def case(
    id: int = 1,
    status: str = cc.TO_CONTACT,
    next_on: date | None = None,
    responsible: str | None = "ana",
    notes: str = "",
) -> Case:
    return Case(
        id=id,
        ra=f"RA-{id}",
        ano=2024,
        status=status,
        responsible=responsible,
        notes=notes,
        next_step="ligar" if next_on else None,
        next_step_on=next_on,
        opened_by="ana",
        opened_at=NOW,
        updated_by="ana",
        updated_at=NOW,
    )


# --- transitions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (None, cc.TO_CONTACT),
        (cc.TO_CONTACT, cc.IN_PROGRESS),
        (cc.TO_CONTACT, cc.NOT_FOUND),
        (cc.IN_PROGRESS, cc.CLOSED),
        (cc.NOT_FOUND, cc.TO_CONTACT),
        (cc.CLOSED, cc.IN_PROGRESS),
        (cc.CLOSED, cc.CLOSED),
    ],
)
def test_allowed_transitions(old: str | None, new: str) -> None:
    check_transition(old, new)


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        (None, cc.CLOSED, "Um caso novo não pode passar para 'encerrado'"),
        (cc.IN_PROGRESS, cc.TO_CONTACT, "'em acompanhamento' não pode passar para 'a contatar'"),
        (cc.CLOSED, cc.NOT_FOUND, "escolha 'em acompanhamento'"),
    ],
)
def test_refused_transitions_say_what_is_allowed(old: str | None, new: str, words: str) -> None:
    with pytest.raises(CaseError, match=words):
        check_transition(old, new)


def test_unknown_status_is_refused_in_portuguese() -> None:
    with pytest.raises(CaseError, match="Situação desconhecida"):
        check_transition(cc.TO_CONTACT, "done")


def test_every_status_can_be_left_and_reached() -> None:
    for status in cc.STATUSES:
        assert TRANSITIONS[status], status
        assert any(status in targets for targets in TRANSITIONS.values()), status


# --- edits ---------------------------------------------------------------------------------


def test_new_case_starts_to_contact_and_lists_its_fields() -> None:
    values = apply_edit(None, CaseEdit(responsible=" ana "), today=TODAY)
    assert (values.status, values.responsible) == (cc.TO_CONTACT, "ana")
    assert [ch.field for ch in values.changes] == [cc.RESPONSIBLE, cc.STATUS]


def test_notes_change_is_recorded_without_content() -> None:
    values = apply_edit(case(), CaseEdit(notes="ligou para a mãe"), today=TODAY)
    (change,) = values.changes
    assert change.field == cc.NOTES and change.redacted
    assert "mãe" not in repr(change.as_json())
    assert values.notes == "ligou para a mãe"


def test_keep_changes_nothing_and_none_clears() -> None:
    assert apply_edit(case(), CaseEdit(), today=TODAY).changes == ()
    cleared = apply_edit(case(), CaseEdit(responsible=None), today=TODAY)
    assert cleared.responsible is None
    assert cleared.changes[0].as_json() == {
        "field": cc.RESPONSIBLE,
        "old": "ana",
        "new": None,
        "redacted": False,
    }


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (CaseEdit(responsible="ghost"), "não é um usuário ativo"),
        (CaseEdit(next_step="ligar"), "Informe a data do próximo passo"),
        (CaseEdit(next_step_on=date(2025, 4, 1)), "Descreva o próximo passo"),
        (CaseEdit(next_step="ligar", next_step_on=date(2025, 3, 9)), "já passou"),
        (CaseEdit(next_step="x" * (cc.NEXT_STEP_MAX + 1), next_step_on=TODAY), "caracteres"),
        (CaseEdit(notes="x" * (cc.NOTES_MAX + 1)), "anotações passam"),
        (CaseEdit(status=cc.CLOSED), None),
    ],
)
def test_invalid_edits_are_refused_with_a_portuguese_message(
    edit: CaseEdit, message: str | None
) -> None:
    if message is None:  # closing an open case is fine
        assert apply_edit(case(), edit, today=TODAY, responsibles={"ana"}).status == cc.CLOSED
        return
    with pytest.raises(CaseError, match=message):
        apply_edit(case(), edit, today=TODAY, responsibles={"ana"})


def test_next_step_today_is_fine_and_an_old_date_kept_is_not_rechecked() -> None:
    ok = apply_edit(case(), CaseEdit(next_step="ligar", next_step_on=TODAY), today=TODAY)
    assert ok.next_step_on == TODAY
    late = case(next_on=date(2025, 1, 1))
    assert apply_edit(late, CaseEdit(notes="x"), today=TODAY).next_step_on == date(2025, 1, 1)


# --- actions -------------------------------------------------------------------------------

TYPES = ("conversa com a família", "psicologia")


@pytest.mark.parametrize(
    ("action", "status", "message"),
    [
        (NewAction("psicologia", TODAY), cc.CLOSED, "encerrado: reabra"),
        (NewAction("mágica", TODAY), cc.IN_PROGRESS, "Tipo de ação desconhecido"),
        (NewAction("psicologia", date(2025, 3, 11)), cc.IN_PROGRESS, "no futuro"),
        (NewAction("psicologia", date(2023, 12, 31)), cc.IN_PROGRESS, "anterior a 2024"),
    ],
)
def test_invalid_actions(action: NewAction, status: str, message: str) -> None:
    with pytest.raises(CaseError, match=message):
        check_action(action, status=status, year=2024, today=TODAY, action_types=TYPES)


def test_valid_action_and_status_after_it() -> None:
    check_action(
        NewAction("psicologia", date(2024, 1, 1)),
        status=cc.NOT_FOUND,
        year=2024,
        today=TODAY,
        action_types=TYPES,
    )
    assert status_after_action(cc.TO_CONTACT) == cc.IN_PROGRESS
    assert status_after_action(cc.NOT_FOUND) == cc.NOT_FOUND


def test_action_type_names() -> None:
    assert check_action_type_name("  visita   domiciliar ", TYPES) == "visita domiciliar"
    with pytest.raises(CaseError, match="já existe"):
        check_action_type_name("Psicologia", TYPES)
    with pytest.raises(CaseError, match="Escreva o nome"):
        check_action_type_name("   ", TYPES)


# --- desk order ----------------------------------------------------------------------------


def test_desk_order_overdue_first_then_upcoming_then_undated_then_closed() -> None:
    found = [
        case(1, cc.CLOSED, date(2025, 1, 1)),
        case(2, cc.IN_PROGRESS, None),
        case(3, cc.IN_PROGRESS, date(2025, 3, 20)),
        case(4, cc.TO_CONTACT, date(2025, 3, 9)),
        case(5, cc.NOT_FOUND, date(2025, 2, 1)),
        case(6, cc.IN_PROGRESS, TODAY),
    ]
    assert [c.id for c in desk_order(found, TODAY)] == [5, 4, 6, 3, 2, 1]
    assert [c.overdue(TODAY) for c in found] == [False, False, False, True, True, False]


# --- outcomes ------------------------------------------------------------------------------


def _independent(
    listed: pd.DataFrame, outcomes: pd.DataFrame, actions: pd.DataFrame
) -> dict[str, tuple[int, int, int]]:
    """The same counts by plain loops over students (no pandas grouping)."""
    flagged = {r.ra for r in listed.itertuples() if r.classe in ("critical", "alert")}
    real = {r.ra: r.classe_proximo_ano for r in outcomes.itertuples()}
    types: dict[str, set[str]] = {}
    for r in actions.itertuples():
        if r.ra in flagged:
            types.setdefault(r.action_type, set()).add(r.ra)
    followed = set().union(*types.values()) if types else set()
    groups = {"followed": followed, "not_followed": flagged - followed, **types}
    result = {}
    for name, members in groups.items():
        known = [ra for ra in members if isinstance(real.get(ra), str)]
        lagged = [ra for ra in known if real[ra] in ("critical", "alert")]
        result[name] = (len(members), len(known), len(lagged))
    return result


def test_outcomes_match_an_independent_count() -> None:
    rng = np.random.default_rng(3)
    n = 200
    ras = [f"RA-{i}" for i in range(n)]
    listed = pd.DataFrame(
        {"ra": ras, "classe": rng.choice(["critical", "alert", "expected"], n, p=[0.3, 0.3, 0.4])}
    )
    real = rng.choice(["critical", "alert", "expected", None], n, p=[0.2, 0.2, 0.4, 0.2])
    outcomes = pd.DataFrame({"ra": ras, "classe_proximo_ano": pd.array(real, dtype="string")})
    acting = rng.choice(ras, 90)
    actions = pd.DataFrame(
        {"ra": acting, "action_type": rng.choice(["psicologia", "reforço escolar"], 90)}
    )
    table = compare_outcomes(listed, outcomes, actions)
    expected = _independent(listed, outcomes.astype(object), actions)
    got = {r.group: (r.n_flagged, r.n_known, r.n_lagged) for r in table.itertuples(index=False)}
    assert got == expected
    row = table.set_index(cc.GROUP).loc["followed"]
    assert row[cc.SHARE_LAGGED] == pytest.approx(row[cc.N_LAGGED] / row[cc.N_KNOWN])
    kinds = table.set_index(cc.GROUP)[cc.GROUP_KIND]
    assert kinds["psicologia"] == cc.BY_ACTION and kinds["not_followed"] == cc.NOT_FOLLOWED


def test_outcomes_flag_small_groups_and_ignore_unflagged_actions() -> None:
    listed = pd.DataFrame(
        {"ra": ["A", "B", "C", "D"], "classe": ["critical", "alert", "expected", "critical"]}
    )
    outcomes = pd.DataFrame(
        {"ra": ["A", "B", "C"], "classe_proximo_ano": ["expected", "critical", "critical"]}
    )
    actions = pd.DataFrame({"ra": ["A", "C"], "action_type": ["psicologia", "psicologia"]})
    table = compare_outcomes(listed, outcomes, actions).set_index(cc.GROUP)
    assert table.loc["followed", cc.N_FLAGGED] == 1  # C is not flagged: its action is ignored
    assert table.loc["not_followed", [cc.N_FLAGGED, cc.N_KNOWN, cc.N_LAGGED]].tolist() == [2, 1, 1]
    assert table[cc.SMALL_SAMPLE].all()
    empty = compare_outcomes(listed, outcomes, actions.iloc[0:0]).set_index(cc.GROUP)
    assert empty.loc["followed", cc.N_FLAGGED] == 0
    assert np.isnan(empty.loc["followed", cc.SHARE_LAGGED])

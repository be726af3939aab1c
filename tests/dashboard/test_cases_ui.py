"""The reusable case pieces other pages call: case columns for a list, change descriptions,
and the catalog entries of every status, event and field."""

from __future__ import annotations

from datetime import date

import pandas as pd

from config import Settings
from cycle import cases as case_verbs
from dashboard import cases_ui
from dashboard.i18n import CATALOG
from models import case_columns as cc
from tests.cycle.test_cases import write_list


def test_case_columns_align_on_the_list_and_read_as_words(settings: Settings) -> None:
    write_list(settings, 2024, {"RA-1": "critical", "RA-2": "alert"})
    case_verbs.open_case(settings, "RA-2", 2024, "ana", responsible="bia")
    case_verbs.set_next_step(
        settings, "RA-2", 2024, "ana", step="ligar", on=date(2099, 5, 4), today=date(2025, 1, 1)
    )
    frame = pd.DataFrame({"ra": ["RA-1", "RA-2"], "ano": [2024, 2024]}, index=[10, 11])
    columns = cases_ui.case_columns(frame)
    assert columns.index.tolist() == [10, 11]
    assert list(columns.columns) == [
        "Responsável",
        "Situação do caso",
        "Próximo passo",
        "Data do próximo passo",
    ]
    assert columns.loc[10].tolist() == ["", "", "", ""]
    assert columns.loc[11].tolist() == ["bia", "a contatar", "ligar", "04/05/2099"]
    assert len(pd.concat([frame, columns], axis=1)) == 2


def test_changes_read_as_a_sentence_and_notes_stay_hidden() -> None:
    text = cases_ui.describe_changes(
        [
            {"field": cc.STATUS, "old": cc.TO_CONTACT, "new": cc.IN_PROGRESS, "redacted": False},
            {"field": cc.NEXT_STEP_ON, "old": None, "new": "2025-03-20", "redacted": False},
            {"field": cc.NOTES, "old": None, "new": None, "redacted": True},
        ]
    )
    assert text == (
        "situação: a contatar → em acompanhamento; data do próximo passo: — → 20/03/2025; "
        "anotações: alteradas (o texto fica só no caso)"
    )


def test_every_status_event_and_field_is_in_both_languages() -> None:
    fields = (cc.RESPONSIBLE, cc.STATUS, cc.NOTES, cc.NEXT_STEP, cc.NEXT_STEP_ON)
    for key in (
        *(f"case_status.{s}" for s in cc.STATUSES),
        *(f"case_event.{e}" for e in cc.EVENTS),
        *(f"case_field.{f}" for f in (*fields, cc.ACTION_TYPE, cc.DONE_ON)),
        *(f"casos.outcomes_{k}" for k in (cc.FOLLOWED, cc.NOT_FOLLOWED)),
        "action.case",
        "action.case_action_types",
        "nav.casos",
    ):
        pt, en = CATALOG[key]
        assert pt and en, key

"""Case follow-up pieces any page can show with one line: case columns for a list, a student's
case timeline, the signed-in user's cases, the followed/not-followed comparison.

Thin over ``cycle.cases``; no caching (a case changes on every save and the reads are small).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from cycle import cases as case_verbs
from dashboard import data, ui
from dashboard.auth import User
from dashboard.i18n import t
from models import case_columns as cc
from models.cases import Case


def status_label(code: Any) -> str:
    return t(f"case_status.{code}") if code in cc.STATUSES else ""


def fmt_day(value: Any) -> str:
    """A calendar day as a coordinator writes it (dd/mm/aaaa); empty when missing."""
    if value is None or (not isinstance(value, date) and pd.isna(value)):
        return ""
    return pd.Timestamp(value).strftime("%d/%m/%Y")


def case_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Responsible, case status, next step and its date for each row of a list (``ra``, ``ano``),
    aligned on ``frame``'s index with translated headers: ``pd.concat([frame, case_columns(frame)],
    axis=1)`` adds them to a risk list or an export. Empty text where no case was opened."""
    raw = case_verbs.case_summary(data.settings(), frame)
    return pd.DataFrame(
        {
            t("case.col_responsible"): raw[cc.RESPONSIBLE].fillna(""),
            t("case.col_status"): raw[cc.STATUS].map(status_label),
            t("case.col_next_step"): raw[cc.NEXT_STEP].fillna(""),
            t("case.col_next_step_on"): raw[cc.NEXT_STEP_ON].map(fmt_day),
        },
        index=frame.index,
    )


def _desk_table(found: Sequence[Case], today: date, names: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("case.col_year"): [case.ano for case in found],
            t("col.ra"): [case.ra for case in found],
            t("col.nome"): [names.get(case.ra, "") for case in found],
            t("case.col_status"): [status_label(case.status) for case in found],
            t("case.col_next_step"): [case.next_step or "" for case in found],
            t("case.col_next_step_on"): [fmt_day(case.next_step_on) for case in found],
            t("case.col_overdue"): [
                t("case.overdue_yes") if case.overdue(today) else "" for case in found
            ],
            t("case.col_actions"): [len(case.actions) for case in found],
        }
    )


def render_my_cases(user: User) -> None:
    """'Meus casos': the open cases ``user`` is responsible for, overdue next steps first."""
    cfg = data.settings()
    today = case_verbs.today_local()
    found = case_verbs.my_cases(cfg, user.username, today=today)
    st.subheader(t("case.my_title"))
    if not found:
        st.caption(t("case.my_none"))
        return
    late = sum(case.overdue(today) for case in found)
    if late:
        st.warning(t("case.my_overdue", n=late), icon=":material/alarm:")
    names = case_verbs.student_names(cfg, {case.ra for case in found})
    st.dataframe(_desk_table(found, today, names), hide_index=True, key="cases_my_table")


def describe_changes(changes: Sequence[dict[str, Any]]) -> str:
    """One line per history row: 'situação: a contatar → em acompanhamento; anotações alteradas'."""
    parts = []
    for change in changes:
        name = t(f"case_field.{change['field']}")
        if change.get("redacted"):
            parts.append(t("case.redacted", field=name))
            continue
        old, new = (_value(change["field"], change[k]) for k in ("old", "new"))
        parts.append(t("case.change", field=name, old=old, new=new))
    return "; ".join(parts)


def _value(name: str, value: Any) -> str:
    if value is None or value == "":
        return t("case.none_value")
    if name == cc.STATUS:
        return status_label(value)
    if name in (cc.NEXT_STEP_ON, cc.DONE_ON):
        return fmt_day(pd.Timestamp(value).date())
    return str(value)


def render_student_timeline(ra: str) -> None:
    """The student's cases across list years: status, responsible, next step, notes, actions,
    and who changed what when."""
    cfg = data.settings()
    found = case_verbs.student_cases(cfg, ra)
    st.subheader(t("case.timeline_title"))
    if not found:
        st.caption(t("case.timeline_none"))
        return
    history = case_verbs.student_timeline(cfg, ra)
    for case in reversed(found):  # newest list first
        who = case.responsible or t("case.nobody")
        st.markdown(
            "**"
            + t("case.timeline_case", year=case.ano, status=status_label(case.status), who=who)
            + "**"
        )
        if case.next_step:
            st.write(t("case.timeline_next", step=case.next_step, when=fmt_day(case.next_step_on)))
        if case.notes:
            st.text_area(
                t("case.timeline_notes"),
                value=case.notes,
                disabled=True,
                key=f"cases_timeline_notes_{ra}_{case.ano}",
            )
        if case.actions:
            st.caption(t("case.timeline_actions"))
            st.dataframe(
                pd.DataFrame(
                    {
                        t("case.col_action_type"): [a.action_type for a in case.actions],
                        t("case.col_done_on"): [fmt_day(a.done_on) for a in case.actions],
                        t("col.who"): [a.recorded_by for a in case.actions],
                    }
                ),
                hide_index=True,
                key=f"cases_timeline_actions_{ra}_{case.ano}",
            )
        rows = history[history[cc.ANO] == case.ano]
        with st.expander(t("case.timeline_history")):
            st.dataframe(
                pd.DataFrame(
                    {
                        t("col.when"): rows[cc.AT].map(ui.fmt_when),
                        t("col.who"): rows[cc.USERNAME],
                        t("case.col_event"): rows[cc.EVENT].map(lambda e: t(f"case_event.{e}")),
                        t("case.col_what"): rows[cc.CHANGES].map(describe_changes),
                    }
                ),
                hide_index=True,
                key=f"cases_timeline_history_{ra}_{case.ano}",
            )


def _group_label(kind: str, name: str) -> str:
    if kind == cc.BY_ACTION:
        return t("casos.outcomes_action", name=name)
    return t(f"casos.outcomes_{kind}")


def render_outcomes() -> None:
    """Followed vs not followed (and by action) on the newest list whose next year is loaded:
    counts and shares, worded as an association, with a caution on small groups."""
    cfg = data.settings()
    st.subheader(t("casos.outcomes_title"))
    years = case_verbs.outcome_years(cfg)
    table = case_verbs.outcomes_of_year(cfg, years[0]) if years else None
    if table is None:
        st.caption(t("casos.outcomes_none"))
        return
    year = years[0]
    st.caption(t("casos.outcomes_intro", year=year, next_year=year + 1))
    shown = pd.DataFrame(
        {
            t("casos.outcomes_group"): [
                _group_label(k, g)
                for k, g in zip(table[cc.GROUP_KIND], table[cc.GROUP], strict=True)
            ],
            t("casos.outcomes_flagged"): table[cc.N_FLAGGED],
            t("casos.outcomes_known"): table[cc.N_KNOWN],
            t("casos.outcomes_lagged"): table[cc.N_LAGGED],
            t("casos.outcomes_share"): table[cc.SHARE_LAGGED].map(ui.fmt_pct),
            "": [t("casos.outcomes_caution") if s else "" for s in table[cc.SMALL_SAMPLE]],
        }
    )
    st.dataframe(shown, hide_index=True, key="cases_outcomes_table")
    if table[cc.SMALL_SAMPLE].any():
        st.info(t("casos.outcomes_small", n=cc.SMALL_N), icon=":material/info:")


__all__ = [
    "case_columns",
    "describe_changes",
    "render_my_cases",
    "render_outcomes",
    "render_student_timeline",
    "status_label",
]

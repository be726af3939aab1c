"""Casos: the coordinators' case desk — my cases, the cases of a list year, open or edit a case
for a flagged student, the student's timeline; admins keep the list of action types here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pandas as pd
import streamlit as st

from config import Settings
from cycle import cases as case_verbs
from dashboard import audit, auth, cases_ui, data, ui
from dashboard.i18n import t
from models import case_columns as cc
from models import columns as pc
from models.cases import TRANSITIONS, CaseEdit, CaseError, NewAction
from pipeline import columns as c

FLASH_KEY = "casos_flash"
GENERATION_KEY = "casos_form_generation"
NOBODY = ""
ALL = "__all__"
UNASSIGNED = "__unassigned__"


def render() -> None:
    cfg = data.settings()
    user = ui.current_user()
    st.title(t("casos.title"))
    st.caption(t("casos.intro"))
    if flash := st.session_state.pop(FLASH_KEY, None):
        st.success(t(flash), icon=":material/check:")
    cases_ui.render_my_cases(user)
    years = case_verbs.list_years(cfg)
    if not years:
        ui.next_step("casos.no_list")
        _action_types(cfg, user)
        return
    year = st.selectbox(t("casos.year"), years, key="casos_year")
    flagged = case_verbs.flagged_of_year(cfg, int(year))
    responsibles = _responsibles(cfg, user)
    _year_cases(cfg, int(year), flagged, responsibles)
    ra = _case_form(cfg, user, int(year), flagged, responsibles)
    if ra:
        cases_ui.render_student_timeline(ra)
    cases_ui.render_outcomes()
    _action_types(cfg, user)


def _responsibles(cfg: Settings, user: auth.User) -> list[str]:
    """Active dashboard accounts (and the signed-in user, who may come from OIDC)."""
    names = {str(u["username"]) for u in auth.list_users(cfg) if u["active"]}
    return sorted(names | {user.username})


def _year_cases(cfg: Settings, year: int, flagged: pd.DataFrame, responsibles: list[str]) -> None:
    st.subheader(t("casos.year_title", year=year))
    every = case_verbs.cases_of_year(cfg, year)
    flagged_with_case = flagged[c.RA].isin(every[cc.RA])
    cols = st.columns(4)
    cols[0].metric(t("casos.flagged"), len(flagged))
    cols[1].metric(t("casos.with_case"), int(flagged_with_case.sum()))
    cols[2].metric(t("casos.without_case"), int((~flagged_with_case).sum()))
    cols[3].metric(t("casos.unassigned"), int(every[cc.RESPONSIBLE].isna().sum()))
    left, right = st.columns(2)
    statuses = left.multiselect(
        t("casos.filter_status"),
        options=list(cc.STATUSES),
        format_func=cases_ui.status_label,
        placeholder=t("casos.filter_all"),
        key="casos_filter_status",
    )
    who = right.selectbox(
        t("casos.filter_responsible"),
        options=[ALL, UNASSIGNED, *responsibles],
        format_func=lambda v: {
            ALL: t("casos.filter_all"),
            UNASSIGNED: t("casos.filter_unassigned"),
        }.get(v, v),
        key="casos_filter_responsible",
    )
    shown = case_verbs.cases_of_year(
        cfg,
        year,
        statuses=statuses,
        responsible=None if who in (ALL, UNASSIGNED) else who,
        unassigned=who == UNASSIGNED,
    )
    if shown.empty:
        st.caption(t("casos.year_none"))
        return
    names = dict(zip(flagged[c.RA], flagged[c.NOME].fillna(""), strict=True))
    st.dataframe(
        pd.DataFrame(
            {
                t("col.ra"): shown[cc.RA],
                t("col.nome"): shown[cc.RA].map(names).fillna(""),
                t("case.col_responsible"): shown[cc.RESPONSIBLE].fillna(t("case.nobody")),
                t("case.col_status"): shown[cc.STATUS].map(cases_ui.status_label),
                t("case.col_next_step"): shown[cc.NEXT_STEP].fillna(""),
                t("case.col_next_step_on"): shown[cc.NEXT_STEP_ON].map(cases_ui.fmt_day),
                t("case.col_overdue"): shown[cc.OVERDUE].map(
                    lambda late: t("case.overdue_yes") if late else ""
                ),
                t("case.col_actions"): shown[cc.N_ACTIONS],
                t("case.col_last_action"): shown[cc.LAST_ACTION_ON].map(cases_ui.fmt_day),
            }
        ),
        hide_index=True,
        key="casos_year_table",
    )


def _case_form(
    cfg: Settings, user: auth.User, year: int, flagged: pd.DataFrame, responsibles: list[str]
) -> str | None:
    """Open or edit the case of one flagged student; returns the chosen student's RA."""
    st.subheader(t("casos.form_title"))
    if flagged.empty:
        st.caption(t("casos.year_none"))
        return None
    labels = {
        row[c.RA]: t(
            "casos.student_option",
            ra=row[c.RA],
            nome=row.get(c.NOME) or "",
            classe=ui.class_label(row[pc.CLASSE]),
        )
        for _, row in flagged.iterrows()
    }
    ra = st.selectbox(
        t("casos.student"), list(labels), format_func=labels.__getitem__, key="casos_student"
    )
    current = case_verbs.get_case(cfg, ra, year)
    if current is None:
        st.caption(t("casos.new_case"))
    else:
        st.caption(
            t("casos.existing_case", who=current.opened_by, when=ui.fmt_when(current.opened_at))
        )
    status_now = None if current is None else current.status
    statuses = [cc.TO_CONTACT if status_now is None else status_now]
    statuses += [s for s in cc.STATUSES if s in TRANSITIONS[status_now] and s not in statuses]
    people = [NOBODY, *responsibles]
    if current is not None and current.responsible and current.responsible not in people:
        people.append(current.responsible)  # a disabled account keeps its cases visible
    types = [a.name for a in case_verbs.action_types(cfg)]
    # A new generation after each save gives fresh widgets (the action just recorded is not
    # offered again); ``seen`` is the case as the user first saw it in this generation.
    suffix = f"{year}_{ra}_{st.session_state.get(GENERATION_KEY, 0)}"
    seen = st.session_state.setdefault(
        f"casos_seen_{suffix}", None if current is None else current.updated_at
    )
    with st.form(f"casos_form_{suffix}"):
        left, right = st.columns(2)
        responsible = left.selectbox(
            t("casos.responsible"),
            people,
            index=people.index(current.responsible or NOBODY) if current else 0,
            format_func=lambda v: v or t("case.nobody"),
            key=f"casos_responsible_{suffix}",
        )
        status = right.selectbox(
            t("casos.status"),
            statuses,
            format_func=cases_ui.status_label,
            key=f"casos_status_{suffix}",
        )
        notes = st.text_area(
            t("casos.notes"),
            value=current.notes if current else "",
            help=t("casos.notes_help"),
            max_chars=cc.NOTES_MAX,
            key=f"casos_notes_{suffix}",
        )
        left, right = st.columns(2)
        next_step = left.text_input(
            t("casos.next_step"),
            value=(current.next_step or "") if current else "",
            max_chars=cc.NEXT_STEP_MAX,
            key=f"casos_next_step_{suffix}",
        )
        next_on = right.date_input(
            t("casos.next_step_on"),
            value=current.next_step_on if current else None,
            format="DD/MM/YYYY",
            key=f"casos_next_on_{suffix}",
        )
        left, right = st.columns(2)
        action_type = left.selectbox(
            t("casos.action_type"),
            [NOBODY, *types],
            format_func=lambda v: v or t("casos.action_none"),
            help=t("casos.action_help"),
            key=f"casos_action_type_{suffix}",
        )
        action_on = right.date_input(
            t("casos.action_on"),
            value=case_verbs.today_local(),
            format="DD/MM/YYYY",
            key=f"casos_action_on_{suffix}",
        )
        submitted = st.form_submit_button(t("casos.save"), type="primary")
    if submitted:
        edit = CaseEdit(
            responsible=responsible or None,
            status=status,
            notes=notes,
            next_step=next_step or None,
            next_step_on=next_on if isinstance(next_on, date) else None,
        )
        action = (
            NewAction(action_type, action_on)
            if action_type and isinstance(action_on, date)
            else None
        )
        _save(cfg, user, ra, year, edit=edit, action=action, responsibles=people[1:], seen=seen)
    return str(ra)


def _save(
    cfg: Settings,
    user: auth.User,
    ra: str,
    year: int,
    *,
    edit: CaseEdit,
    action: NewAction | None,
    responsibles: list[str],
    seen: datetime | None,
) -> None:
    try:
        saved = case_verbs.save_case(
            cfg,
            ra,
            year,
            user.username,
            edit=edit,
            action=action,
            responsibles=responsibles,
            seen=seen,
        )
    except CaseError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    if not (saved.opened or saved.fields or saved.action_added):
        st.info(t("casos.nothing_changed"))
        return
    audit.record(
        cfg,
        user.username,
        audit.CASE,
        year=year,
        case_id=saved.case.id,
        opened=saved.opened,
        fields=list(saved.fields),
        action_added=saved.action_added,
    )
    st.session_state[FLASH_KEY] = "casos.saved"
    st.session_state[GENERATION_KEY] = st.session_state.get(GENERATION_KEY, 0) + 1
    st.rerun()


def _action_types(cfg: Settings, user: auth.User) -> None:
    """Admin only: the action types coordinators choose from."""
    if not user.is_admin:
        return
    with st.expander(t("casos.types_title")):
        st.caption(t("casos.types_caption"))
        every = case_verbs.action_types(cfg, include_inactive=True)
        st.dataframe(
            pd.DataFrame(
                {
                    t("casos.types_name"): [a.name for a in every],
                    t("casos.types_active"): [a.active for a in every],
                }
            ),
            hide_index=True,
            key="casos_types_table",
        )
        left, right = st.columns(2)
        name = left.text_input(t("casos.types_new"), key="casos_types_new")
        if left.button(t("casos.types_add"), key="casos_types_add"):
            _change_types(
                cfg,
                user,
                lambda: case_verbs.add_action_type(cfg, name, user.username, is_admin=True),
                "casos.types_added",
            )
        picked = right.selectbox(
            t("casos.types_pick"), [a.name for a in every], key="casos_types_pick"
        )
        if right.button(t("casos.types_toggle"), key="casos_types_toggle") and picked:
            active = next(a.active for a in every if a.name == picked)
            _change_types(
                cfg,
                user,
                lambda: case_verbs.set_action_type_active(
                    cfg, picked, not active, user.username, is_admin=True
                ),
                "casos.types_toggled",
            )


def _change_types(cfg: Settings, user: auth.User, change: Callable[[], object], done: str) -> None:
    try:
        change()
    except CaseError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    audit.record(cfg, user.username, audit.CASE_ACTION_TYPES)
    st.session_state[FLASH_KEY] = done
    st.rerun()


render()

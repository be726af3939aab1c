"""LGPD pieces of the pages: the access log of *Aluno*, the admin's erasure, the access-log view.

Each page calls one function here, so the pages keep their own layout and this stays in one place.
"""

from __future__ import annotations

from typing import Any, Final

import pandas as pd
import streamlit as st

from config import Settings
from cycle import privacy
from dashboard import audit, ui
from dashboard.i18n import t

VIEWED_KEY: Final = "privacy_viewed_ra"


def _writer(cfg: Settings) -> privacy.AuditWriter:
    def write(user: str, action: str, detail: dict[str, Any]) -> None:
        audit.record(cfg, user, action, **detail)

    return write


def student_opened(cfg: Settings, ra: str) -> None:
    """*Aluno* hook: log who opened this student (once per selection); admins may erase them."""
    user = ui.current_user()
    if st.session_state.get(VIEWED_KEY) != ra:
        audit.record(cfg, user.username, privacy.VIEW_STUDENT, ra=ra)
        st.session_state[VIEWED_KEY] = ra
    if user.is_admin:
        _erase_form(cfg, ra, user.username)


def _erase_form(cfg: Settings, ra: str, username: str) -> None:
    with st.expander(t("privacy.erase_title"), icon=":material/delete_forever:"):
        st.warning(t("privacy.erase_warning"))
        with st.form("aluno_erase", clear_on_submit=True):
            reason = st.text_input(t("privacy.erase_reason"), key="aluno_erase_reason")
            typed = st.text_input(t("privacy.erase_confirm", ra=ra), key="aluno_erase_confirm")
            if not st.form_submit_button(t("privacy.erase_button"), type="primary"):
                return
        if typed.strip() != ra:
            st.error(t("privacy.erase_mismatch", ra=ra))
            return
        with ui.boundary("aluno.erase"):
            report = privacy.erase_student(cfg, ra, reason, username, _writer(cfg))
            st.cache_data.clear()  # cached frames still hold the student
            st.session_state.pop(VIEWED_KEY, None)
            st.session_state.pop("aluno_ra", None)
            st.query_params.pop("ra", None)
            st.toast(
                t(
                    "privacy.erased",
                    files=len(report.files_rewritten),
                    rows=sum(report.rows_deleted.values()),
                ),
                icon=":material/check:",
            )
            st.rerun()


def access_log_section(cfg: Settings) -> None:
    """Admin section (*Contas*): who opened which student and who exported which list."""
    st.subheader(t("privacy.access_title"))
    st.caption(
        t(
            "privacy.access_caption",
            days=cfg.access_log_retention_days,
            audit_days=cfg.audit_retention_days,
            lists=_lists_kept(cfg.predictions_keep_years),
        )
    )
    log = audit.entries(cfg, privacy.ACCESS_ACTIONS, limit=500)
    if log.empty:
        st.caption(t("privacy.access_empty"))
        return
    st.dataframe(
        pd.DataFrame(
            {
                t("col.when"): log["at"].map(ui.fmt_when),
                t("col.who"): log["username"],
                t("contas.action"): log["action"].map(lambda a: t(f"action.{a}")),
                t("privacy.subject"): log["detail"].map(_subject),
            }
        ),
        hide_index=True,
        key="contas_access_log",
    )


def _lists_kept(years: int | None) -> str:
    return t("privacy.lists_forever") if years is None else t("privacy.lists_kept", years=years)


def _subject(detail: Any) -> str:
    """The student (RA) opened or exported, or the list exported (year, format)."""
    if not isinstance(detail, dict):
        return ""
    if "ra" in detail:
        return str(detail["ra"])
    return t("privacy.list_subject", year=detail.get("year", "?"), fmt=detail.get("format", "?"))

"""Review of years flagged as probable copies, on *Dados*: an admin accepts the year or keeps the
warning, with a reason (``cycle.copies.review_copy``, the verb of ``passos accept-copy``);
coordinators see the warning and who can act on it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from config import Settings
from cycle.copies import ACCEPT, KEEP, copy_flags, review_copy, reviews
from dashboard import audit, ui
from dashboard.auth import User
from dashboard.i18n import t

NOTICE_KEY = "copy_review_notice"


def render(cfg: Settings, user: User) -> None:
    """Every open probable-copy flag with its review form (admins), then the decisions made."""
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.success(notice, icon=":material/check_circle:")
    for flag in copy_flags(cfg):
        if flag.accepted:
            continue
        with st.container(border=True):
            st.markdown(f"**{t('copy.review_title', year=flag.ano)}**")
            ui.copy_banner(cfg, flag.ano)
            st.caption(t("copy.review_intro", year=flag.ano, previous=flag.ano - 1))
            if user.is_admin:
                _form(cfg, user, flag.ano)
            else:
                st.info(t("copy.admin_only"))
    if user.is_admin:
        _history(cfg)


def _form(cfg: Settings, user: User, year: int) -> None:
    reason = st.text_input(
        t("copy.reason"),
        placeholder=t("copy.reason_placeholder"),
        key=f"copy_reason_{year}",
    )
    left, right = st.columns(2)
    accept = left.button(t("copy.accept", year=year), key=f"copy_accept_{year}", type="primary")
    keep = right.button(t("copy.keep"), key=f"copy_keep_{year}")
    if not (accept or keep):
        return
    if not (reason or "").strip():
        st.error(t("copy.need_reason"), icon=":material/error:")
        return
    decision = ACCEPT if accept else KEEP
    with st.spinner(t("copy.accept", year=year)):
        review_copy(cfg, year, decision, user=user.username, reason=reason)
    audit.record(cfg, user.username, audit.ACCEPT_COPY, year=year, decision=decision)
    st.session_state[NOTICE_KEY] = t("copy.accepted" if accept else "copy.kept", year=year)
    st.cache_data.clear()  # the gold labels change on acceptance
    st.rerun()


def _history(cfg: Settings) -> None:
    done = reviews(cfg)
    if done.empty:
        return
    with st.expander(t("copy.history")):
        st.dataframe(
            pd.DataFrame(
                {
                    t("col.ano"): done["ano"],
                    t("copy.history"): done["decision"].map(lambda d: t(f"copy.decision_{d}")),
                    t("copy.reason"): done["reason"],
                    t("col.when"): done["at"].map(ui.fmt_when),
                    "👤": done["username"],
                }
            ),
            hide_index=True,
            key="copy_reviews",
        )

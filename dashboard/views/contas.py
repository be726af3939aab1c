"""Contas (admin): accounts and roles, and the audit log of uploads, exports and promotions."""

from __future__ import annotations

from typing import cast

import pandas as pd
import streamlit as st

from dashboard import audit, auth, data, privacy_ui, ui
from dashboard.i18n import t


def render() -> None:
    cfg = data.settings()
    me = ui.current_user()
    st.title(t("contas.title"))
    if not me.is_admin:
        st.warning(t("common.admin_only"))
        return
    users = pd.DataFrame(
        auth.list_users(cfg), columns=["username", "role", "active", "last_login_at"]
    )
    st.dataframe(
        pd.DataFrame(
            {
                t("contas.username"): users["username"],
                t("contas.role"): users["role"].map(lambda r: t(f"role.{r}")),
                t("contas.active"): users["active"].astype(bool),
                t("contas.last_login"): users["last_login_at"].map(ui.fmt_when),
            }
        ),
        hide_index=True,
        key="contas_table",
    )
    left, right = st.columns(2)
    with left, st.form("contas_new", clear_on_submit=True):
        st.markdown(f"**{t('contas.new_title')}**")
        name = st.text_input(t("contas.username"), key="contas_new_name")
        password = st.text_input(t("signin.password"), type="password", key="contas_new_pw")
        role = st.selectbox(
            t("contas.role"),
            auth.ROLES,
            format_func=lambda r: t(f"role.{r}"),
            key="contas_new_role",
        )
        if st.form_submit_button(t("contas.create"), type="primary"):
            _apply(
                lambda: auth.create_user(cfg, name, password, cast(auth.Role, role), me.username),
                "contas.created",
                action="create",
                target=name.strip().lower(),
            )
    with right, st.form("contas_edit"):
        st.markdown(f"**{t('contas.edit_title')}**")
        target = st.selectbox(t("contas.username"), users["username"], key="contas_edit_user")
        new_pw = st.text_input(t("contas.new_password"), type="password", key="contas_edit_pw")
        new_role = st.selectbox(
            t("contas.role"),
            auth.ROLES,
            format_func=lambda r: t(f"role.{r}"),
            key="contas_edit_role",
        )
        active = st.checkbox(t("contas.active"), value=True, key="contas_edit_active")
        if st.form_submit_button(t("contas.save")):

            def save() -> None:
                if new_pw:
                    auth.set_password(cfg, target, new_pw)
                auth.set_role(cfg, target, cast(auth.Role, new_role), me.username)
                auth.set_active(cfg, target, active, me.username)

            _apply(save, "contas.saved", action="update", target=target)
    st.subheader(t("contas.audit_title"))
    log = audit.entries(cfg)
    if log.empty:
        st.caption(t("contas.audit_empty"))
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    t("col.when"): log["at"].map(ui.fmt_when),
                    t("col.who"): log["username"],
                    t("contas.action"): log["action"].map(lambda a: t(f"action.{a}")),
                    t("contas.detail"): log["detail"].map(str),
                }
            ),
            hide_index=True,
            key="contas_audit",
        )
    privacy_ui.access_log_section(cfg)


def _apply(operation: object, done_key: str, *, action: str, target: str) -> None:
    cfg = data.settings()
    try:
        operation()  # type: ignore[operator]
    except auth.AccountError as exc:
        st.error(t(str(exc)))
        return
    audit.record(cfg, ui.current_user().username, audit.ACCOUNT, change=action, account=target)
    st.success(t(done_key, user=target))


render()

"""Contas (admin): accounts and roles, and the audit log of uploads, exports and promotions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, cast

import pandas as pd
import streamlit as st

from config import Settings
from dashboard import audit, auth, data, privacy_ui, ui
from dashboard.i18n import t

DONE_KEY: Final = "contas_done"


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
    if done := st.session_state.pop(DONE_KEY, None):
        st.success(done)
    left, right = st.columns(2)
    with left, st.form("contas_new", clear_on_submit=True):
        st.markdown(f"**{t('contas.new_title')}**")
        name = st.text_input(t("contas.username"), key="contas_new_name")
        password = st.text_input(t("signin.password"), type="password", key="contas_new_pw")
        st.caption(t("contas.password_rules", n=cfg.password_min_length))
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
                target=auth.normalise(name),
            )
    with right:
        st.markdown(f"**{t('contas.edit_title')}**")
        target = st.selectbox(t("contas.pick"), users["username"], key="contas_edit_user")
        if target is not None:
            _edit(cfg, me, users.set_index("username").loc[target], str(target))
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


def _edit(cfg: Settings, me: auth.User, account: pd.Series, target: str) -> None:
    """Password, role and status of one account: three separate actions, each on its own."""
    with st.form(f"contas_pw_{target}", clear_on_submit=True):
        st.markdown(t("contas.password_title"))
        new_pw = st.text_input(t("contas.new_password"), type="password", key="contas_edit_pw")
        st.caption(t("contas.password_rules", n=cfg.password_min_length))
        if st.form_submit_button(t("contas.password_save"), key="contas_pw_save"):
            # Changing one's own password keeps this tab signed in; every other session ends.
            mine = st.session_state.get(ui.SESSION_KEY) if target == me.username else None
            _apply(
                lambda: auth.set_password(cfg, target, new_pw, keep_session=mine),
                "contas.password_changed",
                action="password",
                target=target,
            )
    current = cast(auth.Role, account["role"])
    role = st.selectbox(
        t("contas.role_title"),
        auth.ROLES,
        index=auth.ROLES.index(current),
        format_func=lambda r: t(f"role.{r}"),
        key=f"contas_role_{target}",
    )
    if st.button(t("contas.role_save"), key="contas_role_save", disabled=role == current):
        _apply(
            lambda: auth.set_role(cfg, target, cast(auth.Role, role), me.username),
            "contas.role_changed",
            action="role",
            target=target,
        )
    active = bool(account["active"])
    st.caption(t("contas.is_active" if active else "contas.is_inactive"))
    if st.button(t("contas.disable" if active else "contas.enable"), key="contas_status_save"):
        _apply(
            lambda: auth.set_active(cfg, target, not active, me.username),
            "contas.disabled" if active else "contas.enabled",
            action="disable" if active else "enable",
            target=target,
        )


def _apply(operation: Callable[[], None], done_key: str, *, action: str, target: str) -> None:
    """Run one account change; every guard inside it runs before its write. On success the
    change is audited and the page reruns to show the new state with a confirmation."""
    cfg = data.settings()
    try:
        operation()
    except auth.AccountError as exc:
        st.error(t(exc.key, **exc.values))
        return
    audit.record(cfg, ui.current_user().username, audit.ACCOUNT, change=action, account=target)
    st.session_state[DONE_KEY] = t(done_key, user=target)
    st.rerun()


render()

"""Router of the staff dashboard: page config, sign-in, shared sidebar, then the chosen page.

Run with ``passos dashboard`` (or ``streamlit run dashboard/app.py``). Every page lives in
``dashboard/views/`` and runs inside one error boundary, so no traceback reaches the screen.
"""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from dashboard import audit, auth, data, i18n, ui
from dashboard.i18n import t

log = logging.getLogger("dashboard")
VIEWS = Path(__file__).resolve().parent / "views"


def _page(name: str, icon: str, *, default: bool = False) -> st.Page:
    return st.Page(
        VIEWS / f"{name}.py",
        title=t(f"nav.{name}"),
        icon=icon,
        url_path=name,
        default=default,
    )


def _oidc_configured() -> bool:
    """True when ``[auth]`` is set in Streamlit secrets (then ``st.login`` is used)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _oidc_user() -> auth.User | None:
    if not st.user.is_logged_in:
        return None
    email = str(st.user.get("email") or st.user.get("name") or "oidc")
    try:
        admins = [str(a).lower() for a in st.secrets.get("passos", {}).get("admin_emails", [])]
    except Exception:
        admins = []
    return auth.User(email.lower(), "admin" if email.lower() in admins else "coordenador")


def _sign_in_page() -> None:
    st.title(t("signin.title"))
    st.caption(t("signin.subtitle"))
    if _oidc_configured():
        if st.button(t("signin.oidc_button"), key="signin_oidc", type="primary"):
            st.login()
        return
    cfg = data.settings()
    with ui.boundary("signin"):
        auth.ensure_admin(cfg)
        with st.form("signin_form"):
            username = st.text_input(t("signin.username"), key="signin_username")
            password = st.text_input(t("signin.password"), type="password", key="signin_password")
            submitted = st.form_submit_button(t("signin.submit"), type="primary")
        if submitted:
            user = auth.authenticate(cfg, username, password)
            if user is None:
                st.error(t("signin.failed"))
            else:
                st.session_state[ui.USER_KEY] = user
                audit.record(cfg, user.username, audit.SIGN_IN)
                st.rerun()
        st.caption(t("signin.first_start_hint"))


def _sidebar(user: auth.User | None) -> None:
    with st.sidebar:
        st.segmented_control(
            t("sidebar.language"),
            options=list(i18n.LANGUAGES),
            format_func=lambda code: i18n.LANGUAGES[code],
            key=i18n.LANG_KEY,
            required=True,
        )
        if user is None:
            return
        st.caption(t("sidebar.signed_in_as", user=user.username, role=t(f"role.{user.role}")))
        if st.button(t("sidebar.sign_out"), key="sidebar_sign_out"):
            st.session_state.pop(ui.USER_KEY, None)
            if _oidc_configured():
                st.logout()
            st.rerun()


def main() -> None:
    st.set_page_config(page_title=t("app.title"), page_icon=":material/school:", layout="wide")
    i18n.init_language()
    if _oidc_configured() and (oidc := _oidc_user()) is not None:
        st.session_state[ui.USER_KEY] = oidc
    user = st.session_state.get(ui.USER_KEY)
    _sidebar(user if isinstance(user, auth.User) else None)
    if not isinstance(user, auth.User):
        st.navigation([st.Page(_sign_in_page, title=t("signin.title"))], position="hidden").run()
        return
    pages: dict[str, list[st.Page]] = {
        "": [_page("inicio", ":material/home:", default=True)],
        t("nav.section_data"): [
            _page("dados", ":material/upload_file:"),
            _page("drift", ":material/query_stats:"),
        ],
        t("nav.section_models"): [
            _page("experimentos", ":material/science:"),
            _page("modelos", ":material/verified:"),
        ],
        t("nav.section_students"): [
            _page("risco", ":material/priority_high:"),
            _page("aluno", ":material/person_search:"),
            _page("acompanhamento", ":material/fact_check:"),
            _page("casos", ":material/assignment_ind:"),
        ],
    }
    if user.is_admin:
        pages[t("nav.section_admin")] = [_page("contas", ":material/manage_accounts:")]
    page = st.navigation(pages)
    with ui.boundary(page.url_path or "inicio"):
        page.run()


main()

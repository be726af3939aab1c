"""Router of the staff dashboard: page config, sign-in, shared sidebar, then the chosen page.

Run with ``passos dashboard`` (or ``streamlit run dashboard/app.py``). Every page lives in
``dashboard/views/`` and runs inside one error boundary, so no traceback reaches the screen.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Final

import streamlit as st

from dashboard import audit, auth, data, i18n, ui
from dashboard.i18n import t

log = logging.getLogger("dashboard")
VIEWS = Path(__file__).resolve().parent / "views"
COOKIE: Final = "passos_sessao"
SIGNED_OUT_KEY: Final = "auth_signed_out"


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
    if notice := st.session_state.pop(ui.NOTICE_KEY, None):
        st.info(t(notice), icon=":material/lock_clock:")
    if _oidc_configured():
        if st.button(t("signin.oidc_button"), key="signin_oidc", type="primary"):
            st.login()
        return
    cfg = data.settings()
    if st.session_state.pop(SIGNED_OUT_KEY, False) or _cookie_token():
        _write_cookie("", max_age=0)  # an ended session's cookie: let the browser forget it
    with ui.boundary("signin"):
        auth.ensure_admin(cfg)
        with st.form("signin_form"):
            username = st.text_input(t("signin.username"), key="signin_username")
            password = st.text_input(t("signin.password"), type="password", key="signin_password")
            submitted = st.form_submit_button(t("signin.submit"), type="primary")
        if submitted:
            address = st.context.ip_address
            client = address if isinstance(address, str) else "desconhecido"
            attempt = auth.sign_in(cfg, username, password, client)
            if attempt.outcome == "locked":
                st.error(t("signin.locked", minutes=cfg.signin_lock_minutes))
            elif attempt.user is None:
                st.error(t("signin.failed"))
            else:
                # Same page and query parameters: the signed-out router served this URL too.
                st.session_state[ui.USER_KEY] = attempt.user
                st.session_state[ui.SESSION_KEY] = auth.start_session(cfg, attempt.user.username)
                st.rerun()
        st.caption(t("signin.first_start_hint"))


def _cookie_token() -> str | None:
    """The session token the browser sent when this tab connected, if any."""
    value = st.context.cookies.get(COOKIE)
    return value if isinstance(value, str) and value else None


def _write_cookie(token: str, *, max_age: int) -> None:
    """Set (or, with ``max_age=0``, delete) the session cookie in the browser.

    Streamlit reads cookies (``st.context.cookies``, sent when the page connects) but has no
    API to write one during a session, so a tiny script does it. The token is URL-safe base64
    (no quoting needed); SameSite=Strict, Secure under HTTPS.
    """
    st.html(
        "<script>document.cookie = "
        f"'{COOKIE}={token}; Path=/; Max-Age={max_age}; SameSite=Strict' + "
        "(location.protocol === 'https:' ? '; Secure' : '');</script>",
        unsafe_allow_javascript=True,
        width="content",
    )


def _session_user() -> auth.User | None:
    """The user of this browser's session, re-checked in the database on every rerun.

    The token comes from this tab's state (just signed in) or from the cookie (F5, a new tab,
    a link). A session that ended while the tab was open (sign-out elsewhere, idle time,
    account disabled or its password changed) clears every piece of state, kills the tab's
    download URLs and shows the sign-in page with a notice.
    """
    cfg = data.settings()
    token = st.session_state.get(ui.SESSION_KEY) or _cookie_token()
    user = auth.resume_session(cfg, token) if token else None
    if user is None:
        if ui.USER_KEY in st.session_state:
            ui.end_browser_session(notice="signin.ended")
            st.rerun()
        return None
    st.session_state[ui.SESSION_KEY] = token
    st.session_state[ui.USER_KEY] = user
    return user


def _sign_out() -> None:
    token = st.session_state.get(ui.SESSION_KEY)
    user = st.session_state.get(ui.USER_KEY)
    if token and not _oidc_configured():
        cfg = data.settings()
        auth.end_session(cfg, token)
        if isinstance(user, auth.User):
            audit.record(cfg, user.username, audit.SIGN_OUT)
    ui.end_browser_session()
    st.session_state[SIGNED_OUT_KEY] = True  # back to the start address, cookie forgotten
    if _oidc_configured():
        st.logout()
    st.rerun()


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
            _sign_out()
        if token := st.session_state.get(ui.SESSION_KEY):
            _write_cookie(token, max_age=data.settings().session_max_hours * 3600)


# (page, icon) by navigation section; Contas is added for admins.
SECTIONS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("", (("inicio", ":material/home:"),)),
    (
        "nav.section_data",
        (("dados", ":material/upload_file:"), ("drift", ":material/query_stats:")),
    ),
    (
        "nav.section_models",
        (("experimentos", ":material/science:"), ("modelos", ":material/verified:")),
    ),
    (
        "nav.section_students",
        (
            ("risco", ":material/priority_high:"),
            ("aluno", ":material/person_search:"),
            ("acompanhamento", ":material/fact_check:"),
            ("casos", ":material/assignment_ind:"),
        ),
    ),
)
ADMIN_SECTION: Final = ("nav.section_admin", (("contas", ":material/manage_accounts:"),))
DEFAULT_PAGE: Final = "inicio"


def _signed_out_router() -> None:
    """The sign-in form at every page's address, so that a link such as ``/aluno?ra=…`` opened
    signed out asks for sign-in and then shows that page with its parameters."""
    names = [name for _, pages in (*SECTIONS, ADMIN_SECTION) for name, _ in pages]
    names.sort(key=lambda name: name != DEFAULT_PAGE)  # the start page first
    pages = [
        st.Page(
            _sign_in_page,
            title=t("signin.title"),
            url_path=name,
            default=name == DEFAULT_PAGE,
        )
        for name in names
    ]
    page = st.navigation(pages, position="hidden")
    if st.session_state.get(SIGNED_OUT_KEY) and page.url_path:
        # Signing out leaves the last page: the next person starts at the start address.
        st.query_params.clear()
        st.switch_page(pages[0])
    page.run()


def main() -> None:
    st.set_page_config(page_title=t("app.title"), page_icon=":material/school:", layout="wide")
    i18n.init_language()
    if _oidc_configured():
        oidc = _oidc_user()
        if oidc is not None:
            st.session_state[ui.USER_KEY] = oidc
        user = oidc
    else:
        user = _session_user()
    _sidebar(user)
    if user is None:
        _signed_out_router()
        return
    sections = (*SECTIONS, ADMIN_SECTION) if user.is_admin else SECTIONS
    tree = {
        t(section) if section else "": [
            _page(name, icon, default=name == DEFAULT_PAGE) for name, icon in pages
        ]
        for section, pages in sections
    }
    page = st.navigation(tree)
    with ui.boundary(page.url_path or DEFAULT_PAGE):
        page.run()


main()

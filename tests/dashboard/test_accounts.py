"""Contas page (separate, guarded account actions) and the session life cycle in the router."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from config import Settings
from dashboard import audit, auth, ui
from tests.dashboard.conftest import (
    ADMIN_PASSWORD,
    TEST_USER_PASSWORD,
    assert_clean,
    open_page,
    sign_in_as,
)

NEW_PASSWORD = "janela-aberta-de-manha-5"


def _contas(app: Callable[..., AppTest], target: str) -> AppTest:
    at = open_page(app("admin"), "contas")
    at.selectbox(key="contas_edit_user").set_value(target).run()
    return at


def _account(settings: Settings, user: str) -> tuple[str, bool]:
    row = {str(u["username"]): u for u in auth.list_users(settings)}[user]
    return str(row["role"]), bool(row["active"])


def _texts(elements: object) -> str:
    return " ".join(str(e.value) for e in elements)  # type: ignore[attr-defined]


@pytest.fixture
def caio(empty: Settings) -> Settings:
    auth.create_user(empty, "caio", TEST_USER_PASSWORD, "coordenador", "teste")
    return empty


def test_admin_changes_own_password_cleanly_and_stays_signed_in(
    empty: Settings, app: Callable[..., AppTest]
) -> None:
    at = _contas(app, "tester")
    elsewhere = auth.start_session(empty, "tester")
    at.text_input(key="contas_edit_pw").input(NEW_PASSWORD)
    at.button(key="contas_pw_save").click().run()
    assert_clean(at)
    assert not at.error
    assert "trocada" in _texts(at.success)
    assert _account(empty, "tester") == ("admin", True)  # not demoted
    assert auth.authenticate(empty, "tester", NEW_PASSWORD) is not None
    assert auth.resume_session(empty, at.session_state[ui.SESSION_KEY]) is not None
    assert auth.resume_session(empty, elsewhere) is None
    at.run()
    assert at.title[0].value != "Entrar"


def test_password_change_does_not_reenable_or_change_role(
    caio: Settings, app: Callable[..., AppTest]
) -> None:
    auth.set_active(caio, "caio", False, "tester")
    at = _contas(app, "caio")
    at.text_input(key="contas_edit_pw").input(NEW_PASSWORD)
    at.button(key="contas_pw_save").click().run()
    assert not at.error
    assert _account(caio, "caio") == ("coordenador", False)


def test_role_box_starts_at_the_accounts_role(caio: Settings, app: Callable[..., AppTest]) -> None:
    at = _contas(app, "tester")
    assert at.selectbox(key="contas_role_tester").value == "admin"
    assert at.button(key="contas_role_save").disabled
    at.selectbox(key="contas_edit_user").set_value("caio").run()
    assert at.selectbox(key="contas_role_caio").value == "coordenador"
    at.selectbox(key="contas_role_caio").set_value("admin").run()
    at.button(key="contas_role_save").click().run()
    assert not at.error
    assert _account(caio, "caio") == ("admin", True)
    assert at.selectbox(key="contas_role_caio").value == "admin"


def test_weak_password_is_refused_and_nothing_changes(
    caio: Settings, app: Callable[..., AppTest]
) -> None:
    token = auth.start_session(caio, "caio")
    at = _contas(app, "caio")
    at.text_input(key="contas_edit_pw").input("senha12345")
    at.button(key="contas_pw_save").click().run()
    assert "comum" in _texts(at.error)
    assert auth.authenticate(caio, "caio", TEST_USER_PASSWORD) is not None
    assert auth.resume_session(caio, token) is not None


def test_admin_cannot_disable_or_demote_themselves_from_the_page(
    empty: Settings, app: Callable[..., AppTest]
) -> None:
    at = _contas(app, "tester")
    at.button(key="contas_status_save").click().run()
    assert "própria conta" in _texts(at.error)
    at.selectbox(key="contas_role_tester").set_value("coordenador").run()
    at.button(key="contas_role_save").click().run()
    assert "própria conta" in _texts(at.error)
    assert _account(empty, "tester") == ("admin", True)


def test_disabling_an_account_ends_its_open_tab(
    caio: Settings, app: Callable[..., AppTest]
) -> None:
    coordinator = open_page(app("coordenador", "caio"), "inicio")
    admin = _contas(app, "caio")
    admin.button(key="contas_status_save").click().run()
    assert "desativada" in _texts(admin.success)
    assert _account(caio, "caio") == ("coordenador", False)
    assert admin.button(key="contas_status_save").label == "Reativar conta"

    coordinator.run()  # the coordinator's next action
    assert coordinator.title[0].value == "Entrar"
    assert "sessão terminou" in _texts(coordinator.info)
    assert ui.USER_KEY not in coordinator.session_state


def test_sign_out_clears_every_page_state_and_ends_the_session(
    empty: Settings, app: Callable[..., AppTest]
) -> None:
    at = app("admin")
    token = at.session_state[ui.SESSION_KEY]
    at.session_state["dados_last_result"] = {"run_id": "abc", "years": [2024]}
    at.session_state["sidebar_lang"] = "pt"
    open_page(at, "inicio")
    at.button(key="sidebar_sign_out").click().run()
    assert at.title[0].value == "Entrar"
    assert "dados_last_result" not in at.session_state
    assert ui.SESSION_KEY not in at.session_state
    assert at.session_state["sidebar_lang"] == "pt"
    assert auth.resume_session(empty, token) is None
    assert "tester" in set(audit.entries(empty, (audit.SIGN_OUT,))["username"])


def test_a_session_token_alone_signs_in_and_a_revoked_one_does_not(
    empty: Settings, app: Callable[..., AppTest]
) -> None:
    at = app(None)
    sign_in_as(at, "tester", "admin")
    at.session_state[ui.USER_KEY] = auth.User("tester", "coordenador")  # stale state ...
    open_page(at, "contas")  # ... the database decides: tester is an admin
    assert_clean(at)
    assert at.session_state[ui.USER_KEY] == auth.User("tester", "admin")
    auth.revoke_sessions(empty, "tester")
    at.run()
    assert at.title[0].value == "Entrar"


def test_sign_in_page_has_no_setting_names_and_locks_after_failures(
    empty: Settings, app: Callable[..., AppTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PASSOS_SIGNIN_LOCK_AFTER", "2")
    monkeypatch.setenv("PASSOS_SIGNIN_SLOWDOWN_AFTER", "5")
    at = app(None)
    at.run()
    shown = _texts(at.caption) + _texts(at.markdown) + _texts(at.title)
    assert "PASSOS_" not in shown and "administra" in shown
    for attempt in ("errada-1", "errada-2"):
        at.text_input(key="signin_username").input("admin")
        at.text_input(key="signin_password").input(attempt)
        at.button[0].click().run()
        assert "incorretos" in _texts(at.error)
    at.text_input(key="signin_username").input("admin")
    at.text_input(key="signin_password").input(ADMIN_PASSWORD)
    at.button[0].click().run()
    assert "bloqueada" in _texts(at.error)
    assert at.title[0].value == "Entrar"
    refused = audit.entries(empty, (audit.SIGN_IN_FAILED,))
    assert len(refused) == 3 and set(refused["username"]) == {"admin"}

"""Accounts, sessions and sign-in throttling (dashboard/auth.py), without a browser."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from config import Settings
from dashboard import audit, auth
from pipeline.store import engine_for

GOOD = "girassol-no-telhado-9"
OTHER = "barco-de-papel-azul-4"
CLIENT = "10.0.0.7"


def _stored_hash(settings: Settings, user: str) -> str:
    with engine_for(settings).connect() as conn:
        return str(
            conn.execute(
                select(auth.users.c.password_hash).where(auth.users.c.username == user)
            ).scalar_one()
        )


def _account(settings: Settings, user: str) -> tuple[str, bool]:
    row = {str(u["username"]): u for u in auth.list_users(settings)}[user]
    return str(row["role"]), bool(row["active"])


def _error(call: object) -> str:
    with pytest.raises(auth.AccountError) as info:
        call()  # type: ignore[operator]
    return info.value.key


@pytest.fixture
def team(settings: Settings) -> Settings:
    """Two admins (``ana`` and ``bia``) and one coordinator (``caio``)."""
    auth.create_user(settings, "ana", GOOD, "admin", "teste")
    auth.create_user(settings, "bia", GOOD, "admin", "teste")
    auth.create_user(settings, "caio", GOOD, "coordenador", "teste")
    return settings


# --- password policy --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "key"),
    [
        ("curta-1", "auth.password_short"),
        ("mariana.souza-2024", "auth.password_is_username"),
        ("mariana.souza", "auth.password_is_username"),
        ("password123", "auth.password_common"),
        ("Senha12345!", "auth.password_common"),  # common word + digits and a symbol
        ("1234567890!", "auth.password_common"),
        ("qwertyuiop", "auth.password_common"),
        ("passosmagicos2025", "auth.password_common"),
        ("aaaaaaaaaaaa", "auth.password_common"),
    ],
)
def test_password_policy_refuses(password: str, key: str) -> None:
    assert _error(lambda: auth.check_password_policy(password, "mariana.souza", 10)) == key


def test_password_policy_accepts_a_passphrase_and_says_the_length() -> None:
    auth.check_password_policy(GOOD, "mariana.souza", 10)
    with pytest.raises(auth.AccountError) as info:
        auth.check_password_policy("abc-def-g1", "ana", 12)
    assert info.value.values == {"n": 12}


def test_create_user_follows_the_length_setting(settings: Settings) -> None:
    strict = settings.model_copy(update={"password_min_length": 30})
    assert _error(lambda: auth.create_user(strict, "davi", GOOD, "coordenador", "t")) == (
        "auth.password_short"
    )
    assert not auth.account_exists(settings, "davi")
    auth.create_user(settings, "davi", GOOD, "coordenador", "t")
    assert auth.account_exists(settings, "DAVI ")


# --- separate, guarded account changes --------------------------------------------------


def test_password_change_keeps_role_and_status_and_ends_sessions(team: Settings) -> None:
    auth.set_active(team, "caio", False, "ana")
    keep = auth.start_session(team, "bia")
    other = auth.start_session(team, "bia")
    auth.set_password(team, "bia", OTHER, keep_session=keep)
    auth.set_password(team, "caio", OTHER)
    assert _account(team, "bia") == ("admin", True)
    assert _account(team, "caio") == ("coordenador", False)
    assert auth.resume_session(team, keep) == auth.User("bia", "admin")
    assert auth.resume_session(team, other) is None
    assert auth.authenticate(team, "bia", OTHER) is not None
    assert auth.authenticate(team, "bia", GOOD) is None


def test_refused_password_change_writes_nothing(team: Settings) -> None:
    before = _stored_hash(team, "caio")
    token = auth.start_session(team, "caio")
    assert _error(lambda: auth.set_password(team, "caio", "123")) == "auth.password_short"
    assert _error(lambda: auth.set_password(team, "caio", "caio-caio-caio")) == (
        "auth.password_is_username"
    )
    assert _error(lambda: auth.set_password(team, "ninguem", GOOD)) == "auth.unknown_user"
    assert _stored_hash(team, "caio") == before
    assert auth.resume_session(team, token) is not None


def test_admin_cannot_disable_or_demote_themselves(team: Settings) -> None:
    assert _error(lambda: auth.set_active(team, "ana", False, "ana")) == (
        "auth.cannot_disable_self"
    )
    assert _error(lambda: auth.set_role(team, "ana", "coordenador", "ana")) == (
        "auth.cannot_demote_self"
    )
    assert _account(team, "ana") == ("admin", True)


def test_last_active_admin_cannot_be_disabled_or_demoted(team: Settings) -> None:
    auth.set_active(team, "bia", False, "ana")
    # ana is now the only active admin; any other actor (OIDC admin, script) is refused too.
    assert _error(lambda: auth.set_active(team, "ana", False, "ops")) == "auth.last_admin"
    assert _error(lambda: auth.set_role(team, "ana", "coordenador", "ops")) == "auth.last_admin"
    assert _account(team, "ana") == ("admin", True)
    # A disabled admin is no "last" admin: demoting bia is allowed.
    auth.set_role(team, "bia", "coordenador", "ana")
    assert _account(team, "bia") == ("coordenador", False)


def test_role_change_reaches_open_sessions_and_unknown_role_is_refused(team: Settings) -> None:
    token = auth.start_session(team, "caio")
    assert _error(lambda: auth.set_role(team, "caio", "root", "ana")) == "auth.role_invalid"  # type: ignore[arg-type]
    auth.set_role(team, "caio", "admin", "ana")
    assert auth.resume_session(team, token) == auth.User("caio", "admin")


# --- sessions ----------------------------------------------------------------------------


def check_sessions_roundtrip(settings: Settings) -> None:
    """Start, resume, revoke by disabling and by sign-out; only hashes are stored."""
    auth.create_user(settings, "sessao.um", GOOD, "coordenador", "teste")
    auth.create_user(settings, "sessao.adm", GOOD, "admin", "teste")
    token = auth.start_session(settings, "sessao.um")
    assert auth.resume_session(settings, token) == auth.User("sessao.um", "coordenador")
    with engine_for(settings).connect() as conn:
        stored = [r.token_hash for r in conn.execute(select(auth.sessions)).all()]
    assert token not in stored and auth.token_hash(token) in stored
    auth.set_active(settings, "sessao.um", False, "sessao.adm")
    assert auth.resume_session(settings, token) is None
    auth.set_active(settings, "sessao.um", True, "sessao.adm")
    assert auth.resume_session(settings, token) is None  # re-enabling does not revive it
    second = auth.start_session(settings, "sessao.um")
    auth.end_session(settings, second)
    assert auth.resume_session(settings, second) is None


def test_sessions_roundtrip_on_sqlite(settings: Settings) -> None:
    check_sessions_roundtrip(settings)


def test_sessions_expire_when_idle_and_at_max_age(team: Settings) -> None:
    token = auth.start_session(team, "caio")
    start = datetime.now(UTC)
    idle = timedelta(minutes=team.session_idle_minutes)
    assert auth.resume_session(team, token, now=start + idle - timedelta(minutes=1)) is not None
    # That use moved last_seen forward: the idle clock restarts from there.
    assert auth.resume_session(team, token, now=start + idle + timedelta(minutes=5)) is not None
    later = start + 2 * idle + timedelta(minutes=30)
    assert auth.resume_session(team, token, now=later) is None

    fresh = auth.start_session(team, "caio")
    step = idle - timedelta(minutes=5)
    now = datetime.now(UTC)
    max_age = timedelta(hours=team.session_max_hours)
    while now + step < datetime.now(UTC) + max_age:  # kept busy, never idle
        now += step
        assert auth.resume_session(team, fresh, now=now) is not None
    assert auth.resume_session(team, fresh, now=now + step) is None
    assert auth.resume_session(team, "not-a-token") is None
    assert auth.resume_session(team, "") is None


def test_deleted_account_ends_its_sessions(team: Settings) -> None:
    token = auth.start_session(team, "caio")
    with engine_for(team).begin() as conn:
        conn.execute(auth.users.delete().where(auth.users.c.username == "caio"))
    assert auth.resume_session(team, token) is None


# --- sign-in throttling -------------------------------------------------------------------


def test_slowdown_grows_then_caps() -> None:
    delays = [auth.slowdown(n, after=3) for n in range(12)]
    assert delays[:3] == [0, 0, 0]
    assert delays[3:7] == [1, 2, 4, 8]
    assert max(delays) == auth.MAX_DELAY_SECONDS


def test_wrong_passwords_slow_down_then_lock_even_the_right_one(team: Settings) -> None:
    waits: list[float] = []
    outcomes = [
        auth.sign_in(team, "caio", f"errada-{n}", CLIENT, sleep=waits.append).outcome
        for n in range(team.signin_lock_after)
    ]
    assert outcomes == ["failed"] * team.signin_lock_after
    assert waits[: team.signin_slowdown_after] == [0.0] * team.signin_slowdown_after
    assert waits[-1] > waits[team.signin_slowdown_after] > 0
    assert auth.sign_in(team, "caio", GOOD, CLIENT, sleep=waits.append).outcome == "locked"
    # The lock is per user name: from another client too.
    assert auth.sign_in(team, "caio", GOOD, "10.9.9.9", sleep=waits.append).outcome == "locked"
    # ... and it ends after the lock time.
    later = datetime.now(UTC) + timedelta(minutes=team.signin_lock_minutes + 1)
    assert not auth.throttle(team, "caio", CLIENT, now=later).locked


def test_one_client_guessing_many_names_is_locked(team: Settings) -> None:
    for n in range(team.signin_lock_after):
        auth.sign_in(team, f"nome{n}", "qualquer", CLIENT, sleep=lambda _: None)
    assert auth.sign_in(team, "ana", GOOD, CLIENT, sleep=lambda _: None).outcome == "locked"
    assert auth.sign_in(team, "ana", GOOD, "10.1.1.1", sleep=lambda _: None).outcome == "ok"


def test_success_clears_the_failures(team: Settings) -> None:
    for n in range(team.signin_slowdown_after + 1):
        auth.sign_in(team, "caio", f"errada-{n}", CLIENT, sleep=lambda _: None)
    assert auth.throttle(team, "caio", CLIENT).delay_seconds > 0
    assert auth.sign_in(team, "caio", GOOD, CLIENT, sleep=lambda _: None).user is not None
    assert auth.throttle(team, "caio", CLIENT).failures == 0


def test_unknown_and_known_names_get_the_same_answer(team: Settings) -> None:
    auth.set_active(team, "bia", False, "ana")
    answers = {
        auth.sign_in(team, name, "errada-123", f"c{i}", sleep=lambda _: None)
        for i, name in enumerate(("caio", "ninguem", "bia"))
    }
    assert answers == {auth.SignIn("failed")}
    assert auth.sign_in(team, "bia", GOOD, "c9", sleep=lambda _: None) == auth.SignIn("failed")


def test_failed_sign_ins_are_audited_and_logged_without_secrets(
    team: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    typed = "senha-digitada-no-usuario"
    with caplog.at_level(logging.WARNING):
        auth.sign_in(team, "caio", "segredo-errado-1", CLIENT, sleep=lambda _: None)
        auth.sign_in(team, typed, "segredo-errado-2", CLIENT, sleep=lambda _: None)
    rows = audit.entries(team, (audit.SIGN_IN_FAILED,))
    assert sorted(rows["username"]) == sorted(["caio", audit.UNKNOWN_USER])
    dump = rows.to_json() + caplog.text
    assert "segredo-errado" not in dump and typed not in dump
    assert "caio" not in caplog.text
    assert caplog.text.count("sign-in refused") == 2
    with engine_for(team).connect() as conn:
        keys = " ".join(r.key for r in conn.execute(select(auth.signin_failures)).all())
    assert "caio" not in keys and CLIENT not in keys

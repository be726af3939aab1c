"""Local accounts with salted scrypt hashes, and the first-start admin.

Accounts live in the product database (``dashboard_users``, own MetaData so the pipeline's
tables stay untouched), beside the sign-in sessions (``dashboard_sessions``: only a SHA-256 of
each random token, which lives in the browser's cookie) and the recent failed sign-ins
(``dashboard_signin_failures``: hashed user name and client, for the slowdown and the lock).
Passwords are never stored or logged: only ``scrypt`` hashes with a random salt per account.
When ``[auth]`` is configured in Streamlit secrets, sign-in goes through ``st.login`` (OIDC)
instead and these accounts are not used.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, Final, Literal

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    DateTime,
    Integer,
    MetaData,
    Row,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from config import Settings
from dashboard import audit
from dashboard.common_passwords import COMMON_PASSWORDS
from pipeline.store import engine_for

log = logging.getLogger(__name__)

Role = Literal["coordenador", "admin"]
ROLES: Final[tuple[Role, ...]] = ("coordenador", "admin")
ADMIN_USER: Final = "admin"
TOUCH_EVERY: Final = timedelta(minutes=1)
MAX_DELAY_SECONDS: Final = 8
_SUFFIX_SYMBOLS: Final = "!@#$%&*.?_- "
# scrypt cost: 2**14 x 8 blocks is ~16 MB and ~50 ms per check — slow for a guesser, fine for
# a person signing in.
SCRYPT_N: Final = 2**14
SCRYPT_R: Final = 8
SCRYPT_P: Final = 1
SALT_BYTES: Final = 16

metadata = MetaData()

users = Table(
    "dashboard_users",
    metadata,
    Column("username", String(120), primary_key=True),
    Column("password_hash", Text, nullable=False),
    Column("role", String(20), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(120), nullable=False),
    Column("last_login_at", DateTime(timezone=True), nullable=True),
)


sessions = Table(
    "dashboard_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("username", String(120), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

signin_failures = Table(
    "dashboard_signin_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(80), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
)


class AccountError(ValueError):
    """An account operation the user can fix: ``key`` is a catalog key, ``values`` fill it."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class User:
    username: str
    role: Role

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def hash_password(password: str) -> str:
    """``scrypt$n$r$p$salt$hash`` with a fresh random salt."""
    salt = secrets.token_bytes(SALT_BYTES)
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    return "$".join(
        (
            "scrypt",
            str(SCRYPT_N),
            str(SCRYPT_R),
            str(SCRYPT_P),
            base64.b64encode(salt).decode(),
            base64.b64encode(digest).decode(),
        )
    )


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=32,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, base64.b64decode(expected))


_ready: set[str] = set()


def _tables(settings: Settings) -> None:
    """Create the tables once per database and process (every rerun checks the session)."""
    if settings.db_url not in _ready:
        metadata.create_all(engine_for(settings))
        _ready.add(settings.db_url)


def ensure_admin(settings: Settings) -> str | None:
    """Create the first admin when there are no accounts; return a generated password, if any.

    The password comes from ``PASSOS_ADMIN_PASSWORD``; when unset a random one is generated
    and printed once to the terminal that started the dashboard (never to a log file).
    """
    _tables(settings)
    engine = engine_for(settings)
    with engine.connect() as conn:
        if conn.execute(select(func.count()).select_from(users)).scalar_one():
            return None
    configured = settings.admin_password.get_secret_value() if settings.admin_password else None
    password = configured or secrets.token_urlsafe(12)
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(users).values(
                    username=ADMIN_USER,
                    password_hash=hash_password(password),
                    role="admin",
                    active=True,
                    created_at=datetime.now(UTC),
                    created_by="first-start",
                )
            )
    except IntegrityError:  # another session created it first
        return None
    if configured:
        log.info("first admin account created from PASSOS_ADMIN_PASSWORD")
        return None
    print(  # noqa: T201 - shown once, on purpose, to whoever started the dashboard
        f"\n[passos] Conta inicial criada: usuário '{ADMIN_USER}', senha '{password}'. "
        "Troque a senha na página Contas.\n",
        file=sys.stderr,
        flush=True,
    )
    return password


@cache
def _dummy_hash() -> str:
    """A hash nobody's password matches: checked when the name is unknown, to even timing."""
    return hash_password(secrets.token_urlsafe(16))


def authenticate(settings: Settings, username: str, password: str) -> User | None:
    """The active user with this name and password, or None (same answer for either mistake).

    One scrypt check whatever the mistake (unknown name, disabled account, wrong password), so
    the answer's timing does not tell whether the account exists.
    """
    _tables(settings)
    name = normalise(username)
    with engine_for(settings).connect() as conn:
        row = conn.execute(select(users).where(users.c.username == name)).first()
    matches = verify_password(password, row.password_hash if row else _dummy_hash())
    if row is None or not row.active or not matches:
        return None
    with engine_for(settings).begin() as conn:
        conn.execute(
            update(users).where(users.c.username == name).values(last_login_at=datetime.now(UTC))
        )
    return User(row.username, row.role)


def normalise(username: str) -> str:
    """The stored form of a user name: trimmed, lower case."""
    return username.strip().lower()


def list_users(settings: Settings) -> list[dict[str, object]]:
    _tables(settings)
    with engine_for(settings).connect() as conn:
        rows = conn.execute(
            select(
                users.c.username,
                users.c.role,
                users.c.active,
                users.c.created_at,
                users.c.created_by,
                users.c.last_login_at,
            ).order_by(users.c.username)
        ).all()
    return [dict(row._mapping) for row in rows]


def check_password_policy(password: str, username: str, min_length: int) -> None:
    """Refuse a password that is short, is the user name, or is a common password."""
    if len(password) < min_length:
        raise AccountError("auth.password_short", n=min_length)
    lowered = password.strip().lower()
    name = normalise(username)
    if name and (lowered in name or (len(name) >= 4 and name in lowered)):
        raise AccountError("auth.password_is_username")
    variants = {
        lowered,
        lowered.rstrip(_SUFFIX_SYMBOLS),  # "1234567890!" is still "1234567890"
        lowered.rstrip(_SUFFIX_SYMBOLS + "0123456789"),  # "senha2024!" is still "senha"
    }
    if variants & COMMON_PASSWORDS or len(set(lowered)) <= 2:
        raise AccountError("auth.password_common")


def create_user(
    settings: Settings, username: str, password: str, role: Role, created_by: str
) -> None:
    name = normalise(username)
    if not name or not name.replace(".", "").replace("_", "").replace("-", "").isalnum():
        raise AccountError("auth.username_invalid")
    if role not in ROLES:
        raise AccountError("auth.role_invalid")
    check_password_policy(password, name, settings.password_min_length)
    _tables(settings)
    try:
        with engine_for(settings).begin() as conn:
            conn.execute(
                insert(users).values(
                    username=name,
                    password_hash=hash_password(password),
                    role=role,
                    active=True,
                    created_at=datetime.now(UTC),
                    created_by=created_by,
                )
            )
    except IntegrityError:
        raise AccountError("auth.username_taken") from None


def _account(conn: Connection, username: str) -> Row[Any]:
    row = conn.execute(select(users).where(users.c.username == username)).first()
    if row is None:
        raise AccountError("auth.unknown_user")
    return row


def _other_active_admins(conn: Connection, username: str) -> int:
    query = (
        select(func.count())
        .select_from(users)
        .where(users.c.role == "admin", users.c.active.is_(True), users.c.username != username)
    )
    return int(conn.execute(query).scalar_one())


def set_password(
    settings: Settings, username: str, password: str, *, keep_session: str | None = None
) -> None:
    """New password (policy checked first); every session of the account ends, except
    ``keep_session`` (the token of the admin changing their own password)."""
    _tables(settings)
    with engine_for(settings).begin() as conn:
        _account(conn, username)
        check_password_policy(password, username, settings.password_min_length)
        conn.execute(
            update(users)
            .where(users.c.username == username)
            .values(password_hash=hash_password(password))
        )
        _revoke(conn, username, keep=keep_session)


def set_active(settings: Settings, username: str, active: bool, by: str) -> None:
    """Enable or disable an account; disabling ends its sessions at once.

    Refused before any write: disabling oneself, or the last active administrator.
    """
    _tables(settings)
    with engine_for(settings).begin() as conn:
        row = _account(conn, username)
        if not active:
            if username == by:
                raise AccountError("auth.cannot_disable_self")
            if row.role == "admin" and row.active and not _other_active_admins(conn, username):
                raise AccountError("auth.last_admin")
        conn.execute(update(users).where(users.c.username == username).values(active=active))
        if not active:
            _revoke(conn, username)


def set_role(settings: Settings, username: str, role: Role, by: str) -> None:
    """Change an account's role (open sessions see it on their next action).

    Refused before any write: an unknown role, demoting oneself, or the last active admin.
    """
    if role not in ROLES:
        raise AccountError("auth.role_invalid")
    _tables(settings)
    with engine_for(settings).begin() as conn:
        row = _account(conn, username)
        if role != "admin" and row.role == "admin":
            if username == by:
                raise AccountError("auth.cannot_demote_self")
            if row.active and not _other_active_admins(conn, username):
                raise AccountError("auth.last_admin")
        conn.execute(update(users).where(users.c.username == username).values(role=role))


# --- sessions -------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    """What the database keeps of a session token (the token itself lives only in the cookie)."""
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(settings: Settings, username: str) -> str:
    """A new random session token for a signed-in user; only its hash is stored."""
    _tables(settings)
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    oldest = now - timedelta(hours=settings.session_max_hours)
    with engine_for(settings).begin() as conn:
        conn.execute(delete(sessions).where(sessions.c.created_at < oldest))  # housekeeping
        conn.execute(
            insert(sessions).values(
                token_hash=token_hash(token),
                username=username,
                created_at=now,
                last_seen_at=now,
                revoked_at=None,
            )
        )
    return token


def _aware(stamp: datetime) -> datetime:
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)  # SQLite drops the zone


def resume_session(settings: Settings, token: str, *, now: datetime | None = None) -> User | None:
    """The user of a live session, with the account's current role; None when the session is
    unknown, revoked, idle too long, too old, or its account is disabled or gone."""
    if not token:
        return None
    _tables(settings)
    now = now or datetime.now(UTC)
    key = token_hash(token)
    query = (
        select(sessions, users.c.role, users.c.active)
        .join(users, users.c.username == sessions.c.username)
        .where(sessions.c.token_hash == key)
    )
    with engine_for(settings).connect() as conn:
        row = conn.execute(query).first()
    if row is None or row.revoked_at is not None or not row.active:
        return None
    idle = timedelta(minutes=settings.session_idle_minutes)
    if now - _aware(row.last_seen_at) > idle:
        return None
    if now - _aware(row.created_at) > timedelta(hours=settings.session_max_hours):
        return None
    if now - _aware(row.last_seen_at) > TOUCH_EVERY:  # one write a minute, not one per click
        with engine_for(settings).begin() as conn:
            conn.execute(
                update(sessions).where(sessions.c.token_hash == key).values(last_seen_at=now)
            )
    return User(row.username, row.role)


def end_session(settings: Settings, token: str) -> None:
    """Sign-out: the session can no longer be resumed."""
    _tables(settings)
    with engine_for(settings).begin() as conn:
        conn.execute(
            update(sessions)
            .where(sessions.c.token_hash == token_hash(token), sessions.c.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        )


def _revoke(conn: Connection, username: str, *, keep: str | None = None) -> None:
    query = update(sessions).where(sessions.c.username == username, sessions.c.revoked_at.is_(None))
    if keep:
        query = query.where(sessions.c.token_hash != token_hash(keep))
    conn.execute(query.values(revoked_at=datetime.now(UTC)))


def revoke_sessions(settings: Settings, username: str) -> None:
    """End every open session of an account."""
    _tables(settings)
    with engine_for(settings).begin() as conn:
        _revoke(conn, username)


# --- failed sign-ins ------------------------------------------------------------------------


@dataclass(frozen=True)
class Throttle:
    """How a sign-in attempt must be treated given the recent failures."""

    failures: int
    delay_seconds: float
    locked: bool


def _attempt_keys(username: str, client: str) -> tuple[str, str]:
    """Hashed keys: the table never holds a typed user name (it may be a mistyped password)."""
    return (
        "user:" + hashlib.sha256(normalise(username).encode()).hexdigest(),
        "client:" + hashlib.sha256(client.encode()).hexdigest(),
    )


def throttle(
    settings: Settings, username: str, client: str, *, now: datetime | None = None
) -> Throttle:
    """Recent failures for this user name or this client (the larger count decides)."""
    _tables(settings)
    now = now or datetime.now(UTC)
    since = now - timedelta(minutes=settings.signin_lock_minutes)
    with engine_for(settings).connect() as conn:
        counts = [
            int(
                conn.execute(
                    select(func.count())
                    .select_from(signin_failures)
                    .where(signin_failures.c.key == key, signin_failures.c.at >= since)
                ).scalar_one()
            )
            for key in _attempt_keys(username, client)
        ]
    failures = max(counts)
    return Throttle(
        failures=failures,
        delay_seconds=slowdown(failures, settings.signin_slowdown_after),
        locked=failures >= settings.signin_lock_after,
    )


def slowdown(failures: int, after: int) -> float:
    """Seconds to wait before answering: 0 up to ``after`` failures, then doubling to 8 s."""
    if failures < after:
        return 0.0
    return float(min(2 ** (failures - after), MAX_DELAY_SECONDS))


def record_failure(
    settings: Settings, username: str, client: str, *, now: datetime | None = None
) -> None:
    _tables(settings)
    at = now or datetime.now(UTC)
    with engine_for(settings).begin() as conn:
        for key in _attempt_keys(username, client):
            conn.execute(insert(signin_failures).values(key=key, at=at))


def clear_failures(settings: Settings, username: str, client: str) -> None:
    _tables(settings)
    with engine_for(settings).begin() as conn:
        conn.execute(
            delete(signin_failures).where(
                signin_failures.c.key.in_(_attempt_keys(username, client))
            )
        )


@dataclass(frozen=True)
class SignIn:
    """The answer to a sign-in attempt: ``ok`` with the user, ``failed`` or ``locked``."""

    outcome: Literal["ok", "failed", "locked"]
    user: User | None = None


def sign_in(
    settings: Settings,
    username: str,
    password: str,
    client: str,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> SignIn:
    """Check a sign-in with the slowdown and the lock; audit and log every refusal.

    The same answers, and a similar time, whether or not the account exists. The typed
    password is never kept; the log line holds neither the name nor the client.
    """
    state = throttle(settings, username, client)
    if state.locked:
        _refused(settings, username, client, state.failures, locked=True)
        return SignIn("locked")
    sleep(state.delay_seconds)
    user = authenticate(settings, username, password)
    if user is None:
        record_failure(settings, username, client)
        _refused(settings, username, client, state.failures + 1, locked=False)
        return SignIn("failed")
    clear_failures(settings, username, client)
    audit.record(settings, user.username, audit.SIGN_IN)
    return SignIn("ok", user)


def _refused(
    settings: Settings, username: str, client: str, failures: int, *, locked: bool
) -> None:
    who = normalise(username) if account_exists(settings, username) else audit.UNKNOWN_USER
    audit.record(
        settings, who, audit.SIGN_IN_FAILED, failures=failures, locked=locked, client=client
    )
    log.warning(
        "sign-in refused%s; %d recent failures for this user name or client",
        " (locked)" if locked else "",
        failures,
    )


def account_exists(settings: Settings, username: str) -> bool:
    _tables(settings)
    with engine_for(settings).connect() as conn:
        found = conn.execute(
            select(users.c.username).where(users.c.username == normalise(username))
        ).first()
    return found is not None

"""Local accounts with salted scrypt hashes, and the first-start admin.

Accounts live in the product database (``dashboard_users``, own MetaData so the pipeline's
tables stay untouched). Passwords are never stored or logged: only ``scrypt`` hashes with a
random salt per account. When ``[auth]`` is configured in Streamlit secrets, sign-in goes
through ``st.login`` (OIDC) instead and these accounts are not used.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, Literal

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    MetaData,
    String,
    Table,
    Text,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from config import Settings
from pipeline.store import engine_for

log = logging.getLogger(__name__)

Role = Literal["coordenador", "admin"]
ROLES: Final[tuple[Role, ...]] = ("coordenador", "admin")
ADMIN_USER: Final = "admin"
MIN_PASSWORD_LENGTH: Final = 8
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


class AccountError(ValueError):
    """An account operation the user can fix (the message is a catalog key)."""


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


def _tables(settings: Settings) -> None:
    metadata.create_all(engine_for(settings))


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


def authenticate(settings: Settings, username: str, password: str) -> User | None:
    """The active user with this name and password, or None (same answer for either mistake)."""
    _tables(settings)
    name = username.strip().lower()
    with engine_for(settings).connect() as conn:
        row = conn.execute(select(users).where(users.c.username == name)).first()
    if row is None:
        verify_password(password, hash_password("dummy-to-even-timing"))
        return None
    if not row.active or not verify_password(password, row.password_hash):
        return None
    with engine_for(settings).begin() as conn:
        conn.execute(
            update(users).where(users.c.username == name).values(last_login_at=datetime.now(UTC))
        )
    return User(row.username, row.role)


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


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("auth.password_short")


def create_user(
    settings: Settings, username: str, password: str, role: Role, created_by: str
) -> None:
    name = username.strip().lower()
    if not name or not name.replace(".", "").replace("_", "").replace("-", "").isalnum():
        raise AccountError("auth.username_invalid")
    if role not in ROLES:
        raise AccountError("auth.role_invalid")
    _check_password(password)
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


def set_password(settings: Settings, username: str, password: str) -> None:
    _check_password(password)
    with engine_for(settings).begin() as conn:
        conn.execute(
            update(users)
            .where(users.c.username == username)
            .values(password_hash=hash_password(password))
        )


def set_active(settings: Settings, username: str, active: bool, by: str) -> None:
    if username == by and not active:
        raise AccountError("auth.cannot_disable_self")
    with engine_for(settings).begin() as conn:
        conn.execute(update(users).where(users.c.username == username).values(active=active))


def set_role(settings: Settings, username: str, role: Role, by: str) -> None:
    if role not in ROLES:
        raise AccountError("auth.role_invalid")
    if username == by and role != "admin":
        raise AccountError("auth.cannot_demote_self")
    with engine_for(settings).begin() as conn:
        conn.execute(update(users).where(users.c.username == username).values(role=role))

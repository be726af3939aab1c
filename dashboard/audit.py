"""Who uploaded, exported, trained, promoted or reverted, and when (``audit_log`` table).

Rows hold the user, the action and a short JSON detail with file names, years, model versions
or row counts — never a student's data.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

import pandas as pd
from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    desc,
    insert,
    select,
)

from config import Settings
from pipeline.store import engine_for

UPLOAD: Final = "upload"
EXPORT: Final = "export"
PROMOTE: Final = "promote"
REVERT: Final = "revert"
TRAIN: Final = "train"
ACCEPT_COPY: Final = "accept_copy"
ACCOUNT: Final = "account"
SIGN_IN: Final = "sign_in"
SIGN_IN_FAILED: Final = "sign_in_failed"
SIGN_OUT: Final = "sign_out"
UNKNOWN_USER: Final = "(desconhecido)"  # a failed sign-in with a name that is no account
CASE: Final = "case"  # detail: year, case id, field names; never notes or an RA
CASE_ACTION_TYPES: Final = "case_action_types"

metadata = MetaData()

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("username", String(120), nullable=False),
    Column("action", String(40), nullable=False, index=True),
    Column("detail", JSON, nullable=False),
)

_ready: set[str] = set()


def _ensure(settings: Settings) -> None:
    if settings.db_url not in _ready:
        metadata.create_all(engine_for(settings))
        _ready.add(settings.db_url)


def record(settings: Settings, username: str, action: str, **detail: Any) -> None:
    """Append one entry; ``detail`` values must be JSON-serialisable and free of student data."""
    _ensure(settings)
    with engine_for(settings).begin() as conn:
        conn.execute(
            insert(audit_log).values(
                at=datetime.now(UTC), username=username, action=action, detail=detail
            )
        )


def entries(settings: Settings, actions: tuple[str, ...] = (), limit: int = 200) -> pd.DataFrame:
    """Latest entries first, optionally only some actions."""
    _ensure(settings)
    query = select(audit_log).order_by(desc(audit_log.c.at)).limit(limit)
    if actions:
        query = query.where(audit_log.c.action.in_(actions))
    with engine_for(settings).connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame(
        [dict(row._mapping) for row in rows], columns=["id", "at", "username", "action", "detail"]
    )

"""Retention: drop what is older than the configured periods (access log, audit, predictions).

Works on the reflected tables, so it needs neither the dashboard nor the models package; a dry
run counts without deleting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Connection, MetaData, Table, delete, select

from config import Settings
from cycle.privacy import ACCESS_ACTIONS, AUDIT_TABLE, RETENTION, AuditWriter
from models import columns as pc
from pipeline import columns as c
from pipeline.store import engine_for

PREDICTIONS_TABLE = "predictions"
_CHUNK = 500


@dataclass(frozen=True)
class RetentionResult:
    """Rows removed (or that would be, in a dry run) per kind."""

    access_log: int
    audit: int
    predictions: int
    dry_run: bool

    def as_dict(self) -> dict[str, int]:
        return {
            "registro_de_acesso": self.access_log,
            "auditoria": self.audit,
            "predicoes": self.predictions,
        }


def expired_audit_ids(
    entries: pd.DataFrame, now: datetime, access_days: int, audit_days: int
) -> tuple[list[Any], list[Any]]:
    """Ids of access-log entries and of other audit entries older than their periods."""
    if entries.empty:
        return [], []
    at = pd.to_datetime(entries["at"], utc=True)
    access = entries["action"].isin(ACCESS_ACTIONS)
    old_access = access & (at < now - timedelta(days=access_days))
    old_other = ~access & (at < now - timedelta(days=audit_days))
    return entries.loc[old_access, "id"].tolist(), entries.loc[old_other, "id"].tolist()


def expired_prediction_years(years: list[int], keep_years: int) -> list[int]:
    """Data years of predictions beyond the last ``keep_years`` (the latest is always kept)."""
    if not years:
        return []
    newest = max(years)
    return sorted(y for y in set(years) if y <= newest - keep_years)


def _delete_ids(conn: Connection, table: Table, ids: list[Any]) -> None:
    for start in range(0, len(ids), _CHUNK):
        conn.execute(delete(table).where(table.c.id.in_(ids[start : start + _CHUNK])))


def apply_retention(
    settings: Settings, audit: AuditWriter, user: str, *, dry_run: bool = False
) -> RetentionResult:
    """Remove what is past its period (or only count it with ``dry_run``); audited."""
    engine = engine_for(settings)
    meta = MetaData()
    meta.reflect(bind=engine, only=lambda name, _m: name in (AUDIT_TABLE, PREDICTIONS_TABLE))
    now = datetime.now(UTC)
    access_ids: list[Any] = []
    other_ids: list[Any] = []
    old_years: list[int] = []
    predictions_removed = 0
    with engine.begin() as conn:
        log = meta.tables.get(AUDIT_TABLE)
        if log is not None:
            rows = conn.execute(select(log.c.id, log.c.at, log.c.action)).all()
            entries = pd.DataFrame(rows, columns=["id", "at", "action"])
            access_ids, other_ids = expired_audit_ids(
                entries, now, settings.access_log_retention_days, settings.audit_retention_days
            )
        table = meta.tables.get(PREDICTIONS_TABLE)
        if table is not None:
            years = [int(y) for (y,) in conn.execute(select(table.c[c.ANO]).distinct())]
            old_years = expired_prediction_years(years, settings.predictions_retention_years)
            if old_years:
                counted = conn.execute(
                    select(table.c[pc.MODEL_VERSION]).where(table.c[c.ANO].in_(old_years))
                ).all()
                predictions_removed = len(counted)
        if not dry_run:
            if log is not None:
                _delete_ids(conn, log, access_ids + other_ids)
            if table is not None and old_years:
                conn.execute(delete(table).where(table.c[c.ANO].in_(old_years)))
    result = RetentionResult(len(access_ids), len(other_ids), predictions_removed, dry_run)
    if not dry_run:
        audit(user, RETENTION, result.as_dict())
    return result

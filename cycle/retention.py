"""Retention: drop what is older than the configured periods (access log, audit, predictions).

Works on the reflected tables, so it needs neither the dashboard nor the models package; a dry
run counts without deleting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Connection, MetaData, Table, delete, func, select

from config import Settings
from cycle.privacy import ACCESS_ACTIONS, AUDIT_TABLE, RETENTION, AuditWriter
from pipeline import columns as c
from pipeline.store import engine_for

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


def _delete_ids(conn: Connection, table: Table, ids: list[Any]) -> None:
    for start in range(0, len(ids), _CHUNK):
        conn.execute(delete(table).where(table.c.id.in_(ids[start : start + _CHUNK])))


def _expired_prediction_rows(settings: Settings) -> int:
    """Prediction rows the lists' retention (``PASSOS_PREDICTIONS_KEEP_YEARS``) would remove."""
    from models.scoring import expired_years
    from models.tables import models_engine, predictions, published_lists

    with models_engine(settings).connect() as conn:
        published = set(conn.execute(select(published_lists.c[c.ANO])).scalars())
        scored = set(conn.execute(select(predictions.c[c.ANO]).distinct()).scalars())
        expired = expired_years(sorted(published | scored), settings.predictions_keep_years)
        if not expired:
            return 0
        query = select(func.count()).select_from(predictions)
        return int(conn.execute(query.where(predictions.c[c.ANO].in_(expired))).scalar_one())


def apply_retention(
    settings: Settings, audit: AuditWriter, user: str, *, dry_run: bool = False
) -> RetentionResult:
    """Remove what is past its period (or only count it with ``dry_run``); audited.

    Prediction lists follow ``PASSOS_PREDICTIONS_KEEP_YEARS`` through the rule scoring applies
    after every run (``models.scoring.apply_retention``).
    """
    from models import scoring

    engine = engine_for(settings)
    meta = MetaData()
    meta.reflect(bind=engine, only=lambda name, _m: name == AUDIT_TABLE)
    access_ids: list[Any] = []
    other_ids: list[Any] = []
    log = meta.tables.get(AUDIT_TABLE)
    if log is not None:
        with engine.begin() as conn:
            rows = conn.execute(select(log.c.id, log.c.at, log.c.action)).all()
            access_ids, other_ids = expired_audit_ids(
                pd.DataFrame(rows, columns=["id", "at", "action"]),
                datetime.now(UTC),
                settings.access_log_retention_days,
                settings.audit_retention_days,
            )
            if not dry_run:
                _delete_ids(conn, log, access_ids + other_ids)
    predictions = _expired_prediction_rows(settings)
    result = RetentionResult(len(access_ids), len(other_ids), predictions, dry_run)
    if not dry_run:
        scoring.apply_retention(settings)
        audit(user, RETENTION, result.as_dict())
    return result

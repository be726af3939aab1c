"""The one way to read predictions: the ranked list given to coordinators for a year.

A year's list is the one production published for it (``published_lists``): the latest year's
by default, any earlier year's with ``ano``, exactly as it was given.

Used by the dashboard, the sidecar and the CLI, so they show the same predictions by
construction. Imports only pandas and SQLAlchemy (no MLflow, scikit-learn or Evidently).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

import pandas as pd
from sqlalchemy import func, select

from config import Settings
from models import columns as pc
from models.names import MODEL_NAME
from models.tables import model_audit, model_state, models_engine, predictions, published_lists
from pipeline import columns as c

READ_COLUMNS: Final = pc.PREDICTION_COLUMNS


def production_version(settings: Settings) -> str | None:
    """The model version in production as recorded at its promotion (None before any)."""
    with models_engine(settings).connect() as conn:
        row = conn.execute(
            select(model_state.c.production_version).where(model_state.c.model_name == MODEL_NAME)
        ).first()
    return None if row is None else row[0]


def previous_version(settings: Settings) -> str | None:
    """The version a rollback would return to (None when there is none)."""
    with models_engine(settings).connect() as conn:
        row = conn.execute(
            select(model_state.c.previous_version).where(model_state.c.model_name == MODEL_NAME)
        ).first()
    return None if row is None else row[0]


@dataclass(frozen=True)
class PublishedList:
    """Which version's rows were the list given for a data year, and its decision thresholds."""

    ano: int
    model_version: str
    published_at: datetime
    n_students: int
    threshold_critical: float | None
    threshold_lagging: float | None


def published_list(settings: Settings, ano: int | None = None) -> PublishedList | None:
    """The published list of ``ano`` (the latest published year by default); None when none."""
    query = select(published_lists)
    query = (
        query.order_by(published_lists.c.ano.desc()).limit(1)
        if ano is None
        else query.where(published_lists.c.ano == int(ano))
    )
    with models_engine(settings).connect() as conn:
        row = conn.execute(query).mappings().first()
    if row is None:
        return None
    return PublishedList(
        ano=int(row["ano"]),
        model_version=str(row[pc.MODEL_VERSION]),
        published_at=row["published_at"],
        n_students=int(row["n_students"]),
        threshold_critical=row["threshold_critical"],
        threshold_lagging=row["threshold_lagging"],
    )


def published_years(settings: Settings) -> list[int]:
    """Data years with a published list, newest first."""
    query = select(published_lists.c.ano).order_by(published_lists.c.ano.desc())
    with models_engine(settings).connect() as conn:
        return [int(y) for y in conn.execute(query).scalars()]


def read_predictions(
    settings: Settings,
    classes: Sequence[str] | None = None,
    top: int | None = None,
    version: str | None = None,
    ano: int | None = None,
) -> pd.DataFrame:
    """The ranked list given for a year: the latest published year, or ``ano``.

    Without ``version``, the rows are those of the version published for that year (the list
    coordinators got, unchanged by later uploads or promotions). With ``version``, that version's
    rows for ``ano`` (default: its latest year). Before any list was published (an older
    database), the production version's latest year.

    Columns: ``model_version, ra, ano, nome, fase, turma, p_critical, p_alert, p_expected,
    classe, risk_score, rank, reasons, scored_at``; ordered by ``rank`` (1 = riskiest).
    ``classes`` keeps only those classes (``critical``/``alert``/``expected``); ``top`` keeps
    the first K rows after that filter. Empty frame when nothing is in production.
    """
    chosen = version
    if chosen is None:
        published = published_list(settings, ano)
        if published is not None:
            chosen, ano = published.model_version, published.ano
        elif ano is None or not published_years(settings):
            chosen = production_version(settings)
    if chosen is None:
        return pd.DataFrame(columns=list(READ_COLUMNS))
    engine = models_engine(settings)
    latest = (
        select(func.max(predictions.c.ano))
        .where(predictions.c.model_version == chosen)
        .scalar_subquery()
        if ano is None
        else ano
    )
    query = (
        select(predictions)
        .where(predictions.c.model_version == chosen, predictions.c.ano == latest)
        .order_by(predictions.c.rank)
    )
    if classes:
        query = query.where(predictions.c.classe.in_(list(classes)))
    if top is not None:
        query = query.limit(max(int(top), 0))
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    frame = pd.DataFrame([dict(r) for r in rows], columns=list(READ_COLUMNS))
    frame[c.ANO] = frame[c.ANO].astype("int64")
    frame[c.FASE] = frame[c.FASE].astype("Int64")
    frame[pc.RANK] = frame[pc.RANK].astype("int64")
    return frame.reset_index(drop=True)


def version_scored_for(settings: Settings, ano: int) -> str | None:
    """The version whose list for ``ano`` was published (the one coordinators acted on)."""
    published = published_list(settings, ano)
    return None if published is None else published.model_version


def read_audit_log(settings: Settings, limit: int = 100) -> pd.DataFrame:
    """Promotions, rollbacks and overrides, newest first (who, when, why, gate verdict)."""
    query = select(model_audit).order_by(model_audit.c.id.desc()).limit(limit)
    with models_engine(settings).connect() as conn:
        rows = conn.execute(query).mappings().all()
    columns = [col.name for col in model_audit.columns]
    return pd.DataFrame([dict(r) for r in rows], columns=columns)

"""The one way to read predictions: the production version's ranked list of the latest year.

Used by the dashboard, the sidecar and the CLI, so they show the same predictions by
construction. Imports only pandas and SQLAlchemy (no MLflow, scikit-learn or Evidently).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import pandas as pd
from sqlalchemy import func, select

from config import Settings
from models import columns as pc
from models.names import MODEL_NAME
from models.tables import model_audit, model_state, models_engine, predictions
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


def read_predictions(
    settings: Settings,
    classes: Sequence[str] | None = None,
    top: int | None = None,
    version: str | None = None,
    ano: int | None = None,
) -> pd.DataFrame:
    """Ranked predictions of the production version (or ``version``) for its latest year.

    ``ano`` reads an earlier year instead (the follow-up of last year's list).

    Columns: ``model_version, ra, ano, nome, fase, turma, p_critical, p_alert, p_expected,
    classe, risk_score, rank, reasons, scored_at``; ordered by ``rank`` (1 = riskiest).
    ``classes`` keeps only those classes (``critical``/``alert``/``expected``); ``top`` keeps
    the first K rows after that filter. Empty frame when nothing is in production.
    """
    chosen = version or production_version(settings)
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
    """The version whose list for ``ano`` was made last (the one coordinators acted on)."""
    query = (
        select(predictions.c.model_version)
        .where(predictions.c.ano == ano)
        .order_by(predictions.c.scored_at.desc())
        .limit(1)
    )
    with models_engine(settings).connect() as conn:
        version = conn.execute(query).scalar()
    return None if version is None else str(version)


def read_audit_log(settings: Settings, limit: int = 100) -> pd.DataFrame:
    """Promotions, rollbacks and overrides, newest first (who, when, why, gate verdict)."""
    query = select(model_audit).order_by(model_audit.c.id.desc()).limit(limit)
    with models_engine(settings).connect() as conn:
        rows = conn.execute(query).mappings().all()
    columns = [col.name for col in model_audit.columns]
    return pd.DataFrame([dict(r) for r in rows], columns=columns)

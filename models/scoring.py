"""Batch scoring: every student of the latest gold year, with the production version, into
``predictions``, with three reasons each.

Predictions are history: a scoring replaces only the rows of its (model version, year) and
records them as that year's published list (``published_lists``), so the lists of earlier years
stay exactly as they were given until the retention setting removes them.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from config import Settings
from models import columns as pc
from models import tracking
from models.dataset import load_gold
from models.errors import NoProductionModelError, UnknownVersionError
from models.estimators import RiskModel
from models.explain import top_reasons
from models.features import features_for_records, select_features
from models.metrics import ranking
from models.names import MODEL_NAME, PREVIOUS, PRODUCTION
from models.predictions import production_version
from models.tables import model_state, models_engine, predictions, published_lists
from pipeline import columns as c

log = logging.getLogger(__name__)

# ``scored.attrs`` key: the decision thresholds (P(Critical), P(Critical or Alert)) of the model.
THRESHOLDS_ATTR = "decision_thresholds"


@dataclass(frozen=True)
class ScoreResult:
    model_version: str
    ano: int
    n_students: int
    n_critical: int
    n_alert: int
    seconds: float


def load_model(settings: Settings, version: str) -> RiskModel:
    """The registered model of one version (``UnknownVersionError`` if there is none)."""
    import mlflow.sklearn
    from mlflow.exceptions import MlflowException

    mlflow_client = tracking.client(settings)
    with tracking.store_errors(settings.tracking_uri):
        try:
            mlflow_client.get_model_version(MODEL_NAME, version)
        except MlflowException as exc:
            if exc.error_code != "RESOURCE_DOES_NOT_EXIST":
                raise
            known = [v.version for v in mlflow_client.search_model_versions(f"name='{MODEL_NAME}'")]
            raise UnknownVersionError(version, sorted(known, key=int)) from exc
        model = mlflow.sklearn.load_model(f"models:/{MODEL_NAME}/{version}")
    if not isinstance(model, RiskModel):
        raise UnknownVersionError(version, [])
    return model


def production_alias(settings: Settings) -> tuple[str | None, str | None]:
    """(production, previous) versions from the MLflow aliases (the source of truth)."""
    from mlflow.exceptions import MlflowException

    mlflow_client = tracking.client(settings)
    with tracking.store_errors(settings.tracking_uri):
        try:
            aliases = mlflow_client.get_registered_model(MODEL_NAME).aliases
        except MlflowException as exc:
            if exc.error_code == "RESOURCE_DOES_NOT_EXIST":
                return None, None
            raise
    production, previous = aliases.get(PRODUCTION), aliases.get(PREVIOUS)
    return (
        None if production is None else str(production),
        None if previous is None else str(previous),
    )


def predict_records(
    model: RiskModel, records: pd.DataFrame, history: pd.DataFrame | None
) -> pd.DataFrame:
    """Probabilities, class, risk score, rank and reasons for silver-like records.

    The same path as batch scoring, for the sidecar's ``POST /predict``: ``records`` carries
    the data-contract columns it knows (absent ones count as missing), ``history`` earlier years.
    """
    features = features_for_records(records, history)
    X = select_features(features, model.feature_names)
    proba = model.predict_proba(X)
    classes = model.predict(X)
    contributions = model.risk_contributions(X)
    instituicao = (
        records[c.INSTITUICAO]
        if c.INSTITUICAO in records
        else pd.Series(pd.NA, index=records.index, dtype="string")
    )
    reasons = top_reasons(contributions, features, instituicao)
    order = ranking(proba)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(1, len(order) + 1)
    out = pd.DataFrame(
        {
            c.RA: records[c.RA].astype(str).to_numpy() if c.RA in records else None,
            c.ANO: pd.to_numeric(records[c.ANO]).to_numpy() if c.ANO in records else None,
            pc.P_CRITICAL: proba[:, 0],
            pc.P_ALERT: proba[:, 1],
            pc.P_EXPECTED: proba[:, 2],
            pc.CLASSE: np.asarray(classes, dtype=object),
            pc.RISK_SCORE: proba[:, 0] + proba[:, 1],
            pc.RANK: rank,
            pc.REASONS: reasons,
        },
        index=records.index,
    )
    return out


def score_frame(model: RiskModel, gold: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """Predictions for every student of ``year`` (latest by default), ordered by rank."""
    year = int(gold[c.ANO].max()) if year is None else year
    cohort = gold[gold[c.ANO] == year]
    history = gold[gold[c.ANO] == year - 1]
    scored = predict_records(model, cohort, history)
    scored[c.NOME] = cohort[c.NOME].astype("string").to_numpy()
    scored[c.FASE] = cohort[c.FASE].astype("Int64").to_numpy()
    scored[c.TURMA] = cohort[c.TURMA].astype("string").to_numpy()
    ordered = scored.sort_values(pc.RANK).reset_index(drop=True)
    thresholds = getattr(model, "thresholds_", None)
    if thresholds is not None and len(thresholds) == 2:  # noqa: PLR2004 - (critical, lagging)
        ordered.attrs[THRESHOLDS_ATTR] = (float(thresholds[0]), float(thresholds[1]))
    return ordered


def _rows(version: str, scored: pd.DataFrame, at: datetime) -> list[dict[str, Any]]:
    def text(value: Any) -> str | None:
        return None if value is None or pd.isna(value) else str(value)

    return [
        {
            pc.MODEL_VERSION: version,
            "ra": str(r[c.RA]),
            "ano": int(r[c.ANO]),
            "nome": text(r[c.NOME]),
            "fase": None if pd.isna(r[c.FASE]) else int(r[c.FASE]),
            "turma": text(r[c.TURMA]),
            pc.P_CRITICAL: float(r[pc.P_CRITICAL]),
            pc.P_ALERT: float(r[pc.P_ALERT]),
            pc.P_EXPECTED: float(r[pc.P_EXPECTED]),
            pc.CLASSE: str(r[pc.CLASSE]),
            pc.RISK_SCORE: float(r[pc.RISK_SCORE]),
            pc.RANK: int(r[pc.RANK]),
            pc.REASONS: list(r[pc.REASONS]),
            pc.SCORED_AT: at,
        }
        for r in scored.to_dict("records")
    ]


def write_predictions(conn: Connection, version: str, scored: pd.DataFrame) -> None:
    """Publish the production version's list of the scored year(s), in the caller's transaction.

    Replaces only the rows of (``version``, each scored year), keeps every other year and version,
    and records ``version`` as the published list of those years. Callers are production scorings
    (after an upload, a promotion or a rollback); candidates are scored in memory, never here.
    """
    at = datetime.now(UTC)
    years = sorted({int(y) for y in scored[c.ANO]}) if len(scored) else []
    conn.execute(
        delete(predictions).where(
            predictions.c.model_version == version, predictions.c.ano.in_(years)
        )
    )
    rows = _rows(version, scored, at)
    if rows:
        conn.execute(insert(predictions), rows)
    thresholds = scored.attrs.get(THRESHOLDS_ATTR) or (None, None)
    for year in years:
        conn.execute(delete(published_lists).where(published_lists.c.ano == year))
        conn.execute(
            insert(published_lists),
            [
                {
                    "ano": year,
                    pc.MODEL_VERSION: version,
                    "published_at": at,
                    "n_students": int((scored[c.ANO] == year).sum()),
                    "threshold_critical": thresholds[0],
                    "threshold_lagging": thresholds[1],
                }
            ],
        )


def expired_years(published: list[int], keep_years: int | None) -> list[int]:
    """Years whose lists fall outside the retention window (the ``keep_years`` most recent)."""
    if keep_years is None:
        return []
    return sorted(published)[:-keep_years] if len(published) > keep_years else []


def apply_retention(settings: Settings) -> list[int]:
    """Delete the lists (every version) of years beyond ``predictions_keep_years``; forever when
    unset. Returns the years removed."""
    with models_engine(settings).begin() as conn:
        published = [int(y) for y in conn.execute(select(published_lists.c.ano)).scalars()]
        scored = [int(y) for y in conn.execute(select(predictions.c.ano).distinct()).scalars()]
        window = sorted(set(published) | set(scored))
        expired = expired_years(window, settings.predictions_keep_years)
        if expired:
            conn.execute(delete(predictions).where(predictions.c.ano.in_(expired)))
            conn.execute(delete(published_lists).where(published_lists.c.ano.in_(expired)))
    if expired:
        log.info("retention removed the lists of %d year(s)", len(expired))
    return expired


def write_state(conn: Connection, production: str | None, previous: str | None) -> None:
    """Record the production / previous versions for fast readers."""
    values = {
        "production_version": production,
        "previous_version": previous,
        "updated_at": datetime.now(UTC),
    }
    exists = conn.execute(
        select(model_state.c.model_name).where(model_state.c.model_name == MODEL_NAME)
    ).first()
    if exists:
        conn.execute(update(model_state).where(model_state.c.model_name == MODEL_NAME), values)
    else:
        conn.execute(insert(model_state), [{"model_name": MODEL_NAME, **values}])


def score_version(
    settings: Settings, version: str, gold: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Score the latest year with one version, in memory (nothing written).

    ``gold`` is the published gold frame when the caller already holds it; read from disk if not.
    """
    frame = load_gold(settings) if gold is None else gold
    return score_frame(load_model(settings, version), frame)


def summarize(version: str, scored: pd.DataFrame, started: float) -> ScoreResult:
    classes = scored[pc.CLASSE].value_counts()
    return ScoreResult(
        model_version=version,
        ano=int(scored[c.ANO].iloc[0]) if len(scored) else 0,
        n_students=len(scored),
        n_critical=int(classes.get(c.CRITICAL, 0)),
        n_alert=int(classes.get(c.ALERT, 0)),
        seconds=time.perf_counter() - started,
    )


def score_latest(settings: Settings, gold: pd.DataFrame | None = None) -> ScoreResult:
    """Score every student of the latest year with the production version (MLflow alias)."""
    started = time.perf_counter()
    production, previous = production_alias(settings)
    if production is None:
        raise NoProductionModelError()
    scored = score_version(settings, production, gold)
    with models_engine(settings).begin() as conn:
        write_predictions(conn, production, scored)
        write_state(conn, production, previous)
    apply_retention(settings)
    result = summarize(production, scored, started)
    log.info("scored %d students of %d with version %s", result.n_students, result.ano, production)
    return result


def score_if_production(settings: Settings, gold: pd.DataFrame | None = None) -> ScoreResult | None:
    """Re-score after a pipeline run; a no-op (None) while no model was ever promoted."""
    if production_version(settings) is None:
        return None
    return score_latest(settings, gold)

"""Tables of the models package in the product database (own ``MetaData``, created on first use).

Light on purpose (SQLAlchemy only): the sidecar and the dashboard import it through
``models.predictions`` without paying for MLflow or scikit-learn.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from config import Settings
from models import columns as pc
from pipeline.store import engine_for

metadata = MetaData()

predictions = Table(
    "predictions",
    metadata,
    Column(pc.MODEL_VERSION, String(32), primary_key=True),
    Column("ra", String(64), primary_key=True),
    Column("ano", Integer, primary_key=True),
    Column("nome", String(255), nullable=True),
    Column("fase", Integer, nullable=True),
    Column("turma", String(120), nullable=True),
    Column(pc.P_CRITICAL, Float, nullable=False),
    Column(pc.P_ALERT, Float, nullable=False),
    Column(pc.P_EXPECTED, Float, nullable=False),
    Column(pc.CLASSE, String(16), nullable=False),
    Column(pc.RISK_SCORE, Float, nullable=False),
    Column(pc.RANK, Integer, nullable=False),
    Column(pc.REASONS, JSON, nullable=False),
    Column(pc.SCORED_AT, DateTime(timezone=True), nullable=False),
)

model_audit = Table(
    "model_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("action", String(16), nullable=False),  # promote | rollback | override
    Column("version", String(32), nullable=False),
    Column("previous_version", String(32), nullable=True),
    Column("user", String(120), nullable=False),
    Column("reason", Text, nullable=False),
    Column("gate_passed", String(8), nullable=False),  # "yes" | "no"
    Column("gate_detail", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

# The production version as last promoted, so that readers need no MLflow round trip.
# MLflow aliases stay the source of truth; scoring re-syncs this row from them.
model_state = Table(
    "model_state",
    metadata,
    Column("model_name", String(120), primary_key=True),
    Column("production_version", String(32), nullable=True),
    Column("previous_version", String(32), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# The list coordinators were given for each data year: which version's rows, and the decision
# thresholds of that version (to explain a class in words). Written only by production scoring
# (scoring after an upload, a promotion or a rollback); a later promotion re-scores the latest
# year only, so an earlier year's list stays the one that was given.
published_lists = Table(
    "published_lists",
    metadata,
    Column("ano", Integer, primary_key=True),
    Column(pc.MODEL_VERSION, String(32), nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False),
    Column("n_students", Integer, nullable=False),
    Column("threshold_critical", Float, nullable=True),
    Column("threshold_lagging", Float, nullable=True),
)

_created: set[str] = set()


def models_engine(settings: Settings) -> Engine:
    """The product database engine with the models tables created (once per process and URL)."""
    engine = engine_for(settings)
    if settings.db_url not in _created:
        metadata.create_all(engine)
        _created.add(settings.db_url)
    return engine

"""The case tables in the product database (own ``MetaData``, created on first use).

Keyed by student RA and list year, never by model version, and with no foreign key to anything a
re-ingest, a new score, a promotion or a rollback rewrites: cases outlive all of them. Notes live
in ``cases.notes`` only; the history records that they changed, never their content.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from config import Settings
from models import case_columns as cc
from pipeline.store import engine_for

metadata = MetaData()

cases = Table(
    "cases",
    metadata,
    Column(cc.CASE_ID, Integer, primary_key=True, autoincrement=True),
    Column(cc.RA, String(64), nullable=False, index=True),
    Column(cc.ANO, Integer, nullable=False, index=True),
    Column(cc.RESPONSIBLE, String(120), nullable=True, index=True),
    Column(cc.STATUS, String(20), nullable=False),
    Column(cc.NOTES, Text, nullable=False, default=""),
    Column(cc.NEXT_STEP, String(cc.NEXT_STEP_MAX), nullable=True),
    Column(cc.NEXT_STEP_ON, Date, nullable=True),
    Column(cc.OPENED_BY, String(120), nullable=False),
    Column(cc.OPENED_AT, DateTime(timezone=True), nullable=False),
    Column(cc.UPDATED_BY, String(120), nullable=False),
    Column(cc.UPDATED_AT, DateTime(timezone=True), nullable=False),
    UniqueConstraint(cc.RA, cc.ANO, name="uq_cases_ra_ano"),
)

case_actions = Table(
    "case_actions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(cc.CASE_ID, Integer, ForeignKey(cases.c[cc.CASE_ID]), nullable=False, index=True),
    Column(cc.ACTION_TYPE, String(cc.ACTION_TYPE_MAX), nullable=False),
    Column(cc.DONE_ON, Date, nullable=False),
    Column(cc.RECORDED_BY, String(120), nullable=False),
    Column(cc.RECORDED_AT, DateTime(timezone=True), nullable=False),
)

case_history = Table(
    "case_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(cc.CASE_ID, Integer, ForeignKey(cases.c[cc.CASE_ID]), nullable=False, index=True),
    Column(cc.RA, String(64), nullable=False, index=True),
    Column(cc.ANO, Integer, nullable=False),
    Column(cc.AT, DateTime(timezone=True), nullable=False),
    Column(cc.USERNAME, String(120), nullable=False),
    Column(cc.EVENT, String(20), nullable=False),
    Column(cc.CHANGES, JSON, nullable=False),
)

case_action_types = Table(
    "case_action_types",
    metadata,
    Column("name", String(cc.ACTION_TYPE_MAX), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_by", String(120), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

_created: set[str] = set()


def cases_engine(settings: Settings) -> Engine:
    """The product database engine with the case tables created (once per process and URL)."""
    engine = engine_for(settings)
    if settings.db_url not in _created:
        metadata.create_all(engine)
        _created.add(settings.db_url)
    return engine

"""Probable copies: the warning every list of a flagged year carries, and the admin's review.

A year whose Defasagem repeats the previous year's is flagged by the pipeline
(``pipeline.quality.PROBABLE_COPY``). Until an admin reviews it, every page, export and sidecar
answer that shows that year's predictions says so (:func:`copy_warnings`). The review — accept
(its transitions enter training) or keep the flag — needs a reason and is recorded in
``copy_reviews`` (who, when, what, why). Warnings carry years and shares, never student data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

import pandas as pd
from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
    select,
)

from config import Settings
from config.errors import PassosError
from pipeline import quality
from pipeline.store import engine_for, year_flags

ACCEPT: Final = "accept"
KEEP: Final = "keep"
DECISIONS: Final = (ACCEPT, KEEP)

metadata = MetaData()

copy_reviews = Table(
    "copy_reviews",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ano", Integer, nullable=False, index=True),
    Column("decision", String(16), nullable=False),  # accept | keep
    Column("username", String(120), nullable=False),
    Column("reason", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

_ready: set[str] = set()


def _engine(settings: Settings) -> Engine:
    engine = engine_for(settings)
    if settings.db_url not in _ready:
        metadata.create_all(engine)
        _ready.add(settings.db_url)
    return engine


@dataclass(frozen=True)
class CopyFlag:
    """A year flagged as a probable copy of the year before."""

    ano: int
    share: float | None
    accepted: bool


def copy_flags(settings: Settings) -> list[CopyFlag]:
    """Every probable-copy flag, oldest year first."""
    query = (
        select(year_flags.c.ano, year_flags.c.share, year_flags.c.accepted)
        .where(year_flags.c.flag == quality.PROBABLE_COPY)
        .order_by(year_flags.c.ano)
    )
    with engine_for(settings).connect() as conn:
        rows = conn.execute(query).all()
    return [CopyFlag(int(r.ano), r.share, bool(r.accepted)) for r in rows]


def copy_warning_text(flag: CopyFlag) -> str:
    """The one Portuguese sentence a list of a flagged year carries."""
    share = "" if flag.share is None else f" (Defasagem igual para {flag.share:.0%} dos alunos)"
    return (
        f"Atenção: os dados de {flag.ano} parecem uma cópia dos de {flag.ano - 1}{share} e ainda "
        f"não foram revisados. Confira a planilha de {flag.ano} antes de usar esta lista; "
        "a revisão é feita na página Dados."
    )


def copy_warnings(settings: Settings, ano: int | None) -> list[str]:
    """Warnings for predictions of ``ano``: one per open (not accepted) copy flag of that year."""
    return [] if ano is None else open_copy_warnings(settings).get(int(ano), [])


def open_copy_warnings(settings: Settings) -> dict[int, list[str]]:
    """Warnings of every year with an open (not accepted) copy flag, by year."""
    out: dict[int, list[str]] = {}
    for flag in copy_flags(settings):
        if not flag.accepted:
            out.setdefault(flag.ano, []).append(copy_warning_text(flag))
    return out


def review_copy(settings: Settings, year: int, decision: str, user: str, reason: str) -> None:
    """Accept a flagged year or keep its flag, with a reason; recorded in ``copy_reviews``."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise PassosError(
            "Informe o motivo da revisão (por exemplo: 'planilha conferida com a escola')."
        )
    if decision not in DECISIONS:
        raise PassosError(f"Decisão '{decision}' desconhecida: use {' ou '.join(DECISIONS)}.")
    flag = next((f for f in copy_flags(settings) if f.ano == year), None)
    if flag is None:
        raise PassosError(
            f"O ano {year} não está marcado como provável cópia: não há o que revisar."
        )
    if flag.accepted:
        raise PassosError(f"O ano {year} já foi aceito: não há o que revisar.")
    if decision == ACCEPT:
        from pipeline.ingest import accept_copy

        accept_copy(settings, year, user=user)
    with _engine(settings).begin() as conn:
        conn.execute(
            insert(copy_reviews),
            [
                {
                    "ano": year,
                    "decision": decision,
                    "username": user,
                    "reason": reason,
                    "at": datetime.now(UTC),
                }
            ],
        )


def reviews(settings: Settings, limit: int = 50) -> pd.DataFrame:
    """Copy reviews, newest first (year, decision, who, why, when)."""
    query = select(copy_reviews).order_by(copy_reviews.c.id.desc()).limit(limit)
    with _engine(settings).connect() as conn:
        rows = conn.execute(query).mappings().all()
    return pd.DataFrame([dict(r) for r in rows], columns=[col.name for col in copy_reviews.columns])

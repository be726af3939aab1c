"""Shared fixtures: an isolated data dir per test and tiny PEDE-like workbooks built in memory."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest

from config import REAL_WORKBOOK, SHARED_PEDE_DIR, Settings

REAL_COPY_2025 = SHARED_PEDE_DIR / "PEDE_2025.xlsx"

needs_real_data = pytest.mark.skipif(
    not REAL_WORKBOOK.exists(), reason="real PEDE data not available (../shared/data/pede)"
)


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Settings whose data dir (database, layers, MLflow store) is a fresh temporary folder."""
    monkeypatch.setenv("PASSOS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PASSOS_DATABASE_URL", raising=False)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.setenv("PASSOS_DRIFT_IN_BACKGROUND", "false")
    yield Settings()


def sheet_2023(n: int = 40, start: int = 1, defasagem: list[int] | None = None) -> pd.DataFrame:
    """A small sheet with the 2023 layout (text Fase, Excel-date ages, `Agata`)."""
    ras = [f"RA-{i}" for i in range(start, start + n)]
    defas = defasagem or [(-i % 4) - 2 for i in range(n)]
    return pd.DataFrame(
        {
            "RA": ras,
            "Fase": [["ALFA", "FASE 1", "FASE 2", "FASE 3"][i % 4] for i in range(n)],
            "INDE 2023": [5.0 + (i % 50) / 10 for i in range(n)],
            "Pedra 2023": [["Quartzo", "Agata", "Ametista", "Topázio"][i % 4] for i in range(n)],
            "Turma": [f"{i % 4}A" for i in range(n)],
            "Nome Anonimizado": [f"Aluno-{i}" for i in range(start, start + n)],
            "Idade": [
                pd.Timestamp(1900, 1, 8 + i % 6) if i % 3 == 0 else 8 + i % 6 for i in range(n)
            ],
            "Gênero": ["Feminino" if i % 2 else "Masculino" for i in range(n)],
            "Ano ingresso": [2020 + i % 4 for i in range(n)],
            "Instituição de ensino": ["Pública" if i % 5 else "Escola Pública" for i in range(n)],
            "INDE 22": [None] * n,
            "IAA": [7.5 + (i % 5) / 2 for i in range(n)],
            "IEG": [6.0 + (i % 8) / 2 for i in range(n)],
            "IPS": [6.5] * n,
            "IPP": [7.0] * n,
            "IDA": [5.0 + (i % 9) / 2 for i in range(n)],
            "Mat": [6.0] * n,
            "Por": [6.5] * n,
            "Ing": [None] * n,
            "IPV": [7.2] * n,
            "IAN": [10.0 if d >= 0 else 5.0 for d in defas],
            "Fase Ideal": ["Fase 2 (5° e 6° ano)"] * n,
            "Defasagem": defas,
        }
    )


def to_xlsx(sheets: dict[str, pd.DataFrame]) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue()


@pytest.fixture
def workbook() -> Callable[..., bytes]:
    """Build an .xlsx in memory from {sheet name: frame}."""
    return to_xlsx


POSTGRES_ENV = "PASSOS_TEST_POSTGRES_URL"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """One fresh database on the PostgreSQL server (see ``postgres_database``)."""
    yield from postgres_database()


@pytest.fixture
def postgres_mlflow_url() -> Iterator[str]:
    """A second fresh database on the same server, for the MLflow backend store."""
    yield from postgres_database()


def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for one test (server URL from PASSOS_TEST_POSTGRES_URL).

    Skipped on a laptop without the variable; in CI (.ci/run starts PostgreSQL) it must run.
    """
    import os
    import uuid

    from sqlalchemy import create_engine, text

    server = os.environ.get(POSTGRES_ENV)
    if not server:
        if os.environ.get("CI"):
            pytest.fail(f"{POSTGRES_ENV} is not set: .ci/run must start PostgreSQL")
        pytest.skip(f"{POSTGRES_ENV} not set (PostgreSQL integration test)")
    name = f"passos_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.rsplit("/", 1)[0] + "/" + name
    finally:
        from pipeline.store import get_engine

        get_engine.cache_clear()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

"""Fixtures of the sidecar tests: fake backends (no MLflow) and a client with tokens set."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.exc import OperationalError

from config import Settings
from sidecar.app import create_app
from sidecar.services import PipelineState, PredictionService

READ_TOKEN = "token-leitura-teste"
ADMIN_TOKEN = "token-admin-teste"
READ = {"Authorization": f"Bearer {READ_TOKEN}"}
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
CLASSES_CYCLE = ("critical", "alert", "expected")


def predictions_frame(n: int = 12, version: str = "1", ano: int = 2024) -> pd.DataFrame:
    """A predictions table as ``models.predictions.read_predictions`` returns it."""
    rows = []
    for i in range(n):
        p_critical = round(0.9 - i * 0.05, 4)
        p_alert = round(0.05 + (i % 3) * 0.01, 4)
        rows.append(
            {
                "model_version": version,
                "ra": f"RA-{100 + i}",
                "ano": ano,
                "nome": f"Aluno-{i}",
                "fase": i % 4,
                "turma": "1A",
                "p_critical": p_critical,
                "p_alert": p_alert,
                "p_expected": round(1 - p_critical - p_alert, 4),
                "classe": CLASSES_CYCLE[min(i // 4, 2)],
                "risk_score": round(p_critical + p_alert / 2, 4),
                "rank": i + 1,
                "reasons": [f"IEG {4 + i / 10:.1f}, abaixo da média da fase"],
                "scored_at": datetime(2025, 3, 1, 12, tzinfo=UTC),
            }
        )
    return pd.DataFrame(rows)


class FakeScorer:
    def __init__(self, version: str) -> None:
        self.version = version

    def score(self, records: pd.DataFrame) -> pd.DataFrame:
        risk = (10 - records["ieg"].fillna(5).astype(float)) / 10
        return pd.DataFrame(
            {
                "classe": ["critical" if r > 0.5 else "expected" for r in risk],
                "p_critical": risk,
                "p_alert": 0.0,
                "p_expected": 1 - risk,
                "risk_score": risk,
                "reasons": [["IEG baixo"]] * len(records),
            },
            index=records.index,
        )


@dataclass
class FakeModels:
    """A models backend whose state tests change: version, predictions, failures."""

    version: str | None = "1"
    frame: pd.DataFrame = field(default_factory=predictions_frame)
    fail_load: bool = False
    db_down: bool = False
    loads: int = 0
    earlier: dict[int, pd.DataFrame] = field(default_factory=dict)  # lists of earlier years
    warnings: dict[int, str] = field(default_factory=dict)  # open copy warnings by year

    def _check_db(self) -> None:
        if self.db_down:
            raise OperationalError("SELECT", {}, Exception("connection refused"))

    def production_version(self) -> str | None:
        self._check_db()
        return self.version

    def read_predictions(self) -> pd.DataFrame:
        self._check_db()
        return self.frame.copy()

    def read_year(self, ano: int) -> pd.DataFrame:
        self._check_db()
        return self.earlier.get(ano, predictions_frame().head(0)).copy()

    def copy_warnings(self) -> Mapping[int, list[str]]:
        self._check_db()
        return {year: [text] for year, text in self.warnings.items()}

    def model_info(self, version: str) -> Mapping[str, Any]:
        return {
            "name": "passos-defasagem",
            "version": version,
            "alias": "production",
            "preset": "lightgbm",
            "params": {"n_estimators": 50},
            "metrics": {"macro_f1": 0.63, "recall_critical": 0.7},
            "promoted_by": "teste",
            "promoted_at": "2025-03-01T12:00:00+00:00",
            "promoted_reason": "melhor no teste temporal",
        }

    def load_scorer(self, version: str) -> FakeScorer:
        if self.fail_load:
            raise RuntimeError("artefato do modelo corrompido")
        self.loads += 1
        return FakeScorer(version)

    def promote(self, version: str) -> None:
        self.version = version
        self.frame = predictions_frame(version=version).assign(
            p_critical=lambda f: f["p_critical"] / 2
        )


@dataclass
class FakePipeline:
    down: bool = False

    def ping(self) -> None:
        if self.down:
            raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    def state(self) -> PipelineState:
        self.ping()
        return PipelineState(
            years=(2022, 2023, 2024),
            last_success_at=datetime(2025, 3, 1, 11, tzinfo=UTC),
            drift_shares={2023: 0.1, 2024: 0.6},
        )


def wait_for_model(predictions: PredictionService, seconds: float = 10.0) -> None:
    """The first start publishes predictions, then loads the model in the background."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        snapshot = predictions.snapshot
        if snapshot is None or snapshot.scorer is not None or predictions.model_error:
            return
        time.sleep(0.01)


@pytest.fixture
def secure_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"api_token": SecretStr(READ_TOKEN), "admin_token": SecretStr(ADMIN_TOKEN)}
    )


@pytest.fixture
def fake_models() -> FakeModels:
    return FakeModels()


@pytest.fixture
def fake_pipeline() -> FakePipeline:
    return FakePipeline()


@pytest.fixture
def make_client(
    secure_settings: Settings, fake_models: FakeModels, fake_pipeline: FakePipeline
) -> Iterator[Callable[..., TestClient]]:
    """Start an app on the fake backends (lifespan run); closed at the end of the test."""
    clients: list[TestClient] = []

    def make(**options: Any) -> TestClient:
        app = create_app(
            secure_settings.model_copy(update=options),
            model_backend=fake_models,
            pipeline_backend=fake_pipeline,
        )
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        wait_for_model(app.state.services.predictions)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()

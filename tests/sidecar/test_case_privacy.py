"""Case notes never leave the product database: not in the sidecar's answers, not in /metrics,
not in a log record; the sidecar does not read the case tables at all."""

from __future__ import annotations

import ast
import logging
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from config import Settings
from cycle import cases as case_verbs
from models import columns as pc
from models.cases import CaseEdit, NewAction
from models.predictions import read_predictions
from sidecar.app import create_app
from tests.sidecar.conftest import READ, wait_for_model
from tests.sidecar.test_contract import promoted  # noqa: F401 - the shared module fixture

pytestmark = pytest.mark.slow

SECRET = "nota-sigilosa-9932"
NOTE = f"Família em situação de rua desde março — {SECRET}"
SIDECAR = Path(__file__).resolve().parents[2] / "sidecar"


def test_sidecar_answers_and_logs_never_carry_case_notes(
    promoted: Settings,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    listed = read_predictions(promoted, classes=pc.AT_RISK_CLASSES)
    ra, year = str(listed["ra"].iloc[0]), int(listed["ano"].iloc[0])
    today = case_verbs.today_local()
    case_verbs.save_case(
        promoted,
        ra,
        year,
        "maria",
        edit=CaseEdit(
            responsible="maria",
            notes=NOTE,
            next_step=f"visitar {SECRET}",
            next_step_on=today + timedelta(days=3),
        ),
        action=NewAction("psicologia", today),
    )
    case_verbs.set_notes(promoted, ra, year, "joana", notes=NOTE + " (revisada)")
    app = create_app(promoted.model_copy(update={"reload_interval_s": 0.2}))
    with TestClient(app) as client:
        wait_for_model(app.state.services.predictions, seconds=120)
        answers = [
            client.get(f"/predict/{ra}", headers=READ),
            client.get("/risk-list?classe=critical,alert", headers=READ),
            client.post("/predict", json={"ras": [ra]}, headers=READ),
            client.get("/model", headers=READ),
            client.get("/health"),
            client.get("/metrics"),
        ]
    assert [a.status_code for a in answers[:2]] == [200, 200]
    for answer in answers:
        assert SECRET not in answer.text, answer.request.url
        assert "maria" not in answer.text, answer.request.url
    # httpx is the test client: it logs the URLs this test asked for, not the product's logs.
    logged = [r.getMessage() for r in caplog.records if r.name != "httpx"]
    assert logged and not [m for m in logged if SECRET in m or ra in m]


def test_the_sidecar_does_not_import_the_case_modules() -> None:
    forbidden = {"cycle.cases", "models.cases", "models.case_tables", "models.case_columns"}
    for path in SIDECAR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
            elif isinstance(node, ast.Import):
                names = {a.name for a in node.names}
            else:
                continue
            assert not names & forbidden, path

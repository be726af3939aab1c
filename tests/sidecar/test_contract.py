"""Integration: real pipeline, MLflow store, promotion and scoring in a temporary data dir.

The contract: for every student of the latest year, ``GET /predict/{ra}``, ``GET /risk-list``
and the file of ``passos risk-list`` agree exactly (the CSV rounds percentages to 0.1).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from config import Settings
from sidecar.app import create_app
from tests.sidecar.conftest import ADMIN, ADMIN_TOKEN, READ, READ_TOKEN, wait_for_model

pytestmark = pytest.mark.slow

CLASS_LABELS = {"critical": "Crítico", "alert": "Alerta", "expected": "Esperado"}


@pytest.fixture(scope="module")
def promoted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Synthetic PEDE 2022–2024 ingested, two versions trained, version 1 in production."""
    import synthetic
    from models.registry import promote
    from models.training import train_preset
    from pipeline.ingest import ingest
    from pipeline.plan import Upload

    root = tmp_path_factory.mktemp("contract")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PASSOS_DATA_DIR", str(root / "data"))
        mp.delenv("PASSOS_DATABASE_URL", raising=False)
        mp.delenv("MLFLOW_TRACKING_URI", raising=False)
        mp.setenv("PASSOS_DRIFT_IN_BACKGROUND", "false")
        mp.setenv("PASSOS_API_TOKEN", READ_TOKEN)
        mp.setenv("PASSOS_ADMIN_TOKEN", ADMIN_TOKEN)
        mp.chdir(root)
        settings = Settings()
        sheets = synthetic.generate_years(300, [2022, 2023, 2024], seed=7)
        path = synthetic.write_workbook(sheets, root / "PEDE_2022-24.xlsx")
        ingest([Upload.from_path(path)], settings)
        for _ in range(2):  # the fastest preset, twice: two versions to switch between
            train_preset(settings, "persistence")
        promote(settings, "1", reason="teste de contrato", user="teste")
        yield settings


@pytest.fixture
def real_client(promoted: Settings) -> Iterator[TestClient]:
    app = create_app(promoted.model_copy(update={"reload_interval_s": 0.2}))
    with TestClient(app) as client:
        wait_for_model(app.state.services.predictions, seconds=120)
        yield client


def _cli_rows(
    settings: Settings, out: Path, *args: str
) -> tuple[dict[str, str], list[dict[str, str]]]:
    from cli.main import main

    assert main(["risk-list", "--format", "csv", "--out", str(out), *args]) == 0
    text = out.read_bytes().decode("utf-8-sig")
    header_block, _, table = text.partition("\r\n\r\n")
    header = dict(row[:2] for row in csv.reader(io.StringIO(header_block), delimiter=";"))
    rows = list(csv.DictReader(io.StringIO(table), delimiter=";"))
    return header, rows


def _percent(value: str) -> float:
    return float(value.replace(",", "."))


def _same_as_cli(api: dict[str, Any], cli: dict[str, str]) -> None:
    from models.export import neutralise

    assert int(cli["Posição"]) == api["rank"]
    assert cli["RA"] == api["ra"]
    assert cli["Classe de risco"] == CLASS_LABELS[api["classe"]]
    assert _percent(cli["Risco de defasagem (%)"]) == round(api["risk_score"] * 100, 1)
    assert _percent(cli["Probabilidade de Crítico (%)"]) == round(api["p_critical"] * 100, 1)
    reasons = [*api["reasons"], "", "", ""][:3]
    assert [cli["Motivo 1"], cli["Motivo 2"], cli["Motivo 3"]] == [neutralise(r) for r in reasons]


def test_predict_risk_list_and_cli_agree_for_every_student(
    promoted: Settings, real_client: TestClient, tmp_path: Path
) -> None:
    from models.predictions import read_predictions

    table = read_predictions(promoted)
    assert len(table) > 50 and set(table["model_version"]) == {"1"}
    listing = real_client.get("/risk-list", headers=READ).json()
    assert listing["model_version"] == "1" and listing["ano"] == 2024
    students = listing["students"]
    assert [s["ra"] for s in students] == list(table["ra"])
    for student in students:
        single = real_client.get(f"/predict/{student['ra']}", headers=READ)
        assert single.status_code == 200
        assert single.json() == student
    header, cli_rows = _cli_rows(promoted, tmp_path / "todos.csv")
    assert header["Versão do modelo"] == "1" and header["Ano dos dados"] == "2024"
    assert len(cli_rows) == len(students)
    for api_row, cli_row in zip(students, cli_rows, strict=True):
        _same_as_cli(api_row, cli_row)
    # The same filters give the same list.
    filtered = real_client.get("/risk-list?classe=critical,alert&top=7", headers=READ).json()
    _, cli_filtered = _cli_rows(
        promoted, tmp_path / "top.csv", "--classe", "critical,alert", "--top", "7"
    )
    assert len(filtered["students"]) == len(cli_filtered) == 7
    for api_row, cli_row in zip(filtered["students"], cli_filtered, strict=True):
        _same_as_cli(api_row, cli_row)


def test_model_info_and_scoring_with_the_real_model(
    promoted: Settings, real_client: TestClient
) -> None:
    info = real_client.get("/model", headers=READ).json()
    assert info["version"] == "1" and info["preset"] == "persistence"
    assert info["promoted_by"] == "teste" and info["promoted_reason"] == "teste de contrato"
    assert "macro_f1" in info["metrics"] and info["params"]
    known = real_client.get("/risk-list?top=1", headers=READ).json()["students"][0]
    response = real_client.post(
        "/predict",
        headers=READ,
        json={
            "students": [
                {"ra": known["ra"], "ano": 2024, "fase": 2, "defasagem": -2, "ieg": 4.0},
                {"ano": 2024, "fase": 1, "defasagem": 0},  # missing indicators do not crash
            ]
        },
    )
    assert response.status_code == 200, response.text
    scored = response.json()["scored"]
    assert [s["classe"] for s in scored] == ["critical", "expected"]  # persistence
    assert all(abs(s["p_critical"] + s["p_alert"] + s["p_expected"] - 1) < 1e-6 for s in scored)
    health = real_client.get("/health").json()
    assert health["status"] == "ok" and health["latest_year"] == 2024


def test_promotion_is_noticed_and_reload_is_admin_only(
    promoted: Settings, real_client: TestClient
) -> None:
    import time

    from models.registry import promote, rollback

    assert real_client.post("/model/reload", headers=READ).status_code == 403
    promote(promoted, "2", reason="nova versão", user="teste")
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if real_client.get("/model", headers=READ).json()["version"] == "2":
                break
            time.sleep(0.1)
        ra = real_client.get("/risk-list?top=1", headers=READ).json()["students"][0]["ra"]
        assert real_client.get(f"/predict/{ra}", headers=READ).json()["model_version"] == "2"
        reload = real_client.post("/model/reload", headers=ADMIN)
        assert reload.status_code == 200
        assert reload.json() == {"changed": False, "model_version": "2", "previous_version": "2"}
    finally:
        rollback(promoted, reason="volta para o contrato", user="teste")


def test_unreachable_database_is_503_not_a_crash(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=f"sqlite:///{tmp_path / 'sem-pasta' / 'passos.db'}",
        api_token=SecretStr(READ_TOKEN),
        admin_token=SecretStr(ADMIN_TOKEN),
    )
    with TestClient(create_app(settings)) as client:
        health = client.get("/health")
        assert health.status_code == 503 and health.json()["database"] is False
        response = client.get("/predict/RA-1", headers=READ)
        assert response.status_code == 503
        assert response.json()["detail"].startswith("Banco de dados indisponível")

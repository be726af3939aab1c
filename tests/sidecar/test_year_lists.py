"""``/risk-list?ano=`` serves the list given for an earlier year; copy warnings reach answers."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.sidecar.conftest import READ, FakeModels, predictions_frame

WARNING = "Atenção: os dados de 2024 parecem uma cópia dos de 2023."


def test_earlier_year_is_the_list_given_then(
    make_client: Callable[..., TestClient], fake_models: FakeModels
) -> None:
    earlier = predictions_frame(n=6, version="1", ano=2023).iloc[::-1].reset_index(drop=True)
    earlier["rank"] = range(1, 7)
    fake_models.version = "2"
    fake_models.frame = predictions_frame(version="2", ano=2024)
    fake_models.earlier = {2023: earlier}
    client = make_client()
    body = client.get("/risk-list?ano=2023", headers=READ).json()
    assert body["ano"] == 2023 and body["model_version"] == "1"
    assert [s["ra"] for s in body["students"]] == earlier["ra"].tolist()
    assert body["scored_at"].startswith("2025-03-01")
    cut = client.get("/risk-list?ano=2023&classe=critical&top=2", headers=READ).json()
    assert [s["ra"] for s in cut["students"]] == earlier[earlier["classe"] == "critical"][
        "ra"
    ].tolist()[:2]
    latest = client.get("/risk-list?ano=2024", headers=READ).json()
    assert latest == client.get("/risk-list", headers=READ).json()
    assert latest["model_version"] == "2"


def test_unknown_year_is_404_in_portuguese(make_client: Callable[..., TestClient]) -> None:
    response = make_client().get("/risk-list?ano=2019", headers=READ)
    assert response.status_code == 404
    assert "Não há lista de risco para 2019" in response.json()["detail"]


def test_copy_warning_on_risk_list_and_predict_without_student_data(
    make_client: Callable[..., TestClient], fake_models: FakeModels
) -> None:
    fake_models.warnings = {2024: WARNING}
    client = make_client()
    listed = client.get("/risk-list", headers=READ).json()
    assert listed["warnings"] == [WARNING]
    lookup = client.post("/predict", headers=READ, json={"ras": ["RA-100"]}).json()
    assert lookup["warnings"] == [WARNING]
    assert all("RA-" not in text for text in listed["warnings"])
    fake_models.earlier = {2023: predictions_frame(n=3, ano=2023)}
    assert client.get("/risk-list?ano=2023", headers=READ).json()["warnings"] == []


def test_no_warning_when_the_year_is_not_flagged(client: TestClient) -> None:
    assert client.get("/risk-list", headers=READ).json()["warnings"] == []
    lookup = client.post("/predict", headers=READ, json={"ras": ["RA-100"]}).json()
    assert lookup["warnings"] == []


def test_accepting_the_copy_clears_the_warning_at_the_next_refresh(
    make_client: Callable[..., TestClient], fake_models: FakeModels
) -> None:
    fake_models.warnings = {2024: WARNING}
    client = make_client()
    assert client.get("/risk-list", headers=READ).json()["warnings"] == [WARNING]
    fake_models.warnings = {}
    services = client.app.state.services  # type: ignore[attr-defined]
    outcome = services.predictions.refresh()
    assert outcome.changed
    assert client.get("/risk-list", headers=READ).json()["warnings"] == []

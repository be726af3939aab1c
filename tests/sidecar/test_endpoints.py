"""Every endpoint and every error of the sidecar, on fake backends (no MLflow, no training)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.sidecar.conftest import ADMIN, READ, FakeModels, predictions_frame

PREDICTION_KEYS = [
    "ra",
    "ano",
    "classe",
    "p_critical",
    "p_alert",
    "p_expected",
    "risk_score",
    "rank",
    "reasons",
    "model_version",
]


def test_health_ready_without_auth_and_without_student_data(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "model_version": "1",
        "model_loaded": True,
        "database": True,
        "latest_year": 2024,
        "predictions_year": 2024,
        "problems": [],
    }
    assert "RA-" not in response.text


def test_health_503_without_production_model(
    make_client: Callable[..., TestClient], fake_models: FakeModels
) -> None:
    fake_models.version = None
    client = make_client()
    response = client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "indisponivel" and body["model_version"] is None
    assert "Nenhum modelo em produção" in body["problems"][0]
    predict = client.get("/predict/RA-100", headers=READ)
    assert predict.status_code == 503
    assert "passos promote" in predict.json()["detail"]
    assert predict.headers["retry-after"] == "5"


def test_model_info(client: TestClient) -> None:
    response = client.get("/model", headers=READ)
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == "1" and body["alias"] == "production"
    assert body["preset"] == "lightgbm"
    assert body["metrics"] == {"macro_f1": 0.63, "recall_critical": 0.7}
    assert body["promoted_by"] == "teste" and body["promoted_reason"]
    assert body["loaded_at"]


def test_predict_one_returns_the_table_row_exactly(client: TestClient) -> None:
    response = client.get("/predict/RA-101", headers=READ)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert list(body) == PREDICTION_KEYS  # no name, no turma: only what the contract lists
    row = predictions_frame().set_index("ra").loc["RA-101"]
    assert body["rank"] == row["rank"] == 2
    assert body["p_critical"] == row["p_critical"] and body["risk_score"] == row["risk_score"]
    assert body["reasons"] == row["reasons"] and body["model_version"] == "1"


def test_predict_unknown_ra_is_404_in_portuguese(client: TestClient) -> None:
    response = client.get("/predict/RA-999999", headers=READ)
    assert response.status_code == 404
    assert response.json() == {
        "detail": "Aluno não encontrado nas previsões do modelo em produção."
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/model"),
        ("GET", "/predict/RA-100"),
        ("POST", "/predict"),
        ("GET", "/risk-list"),
        ("POST", "/model/reload"),
    ],
)
def test_every_data_route_needs_a_token(client: TestClient, method: str, path: str) -> None:
    missing = client.request(method, path, json={"ras": ["RA-100"]})
    assert missing.status_code == 401
    assert "Authorization: Bearer" in missing.json()["detail"]
    assert missing.headers["www-authenticate"] == "Bearer"
    wrong = client.request(
        method, path, json={"ras": ["RA-100"]}, headers={"Authorization": "Bearer chute"}
    )
    assert wrong.status_code == 401
    assert wrong.json() == {"detail": "Acesso negado: token inválido."}
    basic = client.request(method, path, headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert basic.status_code == 401


def test_admin_token_reads_too(client: TestClient) -> None:
    assert client.get("/predict/RA-100", headers=ADMIN).status_code == 200


def test_read_token_on_admin_route_is_403(client: TestClient) -> None:
    response = client.post("/model/reload", headers=READ)
    assert response.status_code == 403
    assert "PASSOS_ADMIN_TOKEN" in response.json()["detail"]


def test_post_predict_lookups_keep_request_order(client: TestClient) -> None:
    response = client.post("/predict", headers=READ, json={"ras": ["RA-105", "RA-000", "RA-100"]})
    assert response.status_code == 200
    body = response.json()
    assert body["model_version"] == "1"
    assert [p["ra"] for p in body["predictions"]] == ["RA-105", "RA-100"]
    assert body["not_found"] == ["RA-000"]
    single = client.get("/predict/RA-105", headers=READ).json()
    assert body["predictions"][0] == single


def test_post_predict_scores_records_with_the_loaded_model(client: TestClient) -> None:
    students = [
        {"ra": "RA-5", "ano": 2024, "fase": 2, "defasagem": -1, "ieg": 2.0, "pedra": "Ágata"},
        {"ano": 2024, "fase": 1, "defasagem": 0, "ieg": 9.0, "instituicao": "publica"},
    ]
    response = client.post("/predict", headers=READ, json={"students": students})
    assert response.status_code == 200
    body = response.json()
    assert body["model_version"] == "1"
    assert [s["ra"] for s in body["scored"]] == ["RA-5", None]
    assert [s["classe"] for s in body["scored"]] == ["critical", "expected"]
    assert body["scored"][0]["p_critical"] == pytest.approx(0.8)


@pytest.mark.parametrize(
    ("payload", "field", "words"),
    [
        (
            {"students": [{"ano": 2024, "fase": 2, "defasagem": 0, "iaa": 12}]},
            "students[0].iaa",
            "no máximo 10",
        ),
        ({"students": [{"ano": 2024, "fase": 2}]}, "students[0].defasagem", "obrigatório"),
        (
            {"students": [{"ano": 2024, "fase": 2, "defasagem": 0, "pedra": "Rubi"}]},
            "students[0].pedra",
            "valor não permitido",
        ),
        (
            {"students": [{"ano": 2024, "fase": 2, "defasagem": 0, "genero": "X"}]},
            "students[0].genero",
            "valor não permitido",
        ),
        (
            {"students": [{"ano": 2024, "fase": "dois", "defasagem": 0}]},
            "students[0].fase",
            "número inteiro",
        ),
        (
            {"students": [{"ano": 2024, "fase": 2, "defasagem": 0, "nota": 1}]},
            "students[0].nota",
            "campo desconhecido",
        ),
        (
            {"students": [{"ra": "12345", "ano": 2024, "fase": 2, "defasagem": 0}]},
            "students[0].ra",
            "formato inválido",
        ),
        ({"ras": []}, "ras", "pelo menos 1"),
        ({"ras": ["RA-1"], "students": []}, "students", "pelo menos 1"),
        ({}, "corpo do pedido", "exatamente um"),
    ],
)
def test_post_predict_422_names_the_field(
    client: TestClient, payload: dict[str, object], field: str, words: str
) -> None:
    response = client.post("/predict", headers=READ, json=payload)
    assert response.status_code == 422
    body = response.json()
    assert field in body["fields"]
    assert field in body["detail"] and words in body["detail"]
    assert "Traceback" not in response.text


def test_post_predict_limits_come_from_settings(make_client: Callable[..., TestClient]) -> None:
    client = make_client(predict_max_ras=2, predict_max_students=1)
    too_many = client.post("/predict", headers=READ, json={"ras": ["RA-1", "RA-2", "RA-3"]})
    assert too_many.status_code == 422
    assert too_many.json()["fields"] == ["ras"] and "no máximo 2" in too_many.json()["detail"]
    record = {"ano": 2024, "fase": 1, "defasagem": 0}
    students = client.post("/predict", headers=READ, json={"students": [record, record]})
    assert students.status_code == 422 and students.json()["fields"] == ["students"]


def test_invalid_json_body_is_422(client: TestClient) -> None:
    response = client.post(
        "/predict",
        headers={**READ, "Content-Type": "application/json"},
        content=b"{ras: nope",
    )
    assert response.status_code == 422
    assert "JSON inválido" in response.json()["detail"]


def test_risk_list_default_is_every_class_in_rank_order(client: TestClient) -> None:
    response = client.get("/risk-list", headers=READ)
    assert response.status_code == 200
    body = response.json()
    expected = predictions_frame()
    assert body["classes"] == ["critical", "alert", "expected"]
    assert body["scored_at"] == "2025-03-01T12:00:00+00:00"
    assert body["model_version"] == "1" and body["ano"] == 2024 and body["top"] is None
    assert [s["ra"] for s in body["students"]] == list(expected["ra"])
    assert [s["rank"] for s in body["students"]] == sorted(s["rank"] for s in body["students"])
    assert body["total"] == len(expected)
    for student in body["students"]:
        assert student == client.get(f"/predict/{student['ra']}", headers=READ).json()


def test_risk_list_filters_then_cuts(client: TestClient) -> None:
    body = client.get("/risk-list?classe=alert,expected&top=3", headers=READ).json()
    assert [s["classe"] for s in body["students"]] == ["alert"] * 3
    assert body["students"][0]["rank"] == 5 and body["total"] == 3
    at_risk = client.get("/risk-list?classe=critical,alert", headers=READ).json()
    assert at_risk["total"] == 8 and at_risk["classes"] == ["critical", "alert"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("classe=critical,vermelho", "classe"),
        ("top=0", "top"),
        ("top=dez", "top"),
        ("classe=", "classe"),
    ],
)
def test_risk_list_422_names_the_parameter(client: TestClient, query: str, field: str) -> None:
    response = client.get(f"/risk-list?{query}", headers=READ)
    assert response.status_code == 422
    assert response.json()["fields"] == [field]


def test_unknown_route_and_method_answer_in_portuguese(client: TestClient) -> None:
    assert client.get("/nada").json()["detail"].startswith("Endereço não encontrado")
    assert client.delete("/health").status_code == 405
    assert "Método não permitido" in client.delete("/health").json()["detail"]


def test_docs_and_openapi_examples(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    schema = client.get("/openapi.json").json()
    components = schema["components"]["schemas"]
    assert components["Prediction"]["examples"][0]["ra"] == "RA-1234"
    assert components["PredictRequest"]["examples"][1]["students"][0]["defasagem"] == -1
    assert "HTTPBearer" in schema["components"]["securitySchemes"]
    assert set(schema["paths"]) >= {
        "/health",
        "/model",
        "/predict/{ra}",
        "/predict",
        "/risk-list",
        "/model/reload",
        "/metrics",
    }


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/openapi.json"])
def test_docs_are_open_and_hold_no_student_data(client: TestClient, path: str) -> None:
    """Open on purpose (README): they describe the API with invented examples only."""
    served = predictions_frame()
    assert client.get(f"/predict/{served['ra'].iloc[0]}", headers=READ).status_code == 200
    response = client.get(path)  # no token
    assert response.status_code == 200
    leaked = [value for value in [*served["ra"], *served["nome"]] if str(value) in response.text]
    assert leaked == []


def test_internal_error_is_json_without_traceback(
    client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*_args: object) -> None:
        raise KeyError("segredo interno")

    scorer = client.app.state.services.predictions.snapshot.scorer  # type: ignore[attr-defined]
    monkeypatch.setattr(scorer, "score", broken)
    response = client.post(
        "/predict", headers=READ, json={"students": [{"ano": 2024, "fase": 1, "defasagem": 0}]}
    )
    assert response.status_code == 500
    assert "Erro interno" in response.json()["detail"]
    assert "segredo" not in response.text and "Traceback" not in response.text
    logged = [r for r in caplog.records if "erro interno" in r.getMessage()]
    assert len(logged) == 1 and "KeyError" in logged[0].getMessage()
    assert all("segredo" not in r.getMessage() and not r.exc_info for r in caplog.records)
    assert 'status="500"' in client.get("/metrics").text


def test_model_failing_at_first_start_still_serves_predictions(
    make_client: Callable[..., TestClient], fake_models: FakeModels
) -> None:
    fake_models.fail_load = True
    client = make_client()
    assert client.get("/predict/RA-100", headers=READ).status_code == 200
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["model_loaded"] is False
    model = client.get("/model", headers=READ)
    assert model.status_code == 500
    assert "artefato do modelo corrompido" in model.json()["detail"]
    assert "previsões já calculadas continuam disponíveis" in model.json()["detail"]
    record = {"ano": 2024, "fase": 1, "defasagem": 0}
    scored = client.post("/predict", headers=READ, json={"students": [record]})
    assert scored.status_code == 500 and "versão 1" in scored.json()["detail"]


def test_api_allowed_values_are_the_silver_contract_values() -> None:
    """The API's Literal types repeat the contract for OpenAPI; they must never drift from it."""
    from typing import get_args

    from pipeline import columns as c
    from sidecar import schemas

    assert get_args(schemas.Classe) == c.CLASSES
    assert get_args(schemas.Pedra) == c.PEDRAS
    assert get_args(schemas.Genero) == c.GENEROS
    assert get_args(schemas.Instituicao) == c.INSTITUICOES

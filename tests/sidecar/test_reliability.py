"""Reloads, the poller, an unavailable database, atomic swaps, metrics and privacy."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from config import Settings
from sidecar.app import create_app
from sidecar.auth import TokensMissingError
from sidecar.server import InsecureBindError, serve
from sidecar.services import PredictionService
from tests.sidecar.conftest import (
    ADMIN,
    ADMIN_TOKEN,
    READ,
    READ_TOKEN,
    FakeModels,
    FakePipeline,
)

METRIC_NAMES = (
    "passos_http_requests_total",
    "passos_http_request_duration_seconds_bucket",
    "passos_predictions_served_total",
    "passos_model_info",
    "passos_students_at_risk",
    "passos_drift_share",
    "passos_pipeline_last_success_timestamp_seconds",
    "passos_model_reload_failures_total",
)


def _wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError("condition not reached in time")


def _metric(client: TestClient, line_start: str) -> float:
    for line in client.get("/metrics").text.splitlines():
        if line.startswith(line_start + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{line_start} not in /metrics")


def test_reload_picks_up_a_promotion(client: TestClient, fake_models: FakeModels) -> None:
    before = client.get("/predict/RA-100", headers=READ).json()
    fake_models.promote("2")
    response = client.post("/model/reload", headers=ADMIN)
    assert response.status_code == 200
    assert response.json() == {"changed": True, "model_version": "2", "previous_version": "1"}
    after = client.get("/predict/RA-100", headers=READ).json()
    assert after["model_version"] == "2" and after["p_critical"] == before["p_critical"] / 2
    assert client.get("/model", headers=READ).json()["version"] == "2"
    assert _metric(client, 'passos_model_info{preset="lightgbm",version="2"}') == 1.0


def test_failed_reload_keeps_the_old_model_and_says_why(
    client: TestClient, fake_models: FakeModels
) -> None:
    fake_models.promote("2")
    fake_models.fail_load = True
    response = client.post("/model/reload", headers=ADMIN)
    assert response.status_code == 500
    detail = response.json()["detail"]
    assert "versão 2" in detail and "artefato do modelo corrompido" in detail
    assert "versão 1 continua em uso" in detail
    served = client.get("/predict/RA-100", headers=READ).json()
    assert served["model_version"] == "1"  # old predictions, not v2's table rows
    assert client.get("/model", headers=READ).json()["version"] == "1"
    assert client.get("/health").status_code == 200
    assert _metric(client, "passos_model_reload_failures_total") == 1.0
    fake_models.fail_load = False
    assert client.post("/model/reload", headers=ADMIN).json()["model_version"] == "2"


def test_poller_notices_a_promotion_and_new_scores_by_itself(
    make_client: Callable[..., TestClient], fake_models: FakeModels
) -> None:
    client = make_client(reload_interval_s=0.05)
    fake_models.promote("2")
    _wait_for(lambda: client.get("/predict/RA-100", headers=READ).json()["model_version"] == "2")
    loads = fake_models.loads
    # Same version, rescored rows (a pipeline run): new rows, same loaded model.
    fake_models.frame = fake_models.frame.assign(p_alert=0.01)
    _wait_for(lambda: client.get("/predict/RA-100", headers=READ).json()["p_alert"] == 0.01)
    assert fake_models.loads == loads


def test_poller_failure_is_counted_and_does_not_stop_it(
    make_client: Callable[..., TestClient], fake_models: FakeModels
) -> None:
    client = make_client(reload_interval_s=0.05)
    fake_models.fail_load = True
    fake_models.promote("2")
    _wait_for(lambda: _metric(client, "passos_model_reload_failures_total") >= 1)
    assert client.get("/predict/RA-100", headers=READ).json()["model_version"] == "1"
    fake_models.fail_load = False
    _wait_for(lambda: client.get("/predict/RA-100", headers=READ).json()["model_version"] == "2")


def test_database_down_at_start_gives_503_then_recovers_by_itself(
    make_client: Callable[..., TestClient], fake_models: FakeModels, fake_pipeline: FakePipeline
) -> None:
    fake_models.db_down = fake_pipeline.down = True
    client = make_client(reload_interval_s=0.05)
    for path in ("/predict/RA-100", "/risk-list", "/model"):
        response = client.get(path, headers=READ)
        assert response.status_code == 503, path
        assert response.json()["detail"].startswith("Banco de dados indisponível")
    health = client.get("/health")
    assert health.status_code == 503 and health.json()["database"] is False
    assert len(health.json()["problems"]) == 1
    fake_models.db_down = fake_pipeline.down = False
    _wait_for(lambda: client.get("/predict/RA-100", headers=READ).status_code == 200)
    assert client.get("/health").status_code == 200


def test_database_down_after_start_keeps_serving_the_snapshot(
    client: TestClient, fake_models: FakeModels, fake_pipeline: FakePipeline
) -> None:
    fake_models.db_down = fake_pipeline.down = True
    assert client.get("/predict/RA-100", headers=READ).status_code == 200
    health = client.get("/health")
    assert health.status_code == 503
    assert any("Banco de dados" in p for p in health.json()["problems"])
    reload = client.post("/model/reload", headers=ADMIN)
    assert reload.status_code == 503 and reload.headers["retry-after"] == "5"
    assert "Banco de dados indisponível" in reload.json()["detail"]
    fake_models.db_down = fake_pipeline.down = False
    assert client.get("/health").status_code == 200


def test_snapshot_swap_is_atomic_under_concurrent_reads(fake_models: FakeModels) -> None:
    """Readers see whole snapshots only, while versions flip as fast as refresh allows."""
    service = PredictionService(fake_models)
    service.refresh()
    expected = {
        version: fake_models.frame.set_index("ra")["p_critical"].to_dict()
        if version == "1"
        else (fake_models.frame.set_index("ra")["p_critical"] / 2).to_dict()
        for version in ("1", "2")
    }
    stop = threading.Event()
    mixed: list[str] = []

    def read() -> None:
        while not stop.is_set():
            snapshot = service.current()
            for ra, row in snapshot.by_ra.items():
                if row["model_version"] != snapshot.version or (
                    row["p_critical"] != expected[snapshot.version][ra]
                ):
                    mixed.append(ra)

    readers = [threading.Thread(target=read) for _ in range(3)]
    for thread in readers:
        thread.start()
    for i in range(40):
        if i % 2 == 0:
            fake_models.promote("2")
        else:
            fake_models.version, fake_models.frame = (
                "1",
                fake_models.frame.assign(
                    model_version="1", p_critical=lambda f: f["p_critical"] * 2
                ),
            )
        service.refresh()
    stop.set()
    for thread in readers:
        thread.join()
    assert mixed == []


def test_metrics_exposed_with_route_templates_and_no_student_data(client: TestClient) -> None:
    client.get("/predict/RA-100", headers=READ)
    client.get("/predict/RA-104", headers=READ)
    client.get("/predict/RA-424242", headers=READ)
    client.get("/predict/RA-100")
    client.get("/alunos/RA-777")
    client.post("/predict", headers=READ, json={"ras": ["RA-101"]})
    text = client.get("/metrics").text
    for name in METRIC_NAMES:
        assert name in text, name
    assert "RA-" not in text  # no RA in any label, even for unknown or unmatched paths
    assert (
        _metric(
            client, 'passos_http_requests_total{endpoint="/predict/{ra}",method="GET",status="200"}'
        )
        == 2
    )
    assert (
        _metric(
            client, 'passos_http_requests_total{endpoint="<unmatched>",method="GET",status="404"}'
        )
        == 1
    )
    assert _metric(client, 'passos_predictions_served_total{classe="critical"}') == 2
    assert _metric(client, 'passos_predictions_served_total{classe="alert"}') == 1
    assert _metric(client, 'passos_students_at_risk{classe="critical"}') == 4
    assert _metric(client, 'passos_students_at_risk{classe="alert"}') == 4
    assert _metric(client, 'passos_drift_share{ano="2024"}') == 0.6
    assert _metric(client, "passos_pipeline_last_success_timestamp_seconds") > 1.7e9
    assert 'le="0.001"' in text  # millisecond buckets


def test_metrics_registries_are_per_app(
    make_client: Callable[..., TestClient],
) -> None:
    first, second = make_client(), make_client()
    first.get("/predict/RA-100", headers=READ)
    assert "RA-" not in second.get("/metrics").text
    assert 'classe="critical"} 1.0' in first.get("/metrics").text
    assert 'passos_predictions_served_total{classe="critical"} 0.0' in second.get("/metrics").text


def test_logs_carry_no_ra_and_no_token(
    client: TestClient, fake_models: FakeModels, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client.get("/predict/RA-100", headers=READ)
    client.get("/predict/RA-55555", headers=READ)
    client.post("/predict", headers=READ, json={"ras": ["RA-101"]})
    client.post(
        "/predict",
        headers=READ,
        json={"students": [{"ra": "RA-9", "ano": 2024, "fase": 1, "defasagem": 0, "ieg": 11}]},
    )
    client.get("/risk-list", headers=READ)
    fake_models.promote("2")
    fake_models.fail_load = True
    client.post("/model/reload", headers=ADMIN)
    client.get("/predict/RA-100", headers={"Authorization": "Bearer errado-123"})
    ours = [r for r in caplog.records if r.name.startswith("sidecar")]
    assert any("GET /predict/{ra} 200" in r.getMessage() for r in ours)
    for record in ours:
        message = record.getMessage()
        assert "RA-" not in message, message
        assert READ_TOKEN not in message and ADMIN_TOKEN not in message
        assert "errado-123" not in message


def test_refuses_to_start_without_tokens(settings: Settings) -> None:
    with pytest.raises(TokensMissingError, match="PASSOS_API_TOKEN e PASSOS_ADMIN_TOKEN"):
        create_app(settings)


def test_insecure_dev_is_open_on_loopback_only(
    settings: Settings, fake_models: FakeModels, fake_pipeline: FakePipeline
) -> None:
    app = create_app(
        settings, model_backend=fake_models, pipeline_backend=fake_pipeline, insecure_dev=True
    )
    with TestClient(app) as client:
        assert client.get("/predict/RA-100").status_code == 200
        assert client.post("/model/reload").status_code == 200
    with pytest.raises(InsecureBindError, match="127.0.0.1"):
        serve(settings, host="0.0.0.0", insecure_dev=True)  # noqa: S104 - refused on purpose


def test_configured_tokens_still_apply_in_insecure_dev(
    secure_settings: Settings, fake_models: FakeModels, fake_pipeline: FakePipeline
) -> None:
    app = create_app(
        secure_settings,
        model_backend=fake_models,
        pipeline_backend=fake_pipeline,
        insecure_dev=True,
    )
    with TestClient(app) as client:
        assert client.get("/predict/RA-100").status_code == 401


def test_cli_serve_without_tokens_is_one_line_and_nonzero(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cli.main import main

    monkeypatch.delenv("PASSOS_API_TOKEN", raising=False)
    monkeypatch.delenv("PASSOS_ADMIN_TOKEN", raising=False)
    monkeypatch.chdir(settings.data_dir.parent)  # no .env from the project folder
    assert main(["serve", "--port", "8765"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--insecure-dev" in err[0] and "PASSOS_API_TOKEN" in err[0]

"""Request bounds: the token and the size are checked before a body is read; slow headers close."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from config import Settings
from sidecar.app import create_app
from sidecar.auth import TokenPolicy
from sidecar.guard import RequestGuard, with_header_timeout
from tests.sidecar.conftest import ADMIN_TOKEN, READ, READ_TOKEN, FakeModels, FakePipeline

LIMIT_KB = 4


@pytest.fixture
def small_body_client(
    secure_settings: Settings, fake_models: FakeModels, fake_pipeline: FakePipeline
) -> Iterator[TestClient]:
    app = create_app(
        secure_settings.model_copy(update={"max_request_body_kb": LIMIT_KB}),
        model_backend=fake_models,
        pipeline_backend=fake_pipeline,
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def _big_body(kb: int) -> bytes:
    ras = ",".join(f'"RA-{i}"' for i in range(kb * 1024 // 10))
    return f'{{"ras": [{ras}]}}'.encode()


def test_anonymous_body_is_refused_without_reading_it() -> None:
    """The middleware answers 401 from the headers alone: ``receive`` is never awaited."""
    policy = TokenPolicy.from_tokens(READ_TOKEN, ADMIN_TOKEN, insecure_dev=False)
    reached_app: list[bool] = []

    async def app(_scope: Any, _receive: Any, _send: Any) -> None:
        reached_app.append(True)

    guard = RequestGuard(app, policy=policy, max_body_bytes=1024)
    reads: list[int] = []
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        reads.append(1)
        return {"type": "http.request", "body": b"x" * 1024, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    for headers in ([], [(b"authorization", b"Bearer errado")]):
        reads.clear()
        scope = {
            "type": "http",
            "method": "POST",
            "path": "/predict",
            "headers": [(b"content-length", b"210000000"), *headers],
        }
        asyncio.run(guard(scope, receive, send))
        assert reads == [] and reached_app == []
        assert sent[-2]["status"] == 401


def test_anonymous_large_post_gets_401_in_portuguese(small_body_client: TestClient) -> None:
    response = small_body_client.post("/predict", content=_big_body(64))
    assert response.status_code == 401
    assert "token" in response.json()["detail"]
    wrong = small_body_client.post(
        "/predict", headers={"Authorization": "Bearer nao-sei"}, content=_big_body(64)
    )
    assert wrong.status_code == 401 and wrong.json()["detail"] == "Acesso negado: token inválido."


def test_body_over_the_limit_is_413_by_declared_length(small_body_client: TestClient) -> None:
    response = small_body_client.post(
        "/predict", headers={**READ, "Content-Type": "application/json"}, content=_big_body(16)
    )
    assert response.status_code == 413
    assert f"{LIMIT_KB} KB" in response.json()["detail"]


def test_streamed_body_over_the_limit_is_413(small_body_client: TestClient) -> None:
    """No Content-Length (chunked): counted while it streams, refused past the limit."""

    def chunks() -> Iterator[bytes]:
        body = _big_body(16)
        for start in range(0, len(body), 1024):
            yield body[start : start + 1024]

    response = small_body_client.post(
        "/predict", headers={**READ, "Content-Type": "application/json"}, content=chunks()
    )
    assert response.status_code == 413


def test_body_under_the_limit_still_answers(small_body_client: TestClient) -> None:
    response = small_body_client.post("/predict", headers=READ, json={"ras": ["RA-100"]})
    assert response.status_code == 200
    assert response.json()["predictions"][0]["ra"] == "RA-100"


def test_refusals_are_counted_without_the_path(small_body_client: TestClient) -> None:
    small_body_client.post("/predict", content=_big_body(64))
    metrics = small_body_client.get("/metrics").text
    assert 'status="401"' in metrics
    assert "RA-1" not in metrics


class _Server:
    """A real uvicorn on loopback with the header-timeout protocol (stops by itself)."""

    def __init__(self, timeout_s: float) -> None:
        async def app(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] != "http":
                return
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})

        from uvicorn.protocols.http.h11_impl import H11Protocol

        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=0,
            log_config=None,
            http=with_header_timeout(H11Protocol, timeout_s),
            lifespan="off",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> int:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        sockets = self.server.servers[0].sockets
        return int(sockets[0].getsockname()[1])

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    sock.settimeout(seconds)
    try:
        return sock.recv(1024) == b""
    except TimeoutError:
        return False


def test_incomplete_headers_are_dropped_but_requests_still_served() -> None:
    with _Server(timeout_s=0.5) as port:
        slow = socket.create_connection(("127.0.0.1", port))
        slow.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # never finishes its headers
        assert _closed_within(slow, 5.0)
        slow.close()

        quick = socket.create_connection(("127.0.0.1", port))
        quick.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        quick.settimeout(5.0)
        assert quick.recv(1024).startswith(b"HTTP/1.1 200")
        quick.close()


def test_serve_runs_uvicorn_with_the_header_timeout(
    secure_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import logging

    from sidecar import server

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda _app, **kwargs: seen.update(kwargs))
    levels = {name: logging.getLogger(name).level for name in server.SERVICE_LOGGERS}
    try:
        server.serve(secure_settings.model_copy(update={"header_timeout_s": 3.0}))
    finally:  # serve() raises the service loggers to INFO; later tests expect them untouched
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
    assert seen["http"].__name__.startswith("HeaderTimeout")

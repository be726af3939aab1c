"""Bounds on what a client can make the sidecar hold: request bodies and idle connections.

``RequestGuard`` answers before any body is read: a request that carries a body to a protected
route without a valid token gets its 401 at once, and a body beyond ``max_body_bytes`` gets 413
(by its declared length, or while it streams). Without it, FastAPI reads and parses the whole body
before the token dependency runs, so an anonymous 200 MB upload holds memory and the event loop.

``with_header_timeout`` closes connections that never finish sending a request's headers
(slowloris): uvicorn only times out idle keep-alive connections after a response.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sidecar.auth import MISSING_TOKEN, WRONG_TOKEN, Role, TokenPolicy

OPEN_PATHS: Final = frozenset({"/health", "/metrics", "/docs", "/redoc", "/openapi.json"})
BEARER: Final = "bearer "


def too_large(limit_bytes: int) -> str:
    """The 413 message, in the words a caller's developer reads."""
    return (
        f"Corpo da requisição grande demais: o limite é {limit_bytes // 1024} KB. "
        "Envie menos alunos por requisição."
    )


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value)
    return None


def carries_body(scope: Scope) -> bool:
    """True when the request declares a body (a length above zero, or chunked transfer)."""
    length = _header(scope, b"content-length")
    if length is not None:
        return length.strip() not in {b"", b"0"}
    return _header(scope, b"transfer-encoding") is not None


def declared_length(scope: Scope) -> int | None:
    """The Content-Length a client declared (None when absent or not a number)."""
    raw = _header(scope, b"content-length")
    try:
        return None if raw is None else int(raw)
    except ValueError:
        return None


def token_refusal(policy: TokenPolicy, scope: Scope) -> str | None:
    """Why a protected request must be refused before its body is read (None: let it in).

    Only missing or unknown tokens are refused here; the route's own dependency still decides
    403 for a read token on an admin route.
    """
    if policy.open_access or scope["path"] in OPEN_PATHS:
        return None
    raw = _header(scope, b"authorization")
    text = raw.decode("latin-1") if raw is not None else ""
    if not text.lower().startswith(BEARER):
        return MISSING_TOKEN
    if policy.role_of(text[len(BEARER) :].strip()) is Role.NONE:
        return WRONG_TOKEN
    return None


async def _answer(send: Send, status: int, detail: str, extra: list[tuple[bytes, bytes]]) -> None:
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
        *extra,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class RequestGuard:
    """Pure ASGI middleware: token and size checks before a body is read; small bodies replayed."""

    def __init__(self, app: ASGIApp, *, policy: TokenPolicy, max_body_bytes: int) -> None:
        self.app = app
        self.policy = policy
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not carries_body(scope):
            await self.app(scope, receive, send)
            return
        refusal = token_refusal(self.policy, scope)
        if refusal is not None:
            await _answer(send, 401, refusal, [(b"www-authenticate", b"Bearer")])
            return
        length = declared_length(scope)
        if length is not None and length > self.max_body_bytes:
            await _answer(send, 413, too_large(self.max_body_bytes), [])
            return
        body = await self._read_bounded(receive)
        if body is None:
            await _answer(send, 413, too_large(self.max_body_bytes), [])
            return
        await self.app(scope, _replay(body, receive), send)

    async def _read_bounded(self, receive: Receive) -> bytes | None:
        """The whole body, or None as soon as it passes the limit (the rest is never read)."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return b"".join(chunks)
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: disconnect notices come from the server

    return replay


def with_header_timeout(base: type[Any], timeout_s: float) -> type[Any]:
    """A uvicorn HTTP protocol class that closes a connection whose request headers do not
    arrive within ``timeout_s`` — on a new connection and between keep-alive requests."""

    class HeaderTimeoutProtocol(base):  # type: ignore[misc]
        _header_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:
            super().connection_made(transport)
            self._arm_header_timer()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._arm_header_timer()

        def connection_lost(self, exc: Exception | None) -> None:
            self._cancel_header_timer()
            super().connection_lost(exc)

        def _arm_header_timer(self) -> None:
            self._cancel_header_timer()
            if self.transport.is_closing():
                return
            waiting_for = self.cycle
            self._header_timer = self.loop.call_later(timeout_s, self._header_timeout, waiting_for)

        def _cancel_header_timer(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _header_timeout(self, waiting_for: object) -> None:
            self._header_timer = None
            if self.cycle is waiting_for and not self.transport.is_closing():
                self.transport.close()  # no new request began: headers never completed

    HeaderTimeoutProtocol.__name__ = f"HeaderTimeout{base.__name__}"
    return HeaderTimeoutProtocol

"""The benchmark's load generator: bounded by count and time, loopback only, counts errors."""

from __future__ import annotations

import asyncio
import time

import pytest

from bench import sidecar as bench


async def _serve(responses: list[bytes]) -> tuple[asyncio.Server, int]:
    """A tiny keep-alive HTTP server on 127.0.0.1 answering with ``responses`` in turn."""
    count = 0

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal count
        try:
            while True:
                await reader.readuntil(b"\r\n\r\n")
                writer.write(responses[count % len(responses)])
                count += 1
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    server = await asyncio.start_server(handle, bench.HOST, 0)
    port = server.sockets[0].getsockname()[1]
    return server, port


OK = b'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{"ok":true}'
CHUNKED = b'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n4\r\n{"a"\r\n3\r\n:1}\r\n0\r\n\r\n'
FAIL = b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 2\r\n\r\n{}"


def test_load_stops_at_the_request_count() -> None:
    async def run() -> bench.Phase:
        server, port = await _serve([OK, CHUNKED])
        async with server:
            return await bench._load(
                port, [bench._request("GET", "/")], seconds=30, connections=4, max_requests=200
            )

    started = time.monotonic()
    phase = asyncio.run(run())
    assert len(phase.latencies) == 200 and phase.errors == 0
    assert time.monotonic() - started < 10
    assert phase.summary()["statuses"] == {"200": 200}


def test_load_stops_at_the_time_limit_and_counts_errors() -> None:
    async def run() -> bench.Phase:
        server, port = await _serve([OK, FAIL])
        async with server:
            return await bench._load(
                port, [bench._request("GET", "/")], seconds=0.3, connections=2, max_requests=10**9
            )

    phase = asyncio.run(run())
    summary = phase.summary()
    assert phase.elapsed < 2
    assert summary["errors"] == summary["statuses"]["503"] > 0
    assert summary["requests_per_s"] > 0 and summary["p99_ms"] >= summary["p50_ms"]


def test_bench_refuses_nonsense_arguments() -> None:
    with pytest.raises(bench.BenchError):
        bench.run_sidecar_bench(None, seconds=0)  # type: ignore[arg-type]


def test_free_port_is_on_loopback() -> None:
    port = bench.free_port()
    assert 1024 <= port <= 65535

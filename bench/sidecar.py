"""``passos bench sidecar``: the real sidecar against its floor, same load, same machine.

Both run as uvicorn subprocesses (one worker, no access log) on 127.0.0.1 with a free port. A
bounded load generator (asyncio, raw HTTP/1.1 keep-alive, so that the generator is not the
bottleneck) keeps ``connections`` requests in flight for ``seconds`` (or until a maximum count)
against each in turn. A third run loads ``GET /predict/{ra}`` again while ``POST /model/reload``
swaps the model, and checks that no request failed and every answer is whole.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from config import PROJECT_ROOT, Settings
from config.errors import PassosError

HOST = "127.0.0.1"
MAX_REQUESTS_PER_SECOND = 20_000  # the count bound: no phase sends more than this × seconds
WARMUP_S = 1.0
READY_TIMEOUT_S = 120.0
IO_TIMEOUT_S = 10.0
RA_SAMPLE = 500
ROUNDS = 4  # bare and sidecar alternate, seconds / ROUNDS each time
MIN_RPS_RATIO = 0.8  # issue #11's targets against the bare floor
MAX_P99_RATIO = 1.5


class BenchError(PassosError):
    """A server of the benchmark did not start or answer."""


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: bytes


@dataclass
class Phase:
    """Counters of one load phase."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    bad_answers: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    versions: set[str] = field(default_factory=set)
    elapsed: float = 0.0
    server_cpu_s: float | None = None

    def add(self, other: Phase) -> None:
        """Fold another round of the same server into this one."""
        self.latencies += other.latencies
        self.errors += other.errors
        self.bad_answers += other.bad_answers
        for status, count in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + count
        self.versions |= other.versions
        self.elapsed += other.elapsed
        if other.server_cpu_s is not None:
            self.server_cpu_s = (self.server_cpu_s or 0.0) + other.server_cpu_s

    def summary(self) -> dict[str, Any]:
        done = len(self.latencies)
        ordered = sorted(self.latencies)
        cpu_us = round(self.server_cpu_s / done * 1e6, 1) if self.server_cpu_s and done else None
        return {
            "requests": done,
            "errors": self.errors,
            "requests_per_s": round(done / self.elapsed, 1) if self.elapsed else 0.0,
            "p50_ms": round(_quantile(ordered, 0.50) * 1000, 3),
            "p99_ms": round(_quantile(ordered, 0.99) * 1000, 3),
            # Server CPU per request: robust to other load on the machine (Linux only).
            "server_cpu_us_per_request": cpu_us,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
        }


def _quantile(ordered: Sequence[float], q: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def process_cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of a process so far (None where /proc is missing)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """A TCP port nobody listens on right now (loopback)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


async def _read_answer(reader: asyncio.StreamReader) -> Answer:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = -1
    chunked = False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        lowered = name.strip().lower()
        if lowered == b"content-length":
            length = int(value)
        elif lowered == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if chunked:
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            parts.append(chunk[:-2])
        return Answer(status, b"".join(parts))
    return Answer(status, await reader.readexactly(length) if length > 0 else b"")


def _request(method: str, path: str, token: str | None = None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}", "Content-Length: 0"]
    if token:
        lines.append(f"Authorization: Bearer {token}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def _one(port: int, request: bytes) -> Answer:
    reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), IO_TIMEOUT_S)
    try:
        writer.write(request)
        return await asyncio.wait_for(_read_answer(reader), IO_TIMEOUT_S * 6)
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


Check = Callable[[int, Answer, Phase], bool]


async def _load(
    port: int,
    requests: Sequence[bytes],
    *,
    seconds: float,
    connections: int,
    max_requests: int,
    check: Check | None = None,
    during: Callable[[], Any] | None = None,
) -> Phase:
    """Keep ``connections`` keep-alive requests in flight until time or count runs out."""
    phase = Phase()
    sent = 0
    start = time.perf_counter()
    deadline = start + seconds

    async def worker() -> None:
        nonlocal sent
        reader: asyncio.StreamReader | None = None
        writer: asyncio.StreamWriter | None = None
        while sent < max_requests and time.perf_counter() < deadline:
            index = sent
            sent += 1
            try:
                if writer is None or reader is None:
                    reader, writer = await asyncio.open_connection(HOST, port)
                t0 = time.perf_counter()
                writer.write(requests[index % len(requests)])
                answer = await asyncio.wait_for(_read_answer(reader), IO_TIMEOUT_S)
                phase.latencies.append(time.perf_counter() - t0)
            except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError):
                phase.errors += 1
                if writer is not None:
                    writer.close()
                reader = writer = None
                continue
            phase.statuses[answer.status] = phase.statuses.get(answer.status, 0) + 1
            if answer.status != 200:
                phase.errors += 1
            elif check is not None and not check(index, answer, phase):
                phase.bad_answers += 1
        if writer is not None:
            writer.close()

    tasks = [asyncio.create_task(worker()) for _ in range(connections)]
    side = asyncio.create_task(during()) if during is not None else None
    await asyncio.gather(*tasks)
    phase.elapsed = time.perf_counter() - start
    if side is not None:
        await side
    return phase


class _Server:
    """A uvicorn subprocess with its log in a temporary file."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and modules
            command,
            env=env,
            cwd=PROJECT_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def log_tail(self, lines: int = 15) -> str:
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._log.close()


async def _wait_ready(
    server: _Server, port: int, request: bytes, ready_marker: bytes = b""
) -> None:
    deadline = time.perf_counter() + READY_TIMEOUT_S
    last = "sem resposta"
    while time.perf_counter() < deadline:
        if server.process.poll() is not None:
            raise BenchError(
                f"O servidor '{server.name}' do benchmark parou ao iniciar:\n{server.log_tail()}"
            )
        try:
            answer = await _one(port, request)
        except (OSError, TimeoutError, asyncio.IncompleteReadError):
            await asyncio.sleep(0.25)
            continue
        if answer.status == 200 and ready_marker in answer.body:
            return
        last = answer.body.decode(errors="replace")[:300]
        await asyncio.sleep(0.5)
    raise BenchError(f"O servidor '{server.name}' não ficou pronto: {last}")


def _env(settings: Settings, read_token: str, admin_token: str) -> dict[str, str]:
    env = dict(os.environ)
    env |= {
        "PASSOS_DATA_DIR": str(settings.data_dir),
        "PASSOS_DATABASE_URL": settings.db_url,
        "MLFLOW_TRACKING_URI": settings.tracking_uri,
        "PASSOS_API_TOKEN": read_token,
        "PASSOS_ADMIN_TOKEN": admin_token,
        "PYTHONUNBUFFERED": "1",
    }
    return env


async def _fetch_ras(port: int, token: str) -> list[str]:
    answer = await _one(port, _request("GET", "/risk-list?classe=critical,alert,expected", token))
    if answer.status != 200:
        raise BenchError(f"O sidecar não devolveu a lista de risco: {answer.body[:300]!r}")
    students = json.loads(answer.body)["students"]
    if not students:
        raise BenchError("O modelo em produção não tem previsões: rode 'passos score' antes.")
    return [str(s["ra"]) for s in students[:RA_SAMPLE]]


async def _bench(settings: Settings, seconds: float, connections: int) -> dict[str, Any]:
    read_token, admin_token = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    env = _env(settings, read_token, admin_token)
    max_requests = max(1, int(seconds * MAX_REQUESTS_PER_SECOND))
    bare_port, sidecar_port = free_port(), free_port()
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="passos-bench-") as tmp:
        log_dir = Path(tmp)
        bare = _Server(
            "bare",
            [python, "-m", "bench.sidecar_bare", "--host", HOST, "--port", str(bare_port)],
            env,
            log_dir,
        )
        sidecar = _Server(
            "sidecar",
            [python, "-m", "cli.main", "serve", "--host", HOST, "--port", str(sidecar_port)],
            env,
            log_dir,
        )
        try:
            await _wait_ready(bare, bare_port, _request("GET", "/predict/ready"))
            # Ready means the model is loaded too: its MLflow load must not overlap the load.
            await _wait_ready(
                sidecar, sidecar_port, _request("GET", "/health"), b'"model_loaded":true'
            )
            ras = await _fetch_ras(sidecar_port, read_token)
            predict_requests = [_request("GET", f"/predict/{ra}", read_token) for ra in ras]
            bare_requests = predict_requests  # the same bytes: only the server differs
            for port, requests in ((bare_port, bare_requests), (sidecar_port, predict_requests)):
                await _load(
                    port, requests, seconds=WARMUP_S, connections=connections, max_requests=10**6
                )
            # Alternate short rounds so that a change in the machine's other load hits both.
            bare_phase, predict_phase = Phase(), Phase()
            for _ in range(ROUNDS):
                for server, port, requests, total in (
                    (bare, bare_port, bare_requests, bare_phase),
                    (sidecar, sidecar_port, predict_requests, predict_phase),
                ):
                    cpu_before = process_cpu_s(server.process.pid)
                    phase = await _load(
                        port,
                        requests,
                        seconds=seconds / ROUNDS,
                        connections=connections,
                        max_requests=max_requests // ROUNDS,
                    )
                    cpu_after = process_cpu_s(server.process.pid)
                    if cpu_before is not None and cpu_after is not None:
                        phase.server_cpu_s = cpu_after - cpu_before
                    total.add(phase)
            bare.stop()
            reload_report = await _reload_phase(
                sidecar_port,
                predict_requests,
                ras,
                admin_token=admin_token,
                seconds=seconds,
                connections=connections,
                max_requests=max_requests,
            )
        finally:
            bare.stop()
            sidecar.stop()
    bare_summary = bare_phase.summary()
    predict_summary = predict_phase.summary()
    rps_ratio = predict_summary["requests_per_s"] / max(bare_summary["requests_per_s"], 1e-9)
    p99_ratio = predict_summary["p99_ms"] / max(bare_summary["p99_ms"], 1e-9)
    cpu_ratio = (
        round(
            bare_summary["server_cpu_us_per_request"]
            / predict_summary["server_cpu_us_per_request"],
            3,
        )
        if bare_summary["server_cpu_us_per_request"]
        and predict_summary["server_cpu_us_per_request"]
        else None
    )
    return {
        "method": (
            f"{connections} keep-alive connections on {HOST}, {seconds:g} s per server in "
            f"{ROUNDS} alternating rounds after a {WARMUP_S:g} s warm-up; both servers run "
            "uvicorn with the sidecar's options (sidecar.server.uvicorn_options: one worker, "
            "no access log, same HTTP parser and header-timeout protocol) and receive the same "
            "requests; the bare one answers pre-encoded JSON from an async route without "
            "middleware; the load generator (asyncio, raw HTTP/1.1) runs in this process and "
            "loads one server at a time"
        ),
        "cpus": os.cpu_count(),
        "bare": {"endpoint": "GET /predict/{ra} (constant body)", **bare_summary},
        "sidecar": {
            "endpoint": "GET /predict/{ra}",
            "auth": True,
            "metrics": True,
            "students": len(ras),
            **predict_summary,
        },
        "ratios": {
            "requests_per_s": round(rps_ratio, 3),
            "p99": round(p99_ratio, 3),
            # bare CPU per request / sidecar CPU per request: the throughput ratio on an idle core
            "cpu_per_request_inverse": cpu_ratio,
        },
        "goals": {
            "requests_per_s_at_least_80_percent_of_bare": rps_ratio >= MIN_RPS_RATIO,
            "p99_at_most_1_5x_bare": p99_ratio <= MAX_P99_RATIO,
        },
        "reload_under_load": reload_report,
    }


async def _reload_phase(
    port: int,
    requests: list[bytes],
    ras: list[str],
    *,
    admin_token: str,
    seconds: float,
    connections: int,
    max_requests: int,
) -> dict[str, Any]:
    """Load ``/predict/{ra}`` while ``POST /model/reload`` runs; every answer must be whole."""
    outcome: dict[str, Any] = {}

    def check(index: int, answer: Answer, phase: Phase) -> bool:
        body = json.loads(answer.body)
        phase.versions.add(str(body.get("model_version")))
        return bool(body.get("ra") == ras[index % len(ras)] and body.get("rank"))

    async def reload_midway() -> None:
        await asyncio.sleep(seconds / 3)
        t0 = time.perf_counter()
        answer = await _one(port, _request("POST", "/model/reload", admin_token))
        outcome["reload_status"] = answer.status
        outcome["reload_s"] = round(time.perf_counter() - t0, 3)
        outcome["reload_answer"] = json.loads(answer.body or b"{}")

    phase = await _load(
        port,
        requests,
        seconds=seconds,
        connections=connections,
        max_requests=max_requests,
        check=check,
        during=reload_midway,
    )
    return {
        **phase.summary(),
        **outcome,
        "incomplete_or_mixed_answers": phase.bad_answers,
        "model_versions_seen": sorted(phase.versions),
        "failed_requests": phase.errors + phase.bad_answers,
    }


def _runner() -> asyncio.Runner:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop ships with uvicorn[standard]
        return asyncio.Runner()
    return asyncio.Runner(loop_factory=uvloop.new_event_loop)


def run_sidecar_bench(
    settings: Settings, seconds: float = 10, connections: int = 16
) -> dict[str, Any]:
    """Requests/s, p50 and p99 of the sidecar and a bare FastAPI app, their ratios, a reload."""
    if seconds <= 0 or connections < 1:
        raise BenchError("Use seconds > 0 e connections >= 1.")
    with _runner() as runner:
        return runner.run(_bench(settings, seconds, connections))

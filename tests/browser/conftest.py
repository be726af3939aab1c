"""A real dashboard process for the browser tests: temp data dir, free port, always stopped."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "senha-do-navegador-42"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass(frozen=True)
class Dashboard:
    url: str
    data_dir: Path
    upload: Path  # the file the test uploads on the Dados page


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the dashboard process exited during start-up")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError("the dashboard did not become healthy in time")


def _prepare(root: Path) -> tuple[Path, Path]:
    """2022–2024 loaded with a model in production; 2025 left for the test to upload."""
    import synthetic
    from config import Settings
    from models.registry import promote
    from models.training import train_presets
    from pipeline.ingest import ingest
    from pipeline.plan import Upload

    data_dir = root / "data"
    settings = Settings(data_dir=data_dir, drift_in_background=False)
    sheets = synthetic.generate_years(1200, [2022, 2023, 2024, 2025], seed=11)
    files = synthetic.write_workbooks_per_year(sheets, root / "in")
    by_year = {int(p.stem[-4:]): p for p in files}
    ingest([Upload.from_path(by_year[y]) for y in (2022, 2023, 2024)], settings)
    train_presets(settings, ["persistence", "logistic_regression"])
    promote(settings, "2", reason="navegador: primeira lista", user="fixture")
    return data_dir, by_year[2025]


@contextmanager
def running_dashboard(data_dir: Path, log_path: Path) -> Iterator[str]:
    """A ``passos dashboard`` process on a free loopback port; its URL, always stopped after."""
    port = _free_port()
    env = {
        **os.environ,
        "PASSOS_DATA_DIR": str(data_dir),
        "PASSOS_ADMIN_PASSWORD": PASSWORD,
        "PASSOS_DRIFT_IN_BACKGROUND": "false",
    }
    env.pop("PASSOS_DATABASE_URL", None)
    env.pop("MLFLOW_TRACKING_URI", None)
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(  # noqa: S603 - our own CLI, fixed arguments
            [sys.executable, "-m", "cli.main", "dashboard", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log_file,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, process)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def require_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.skip(
            "Debian chromium is not installed (/usr/bin/chromium): apt-get install chromium"
        )


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    require_chromium()
    root = tmp_path_factory.mktemp("browser")
    data_dir, upload = _prepare(root)
    with running_dashboard(data_dir, root / "dashboard.log") as url:
        yield Dashboard(url, data_dir, upload)

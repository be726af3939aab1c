"""Driving the dashboard in Debian's chromium: one home for the browser tests and the benchmark.

A ``passos dashboard`` process on a free loopback port (always stopped), chromium's launch
arguments for this machine (no sandbox as root, no background networking: the network is closed),
and the few gestures every browser run makes (sign in, open a page, wait for Streamlit to settle).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from config import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
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
TIMEOUT_MS = 120_000
SIGN_IN_USER = "Usuário"
SIGN_IN_PASSWORD = "Senha"
SIGN_IN_BUTTON = "Entrar"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    """Block until Streamlit's health endpoint answers (or the process dies / time runs out)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the dashboard process exited during start-up")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError("the dashboard did not become healthy in time")


@contextmanager
def running_server(
    argv: Sequence[str], env: Mapping[str, str], port: int, log_path: Path
) -> Iterator[str]:
    """Any Streamlit server command on ``port``; its URL once healthy, always stopped after."""
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(  # noqa: S603 - our own commands, fixed arguments
            list(argv), cwd=PROJECT_ROOT, env=dict(env), stdout=subprocess.DEVNULL, stderr=log_file
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(url, process)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def dashboard_env(data_dir: Path, admin_password: str, **extra: str) -> dict[str, str]:
    """The environment of a dashboard on its own data dir (no outside database or MLflow)."""
    env = {
        **os.environ,
        "PASSOS_DATA_DIR": str(data_dir),
        "PASSOS_ADMIN_PASSWORD": admin_password,
        **extra,
    }
    env.pop("PASSOS_DATABASE_URL", None)
    env.pop("MLFLOW_TRACKING_URI", None)
    return env


@contextmanager
def running_dashboard(
    data_dir: Path, log_path: Path, admin_password: str, **extra_env: str
) -> Iterator[str]:
    """A ``passos dashboard`` process on a free loopback port; its URL, always stopped after."""
    port = free_port()
    argv = [sys.executable, "-m", "cli.main", "dashboard", "--port", str(port)]
    env = dashboard_env(data_dir, admin_password, **extra_env)
    with running_server(argv, env, port, log_path) as url:
        yield url


def launch(playwright: Any) -> Any:
    """A fresh headless Debian chromium."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def settled(page: Any) -> None:
    """Wait until Streamlit finished the rerun (no running indicator)."""
    page.wait_for_timeout(300)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=TIMEOUT_MS)


def nav(page: Any, title: str) -> None:
    """Open a page from the sidebar by its title."""
    sidebar = page.locator('[data-testid="stSidebarNav"]')
    sidebar.get_by_role("link", name=title, exact=True).click()


def sign_in(page: Any, user: str, password: str) -> None:
    """Fill the sign-in form and submit it (the caller waits for what it expects next)."""
    page.get_by_label(SIGN_IN_USER).fill(user)
    page.get_by_label(SIGN_IN_PASSWORD).fill(password)
    page.get_by_role("button", name=SIGN_IN_BUTTON).click()

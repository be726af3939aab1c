"""Dashboard fixtures: a data dir with synthetic PEDE years, trained models and one in production.

Built once per test session (ingest, drift, two quick presets, promotion) and shared read-only
by the page tests; tests that change things (upload, promotion) work on their own copy.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from config import Settings

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
PAGES = (
    "inicio",
    "dados",
    "drift",
    "experimentos",
    "modelos",
    "risco",
    "aluno",
    "acompanhamento",
    "casos",
)
ADMIN_PASSWORD = "senha-de-teste-123"
FAST_PRESETS = ("persistence", "logistic_regression")


def build_product_data(
    data_dir: Path, students: int = 600, *, with_drift: bool = False
) -> Settings:
    """Synthetic 2022–2024 through the pipeline, drift, two presets trained, one promoted."""
    import synthetic
    from models.registry import promote
    from models.training import train_presets
    from pipeline.drift import run_pending_drift
    from pipeline.ingest import ingest
    from pipeline.plan import Upload

    settings = Settings(data_dir=data_dir, drift_in_background=False)
    sheets = synthetic.generate_years(students, [2022, 2023, 2024], seed=7)
    workbook = synthetic.write_workbook(sheets, data_dir.parent / "PEDE_2022-24.xlsx")
    ingest([Upload.from_path(workbook)], settings, user="fixture")
    if with_drift:  # Evidently costs seconds to import: only the tests that need it
        run_pending_drift(settings)
    train_presets(settings, list(FAST_PRESETS))
    promote(settings, "2", reason="fixture: lista para os testes do painel", user="fixture")
    return settings


@pytest.fixture(scope="session")
def product_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("product")
    build_product_data(root / "data")
    return root / "data"


def _use(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> Settings:
    monkeypatch.setenv("PASSOS_DATA_DIR", str(data_dir))
    monkeypatch.delenv("PASSOS_DATABASE_URL", raising=False)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.setenv("PASSOS_DRIFT_IN_BACKGROUND", "false")
    monkeypatch.setenv("PASSOS_ADMIN_PASSWORD", ADMIN_PASSWORD)
    return Settings()


@pytest.fixture
def product(product_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The shared data dir (read-only use)."""
    return _use(monkeypatch, product_dir)


def _checkpoint_sqlite(data_dir: Path) -> None:
    """Fold each SQLite write-ahead log into its database so that a file copy is complete."""
    import sqlite3

    for path in data_dir.glob("*.db"):
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


@pytest.fixture
def product_copy(
    product_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    """A private copy of the shared data dir for tests that promote, upload or revert."""
    target = tmp_path / "data"
    _checkpoint_sqlite(product_dir)
    shutil.copytree(product_dir, target)
    yield _use(monkeypatch, target)


@pytest.fixture
def empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A fresh data dir: nothing loaded, no model."""
    return _use(monkeypatch, tmp_path / "data")


TEST_USER_PASSWORD = "lousa-verde-no-patio-7"


def sign_in_as(at: AppTest, user: str, role: str) -> str:
    """Make ``at`` signed in as ``user`` the way the router expects: an active account with
    ``role`` and a live session whose token is in the tab's state; the token is returned."""
    from dashboard import auth, ui

    settings = Settings()
    if not auth.account_exists(settings, user):
        auth.create_user(settings, user, TEST_USER_PASSWORD, role, "test")  # type: ignore[arg-type]
    elif (row := _account_row(settings, user)) != (role, True):
        auth.set_active(settings, user, True, "test")
        if row[0] != role:
            _force_role(settings, user, role)
    token = auth.start_session(settings, user)
    at.session_state[ui.SESSION_KEY] = token
    at.session_state[ui.USER_KEY] = auth.User(user, role)  # type: ignore[arg-type]
    return token


def _account_row(settings: Settings, user: str) -> tuple[str, bool]:
    from dashboard import auth

    found = {str(u["username"]): u for u in auth.list_users(settings)}[user]
    return str(found["role"]), bool(found["active"])


def _force_role(settings: Settings, user: str, role: str) -> None:
    from sqlalchemy import update

    from dashboard import auth
    from pipeline.store import engine_for

    with engine_for(settings).begin() as conn:
        conn.execute(update(auth.users).where(auth.users.c.username == user).values(role=role))


@pytest.fixture
def app() -> Callable[..., AppTest]:
    """An AppTest of the dashboard, signed in with ``role`` (or not signed in when None)."""

    def make(role: str | None = "admin", user: str = "tester") -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=120)
        if role is not None:
            sign_in_as(at, user, role)
        return at

    return make


def open_page(at: AppTest, page: str) -> AppTest:
    """Run the router once, then the page (AppTest needs a first run before switching)."""
    at.run()
    return at.switch_page(f"views/{page}.py").run()


def assert_clean(at: AppTest) -> None:
    """No exception element and no failure caught by the page's error boundary."""
    from dashboard import ui

    assert not at.exception, [e.value for e in at.exception]
    last = at.session_state[ui.LAST_ERROR_KEY] if ui.LAST_ERROR_KEY in at.session_state else None
    assert last is None, last

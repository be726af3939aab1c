"""Fixtures of the models tests: a synthetic gold and a trained MLflow store.

One MLflow SQLite store is trained once per session with tiny presets; tests that change it work
on a copy in their own temporary folder.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from config import Settings
from tests.models.gold_factory import FAST_PRESETS, fast_preset, synthetic_gold, write_gold


@pytest.fixture
def gold_settings(settings: Settings) -> Settings:
    """Settings of a fresh data dir holding the synthetic gold."""
    write_gold(settings, synthetic_gold())
    return settings


@pytest.fixture(scope="session")
def trained_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A data dir with synthetic gold and one MLflow run + version per fast preset."""
    from models.training import train_presets

    data_dir = tmp_path_factory.mktemp("trained") / "data"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PASSOS_DATA_DIR", str(data_dir))
        mp.delenv("PASSOS_DATABASE_URL", raising=False)
        mp.delenv("MLFLOW_TRACKING_URI", raising=False)
        settings = Settings()
        write_gold(settings, synthetic_gold())
        train_presets(settings, [fast_preset(name) for name in FAST_PRESETS])
    yield data_dir


@pytest.fixture
def trained(trained_store: Path, settings: Settings) -> Settings:
    """Settings of a private copy of the trained store (versions 1..4 = FAST_PRESETS order)."""
    shutil.rmtree(settings.data_dir, ignore_errors=True)
    shutil.copytree(trained_store, settings.data_dir)
    return settings

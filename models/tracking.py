"""MLflow plumbing: store checks, the experiment under the data dir, errors turned into typed ones.

MLflow is imported inside the functions (never at import time of a light module), and the
tracking URI is set per call from ``Settings`` — never at import.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from config import Settings
from models.errors import ModelsError, TrackingStoreError
from models.names import EXPERIMENT_NAME

if TYPE_CHECKING:
    from mlflow import MlflowClient


def sqlite_file(uri: str) -> Path | None:
    """The database file of a ``sqlite:///`` URI (None for other stores)."""
    prefix = "sqlite:///"
    return Path(uri[len(prefix) :]) if uri.startswith(prefix) else None


@contextmanager
def store_errors(uri: str) -> Iterator[None]:
    """Turn failures of the MLflow store (corrupt file, unreachable server) into one typed error."""
    from mlflow.exceptions import MlflowException
    from sqlalchemy.exc import SQLAlchemyError

    try:
        yield
    except ModelsError:
        raise
    except (MlflowException, SQLAlchemyError, OSError) as exc:
        detail = " ".join(str(exc).split())[:200]
        raise TrackingStoreError(uri, detail) from exc


MLFLOW_URI_VARIABLES = ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI")


def _point_mlflow_at(uri: str) -> None:
    """Set MLflow's process-wide URIs without leaking them into the environment.

    MLflow also exports the URI as ``MLFLOW_TRACKING_URI``; since ``Settings`` honours that
    variable, the export would make every later ``Settings`` of this process (another data dir,
    the next test) silently use this store.
    """
    import mlflow

    saved = {name: os.environ.get(name) for name in MLFLOW_URI_VARIABLES}
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def client(settings: Settings, *, create: bool = False) -> MlflowClient:
    """A client on the configured store; refuses a missing SQLite store unless ``create``."""
    from mlflow import MlflowClient

    uri = settings.tracking_uri
    path = sqlite_file(uri)
    if path is not None and not create and not path.is_file():
        raise TrackingStoreError(uri, "o arquivo do registro não existe")
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    _point_mlflow_at(uri)
    with store_errors(uri):
        mlflow_client = MlflowClient(tracking_uri=uri, registry_uri=uri)
        mlflow_client.search_experiments(max_results=1)  # fails fast on a corrupt store
    return mlflow_client


def ensure_experiment(mlflow_client: MlflowClient, settings: Settings) -> str:
    """The experiment id, creating it with its artifacts under the data dir.

    A tracking server (``http(s)://``) keeps its own artifact store, served through it; only a
    local store (SQLite, a folder) gets its artifacts under the data dir.
    """
    with store_errors(settings.tracking_uri):
        experiment = mlflow_client.get_experiment_by_name(EXPERIMENT_NAME)
        if experiment is not None:
            return str(experiment.experiment_id)
        if settings.tracking_uri.startswith(("http://", "https://")):
            return str(mlflow_client.create_experiment(EXPERIMENT_NAME))
        settings.artifacts_dir.mkdir(parents=True, exist_ok=True)
        return str(
            mlflow_client.create_experiment(
                EXPERIMENT_NAME, artifact_location=settings.artifacts_dir.as_uri()
            )
        )

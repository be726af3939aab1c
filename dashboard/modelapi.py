"""The dashboard's one door to the ``models`` package (issue 3).

Each function calls the library function the CLI uses; when the models package does not provide
it (yet), ``ModelFeatureMissing`` is raised and the page shows its "what to do next" message.
MLflow is imported only by the functions that list runs or versions (Experimentos, Modelos).
"""

from __future__ import annotations

import importlib
import logging
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from config import Settings
from dashboard.ui_errors import ModelFeatureMissing

log = logging.getLogger(__name__)

MODEL_NAME = "passos-defasagem"
EXPERIMENT_NAME = "passos-defasagem"
TEST_PREDICTIONS = "test_predictions.csv"
GROUP_AUDIT = "group_audit.csv"


def _function(module: str, name: str) -> Callable[..., Any]:
    try:
        mod = importlib.import_module(f"models.{module}")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("models"):
            raise ModelFeatureMissing(f"models.{module}") from None
        raise
    fn = getattr(mod, name, None)
    if fn is None:
        raise ModelFeatureMissing(f"models.{module}.{name}")
    return fn  # type: ignore[no-any-return]


def available(module: str, name: str) -> bool:
    try:
        _function(module, name)
    except ModelFeatureMissing:
        return False
    return True


# --- predictions (fast, no MLflow) -------------------------------------------------------


def production_version(settings: Settings) -> str | None:
    """The production version, or None when none (or when models is not available yet)."""
    try:
        fn = _function("predictions", "production_version")
    except ModelFeatureMissing:
        return None
    version = fn(settings)
    return None if version is None else str(version)


def previous_version(settings: Settings) -> str | None:
    try:
        fn = _function("predictions", "previous_version")
    except ModelFeatureMissing:
        return None
    version = fn(settings)
    return None if version is None else str(version)


def read_predictions(
    settings: Settings,
    classes: Sequence[str] | None = None,
    top: int | None = None,
    version: str | None = None,
) -> pd.DataFrame:
    fn = _function("predictions", "read_predictions")
    kwargs: dict[str, Any] = {"classes": list(classes) if classes else None, "top": top}
    if version is not None:
        kwargs["version"] = version
    frame: pd.DataFrame = fn(settings, **kwargs)
    return frame


def model_audit_log(settings: Settings) -> pd.DataFrame:
    frame: pd.DataFrame = _function("predictions", "read_audit_log")(settings)
    return frame


def predictions_of_year(settings: Settings, year: int) -> tuple[str, pd.DataFrame] | None:
    """The list made on ``year`` by the version that was in production then (latest scoring)."""
    from sqlalchemy import desc, select

    tables = importlib.import_module("models.tables")
    engine = tables.models_engine(settings)
    table = tables.predictions
    with engine.connect() as conn:
        version = conn.execute(
            select(table.c.model_version)
            .where(table.c.ano == year)
            .order_by(desc(table.c.scored_at))
            .limit(1)
        ).scalar()
    if version is None:
        return None
    return str(version), read_predictions_year(settings, str(version), year)


def read_predictions_year(settings: Settings, version: str, year: int) -> pd.DataFrame:
    from sqlalchemy import select

    tables = importlib.import_module("models.tables")
    table = tables.predictions
    with tables.models_engine(settings).connect() as conn:
        rows = conn.execute(
            select(table)
            .where(table.c.model_version == version, table.c.ano == year)
            .order_by(table.c.rank)
        ).mappings()
        return pd.DataFrame([dict(r) for r in rows])


# --- scoring and export ------------------------------------------------------------------


def score_if_production(settings: Settings) -> Any:
    """Re-score the latest year with the production version (None when there is none)."""
    return _function("scoring", "score_if_production")(settings)


def risk_list_bytes(
    settings: Settings,
    frame: pd.DataFrame,
    fmt: str,
    classes: Sequence[str] = (),
    top: int | None = None,
) -> bytes:
    """The bytes ``passos risk-list`` writes for these rows (header: version, year, when)."""
    from datetime import UTC, datetime

    export = importlib.import_module("models.export")
    if not hasattr(export, "risk_list_bytes"):
        raise ModelFeatureMissing("models.export.risk_list_bytes")
    scored_at = frame["scored_at"].max() if "scored_at" in frame and len(frame) else None
    meta = export.RiskListMeta(
        model_version=str(frame["model_version"].iloc[0]) if len(frame) else "",
        data_year=int(frame["ano"].max()) if len(frame) else 0,
        scored_at=None if scored_at is None or pd.isna(scored_at) else pd.Timestamp(scored_at),
        exported_at=datetime.now(UTC),
        classes=tuple(classes),
        top=top,
    )
    content: bytes = export.risk_list_bytes(frame, meta, fmt)
    return content


# --- MLflow: runs, versions, training, promotion -----------------------------------------


def tracking_ready(settings: Settings) -> bool:
    """False before the first training (no store yet): the pages say what to do instead."""
    uri = settings.tracking_uri
    if uri.startswith("sqlite:///"):
        return Path(uri.removeprefix("sqlite:///")).is_file()
    return True


def _client(settings: Settings) -> Any:
    return _function("tracking", "client")(settings)


def list_runs(settings: Settings) -> pd.DataFrame:
    """Every training run: preset, estimator, test year, metrics and its registered version."""
    client = _client(settings)
    experiment = client.get_experiment_by_name(EXPERIMENT_NAME)
    if experiment is None:
        return pd.DataFrame()
    runs = client.search_runs([experiment.experiment_id], order_by=["attributes.start_time DESC"])
    versions = {v["run_id"]: v["version"] for v in list_versions(settings)}
    rows = [
        {
            "run_id": run.info.run_id,
            "preset": run.data.tags.get("preset", run.info.run_name),
            "estimator": run.data.tags.get("estimator", ""),
            "test_year": run.data.tags.get("test_year", ""),
            "start_time": pd.Timestamp(run.info.start_time, unit="ms", tz="UTC"),
            "version": versions.get(run.info.run_id),
            **run.data.metrics,
        }
        for run in runs
        if run.info.status == "FINISHED"
    ]
    return pd.DataFrame(rows)


def list_versions(settings: Settings) -> list[dict[str, Any]]:
    """Registered versions, newest first, with metrics, aliases and the gate's verdict."""
    infos = _function("registry", "list_versions")(settings)
    # Aliases as recorded at promotion (model_state): VersionInfo.aliases can miss them when
    # MLflow returns alias versions as integers.
    state = {production_version(settings): "production", previous_version(settings): "previous"}
    return [
        {
            "version": str(v.version),
            "run_id": v.run_id,
            "preset": v.preset,
            "estimator": v.estimator,
            "test_year": v.test_year,
            "created": pd.Timestamp(v.created_at),
            "aliases": sorted(
                set(v.aliases) | ({state[str(v.version)]} if str(v.version) in state else set())
            ),
            "metrics": dict(v.metrics),
            "harmful": list(v.harmful_disparities),
            "gate_passed": bool(v.gate.passed),
            "gate_reasons": list(v.gate.reasons),
        }
        for v in infos
    ]


def version_metrics(settings: Settings, version: str) -> dict[str, float]:
    """The temporal test metrics of a registered version (empty when unknown)."""
    for info in list_versions(settings):
        if info["version"] == str(version):
            return dict(info["metrics"])
    return {}


def run_csv(settings: Settings, run_id: str, artifact: str) -> pd.DataFrame:
    """One CSV artifact of a run (test predictions, group audit), empty when absent."""
    client = _client(settings)
    names = {a.path for a in client.list_artifacts(run_id)}
    if artifact not in names:
        return pd.DataFrame()
    with tempfile.TemporaryDirectory() as tmp:
        path = client.download_artifacts(run_id, artifact, tmp)
        return pd.read_csv(path)


def presets() -> list[str]:
    """Preset names from ``config/training`` (light: no scikit-learn or MLflow import)."""
    from config.training_presets import load_all_presets

    return [p.name for p in load_all_presets()]


def train(settings: Settings, preset: str) -> Any:
    """Train one preset (temporal evaluation, MLflow run, registered version)."""
    results = _function("training", "train_presets")(settings, [preset])
    return results[0] if results else None


def promote(settings: Settings, version: str, reason: str, user: str) -> Any:
    """Promote; a version failing the gate goes through only with a reason (an override)."""
    return _function("registry", "promote")(settings, version, reason=reason or None, user=user)


def rollback(settings: Settings, reason: str, user: str) -> Any:
    return _function("registry", "rollback")(settings, reason=reason or None, user=user)


def top_list_change(settings: Settings, version: str, top: int = 100) -> float | None:
    """Share of the production top-``top`` that would leave the list with ``version``."""
    current = read_predictions(settings, top=top)
    if current.empty:
        return None
    scored: pd.DataFrame = _function("scoring", "score_version")(settings, version)
    candidate = scored.sort_values("rank").head(top)
    same = len(set(current["ra"]) & set(candidate["ra"]))
    return 1 - same / max(len(current), 1)

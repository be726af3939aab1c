"""Training, MLflow logging, the gate, promotion and rollback against a real SQLite store."""

from __future__ import annotations

from pathlib import Path

import mlflow
import pandas as pd
import pytest
from mlflow import MlflowClient

from config import Settings
from models import registry
from models.errors import (
    GateRefusedError,
    NoPreviousVersionError,
    ReasonRequiredError,
    TrackingStoreError,
    UnknownVersionError,
)
from models.metrics import METRIC_NAMES, TEST_PREDICTION_COLUMNS, metrics_from_predictions
from models.names import MODEL_NAME
from models.predictions import production_version, read_audit_log, read_predictions
from tests.models.gold_factory import FAST_PRESETS, STUDENTS

PERSISTENCE = str(FAST_PRESETS.index("persistence") + 1)
LIGHTGBM = str(FAST_PRESETS.index("lightgbm") + 1)
FOREST = str(FAST_PRESETS.index("random_forest") + 1)


def _aliases(settings: Settings) -> dict[str, str]:
    client = MlflowClient(tracking_uri=settings.tracking_uri, registry_uri=settings.tracking_uri)
    return {k: str(v) for k, v in client.get_registered_model(MODEL_NAME).aliases.items()}


def test_every_run_logs_the_metrics_and_artifacts_that_recompute(trained: Settings) -> None:
    versions = registry.list_versions(trained)
    assert {v.preset for v in versions} == set(FAST_PRESETS)
    client = MlflowClient(tracking_uri=trained.tracking_uri)
    for info in versions:
        run = client.get_run(info.run_id)
        logged = run.data.metrics
        for name in (*METRIC_NAMES, "baseline_macro_f1", "baseline_recall_critical"):
            assert name in logged, name
        path = mlflow.artifacts.download_artifacts(
            run_id=info.run_id,
            artifact_path="test_predictions.csv",
            tracking_uri=trained.tracking_uri,
        )
        frame = pd.read_csv(path)
        assert tuple(frame.columns) == TEST_PREDICTION_COLUMNS
        for name, value in metrics_from_predictions(frame).items():
            assert value == pytest.approx(logged[name], abs=1e-9), name
        artifacts = {a.path for a in client.list_artifacts(info.run_id)}
        assert {"confusion_matrix.csv", "calibration_by_decile.csv", "group_audit.csv"} <= artifacts
        assert "preset" in run.data.params and run.data.params["test_year"] == "2023"
        assert run.inputs.dataset_inputs, "training data snapshot logged"


def test_gate_refuses_the_baseline_and_accepts_an_override(trained: Settings) -> None:
    with pytest.raises(GateRefusedError, match="não supera a persistência"):
        registry.promote(trained, PERSISTENCE, user="ana")
    assert production_version(trained) is None
    assert read_predictions(trained).empty
    result = registry.promote(trained, PERSISTENCE, reason="teste do contorno", user="ana")
    assert result.action == "override"
    audit = read_audit_log(trained)
    assert audit.iloc[0]["action"] == "override" and audit.iloc[0]["user"] == "ana"
    assert audit.iloc[0]["reason"] == "teste do contorno"


def test_promote_without_version_picks_the_best_passing_and_scores(trained: Settings) -> None:
    versions = {v.version: v for v in registry.list_versions(trained)}
    with pytest.raises(ReasonRequiredError, match="Informe o motivo"):
        registry.promote(trained, user="bia", reason="  ")
    assert production_version(trained) is None and read_predictions(trained).empty
    result = registry.promote(trained, user="bia", reason="lista do ano")
    chosen = versions[result.version]
    assert chosen.gate.passed and chosen.preset != "persistence"
    assert _aliases(trained) == {"production": result.version}
    assert production_version(trained) == result.version
    rows = read_predictions(trained)
    assert len(rows) == STUDENTS and (rows["model_version"] == result.version).all()
    assert rows["rank"].tolist() == list(range(1, STUDENTS + 1))
    assert all(len(r) == 3 and all(isinstance(x, str) for x in r) for r in rows["reasons"])
    assert set(read_predictions(trained, classes=["critical"])["classe"]) <= {"critical"}
    assert len(read_predictions(trained, top=10)) == 10
    client = MlflowClient(tracking_uri=trained.tracking_uri)
    tags = client.get_model_version(MODEL_NAME, result.version).tags
    assert tags["promoted_by"] == "bia" and "promoted_at" in tags


def test_promote_then_rollback_moves_the_aliases(trained: Settings) -> None:
    registry.promote(trained, FOREST, reason="primeiro", user="ana")
    registry.promote(trained, LIGHTGBM, reason="segundo", user="ana")
    assert _aliases(trained) == {"production": LIGHTGBM, "previous": FOREST}
    assert read_predictions(trained)["model_version"].iloc[0] == LIGHTGBM
    result = registry.rollback(trained, reason="voltar", user="caio")
    assert result.version == FOREST
    assert _aliases(trained) == {"production": FOREST, "previous": LIGHTGBM}
    assert production_version(trained) == FOREST
    assert read_predictions(trained)["model_version"].iloc[0] == FOREST
    assert read_audit_log(trained)["action"].tolist()[:1] == ["rollback"]


def test_rollback_without_previous_changes_nothing(trained: Settings) -> None:
    with pytest.raises(NoPreviousVersionError):
        registry.rollback(trained, user="ana")
    registry.promote(trained, FOREST, reason="só um", user="ana")
    before = read_predictions(trained)
    with pytest.raises(NoPreviousVersionError):
        registry.rollback(trained, user="ana")
    assert _aliases(trained) == {"production": FOREST}
    pd.testing.assert_frame_equal(read_predictions(trained), before)


def test_unknown_version_is_a_clear_error_and_changes_nothing(trained: Settings) -> None:
    with pytest.raises(UnknownVersionError, match="A versão 99 do modelo não existe"):
        registry.promote(trained, "99", reason="x", user="ana")
    assert production_version(trained) is None


def test_missing_and_corrupt_store_are_clear_errors(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(TrackingStoreError, match="não existe"):
        registry.list_versions(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    (settings.data_dir / "mlflow.db").write_bytes(b"this is not a database" * 50)
    with pytest.raises(TrackingStoreError, match="não pôde ser usado"):
        registry.promote(settings, user="ana")


def test_using_one_store_does_not_redirect_later_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """MLflow exports its URI to the environment; our Settings must not pick that up."""
    import os

    from models import tracking

    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    first = Settings(data_dir=tmp_path / "a")
    tracking.client(first, create=True)
    assert "MLFLOW_TRACKING_URI" not in os.environ
    second = Settings(data_dir=tmp_path / "b")
    assert second.tracking_uri == f"sqlite:///{tmp_path / 'b' / 'mlflow.db'}"

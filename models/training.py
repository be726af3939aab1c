"""Train a preset with temporal validation, log everything to MLflow, register the refit model.

For each labelled year t after the first: fit on transitions whose feature year is before t and
test on t (decision tuning, when asked, only inside the training years). The latest t is the
headline: its metrics, baseline, audit and ``test_predictions.csv`` are what a run shows. The
registered model is then refit on every labelled transition.
"""

from __future__ import annotations

import logging
import tempfile
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from config import Settings
from config.training_presets import (
    PresetError,
    TrainingPreset,
    load_all_presets,
    load_preset,
)
from models import columns as pc
from models import tracking
from models.audit import flagged_disparities, group_audit, harmful_disparities
from models.dataset import (
    TemporalFold,
    TrainingData,
    content_hashes,
    frame_digest,
    gold_path,
    load_gold,
    training_data,
)
from models.errors import PresetInvalidError
from models.estimators import RiskModel, fit_with_decision, make_model
from models.features import build_features, feature_names, select_features
from models.metrics import (
    TEST_PREDICTION_COLUMNS,
    Y_PRED,
    Y_TRUE,
    calibration_by_decile,
    classification_metrics,
    confusion_table,
)
from models.names import (
    ARTIFACT_AUDIT,
    ARTIFACT_CALIBRATION,
    ARTIFACT_CONFUSION,
    ARTIFACT_PRESET,
    ARTIFACT_TEST_PREDICTIONS,
    MACRO_F1,
    MODEL_NAME,
    RECALL_CRITICAL,
    TAG_ESTIMATOR,
    TAG_FLAGGED,
    TAG_HARMFUL,
    TAG_PRESET,
    TAG_TEST_YEAR,
    TAG_TRAIN_YEARS,
    baseline_metric,
)
from pipeline import columns as c

log = logging.getLogger(__name__)

METRIC_HARMFUL: Final = "audit_harmful_count"
METRIC_FLAGGED: Final = "audit_flagged_count"
MODEL_ARTIFACT: Final = "model"
_REQUIREMENTS: Final = ("scikit-learn", "lightgbm", "xgboost", "pandas", "numpy", "cloudpickle")


@dataclass(frozen=True)
class FoldResult:
    fold: TemporalFold
    metrics: dict[str, float]
    baseline: dict[str, float]
    predictions: pd.DataFrame  # TEST_PREDICTION_COLUMNS


@dataclass(frozen=True)
class TrainResult:
    """What one preset's run produced (headline = latest temporal test year)."""

    preset: str
    estimator: str
    run_id: str
    version: str | None
    test_year: int
    train_years: tuple[int, ...]
    n_train: int
    n_test: int
    metrics: dict[str, float]
    baseline: dict[str, float]
    harmful_disparities: list[str] = field(default_factory=list)
    flagged_disparities: list[str] = field(default_factory=list)
    seconds: float = 0.0


def resolve_preset(preset: TrainingPreset | str) -> TrainingPreset:
    if isinstance(preset, TrainingPreset):
        return preset
    try:
        return load_preset(preset)
    except PresetError as exc:
        raise PresetInvalidError(str(exc)) from exc


def all_presets() -> list[TrainingPreset]:
    try:
        return load_all_presets()
    except PresetError as exc:
        raise PresetInvalidError(str(exc)) from exc


def _targets(frame: pd.DataFrame) -> pd.Series:
    return frame[c.CLASSE_PROXIMO_ANO].astype(str)


def _fit(
    preset: TrainingPreset, names: Sequence[str], X: pd.DataFrame, y: pd.Series, s: Settings
) -> RiskModel:
    return fit_with_decision(
        preset,
        names,
        X,
        y,
        critical_at_most=s.risk.critical_at_most,
        alert_at_most=s.risk.alert_at_most,
    )


def evaluate_fold(
    preset: TrainingPreset,
    data: TrainingData,
    features: pd.DataFrame,
    fold: TemporalFold,
    settings: Settings,
) -> FoldResult:
    """Fit on the fold's training years, predict its test year, and score the baseline too."""
    names = feature_names(
        include_history=preset.features.include_history,
        include_genero=preset.features.include_genero,
    )
    train = data.labelled.loc[fold.train_index]
    test = data.labelled.loc[fold.test_index]
    X_train = select_features(features.loc[fold.train_index], names)
    X_test = select_features(features.loc[fold.test_index], names)
    model = _fit(preset, names, X_train, _targets(train), settings)
    proba = model.predict_proba(X_test)
    y_pred = model.predict(X_test)
    y_true = _targets(test)
    metrics = classification_metrics(y_true.tolist(), list(y_pred), proba)

    persistence = make_model(
        TrainingPreset.model_validate({"name": "persistence", "model": {"kind": "persistence"}}),
        names,
        settings.risk.critical_at_most,
        settings.risk.alert_at_most,
    ).fit(X_train, _targets(train))
    base = classification_metrics(
        y_true.tolist(), list(persistence.predict(X_test)), persistence.predict_proba(X_test)
    )
    predictions = pd.DataFrame(
        {
            c.RA: test[c.RA].astype(str).to_numpy(),
            c.ANO: test[c.ANO].astype(int).to_numpy(),
            Y_TRUE: y_true.to_numpy(),
            Y_PRED: y_pred,
            pc.P_CRITICAL: proba[:, 0],
            pc.P_ALERT: proba[:, 1],
            pc.P_EXPECTED: proba[:, 2],
        },
        columns=list(TEST_PREDICTION_COLUMNS),
    )
    baseline = {MACRO_F1: base[MACRO_F1], RECALL_CRITICAL: base[RECALL_CRITICAL]}
    return FoldResult(fold, metrics, baseline, predictions)


def _params(preset: TrainingPreset, data: TrainingData, model: RiskModel) -> dict[str, Any]:
    headline = data.headline
    params: dict[str, Any] = {
        "preset": preset.name,
        "estimator": preset.kind,
        "class_weight": preset.class_weight,
        "decision_rule": preset.decision.rule,
        "decision_thresholds": ",".join(f"{t:.3f}" for t in getattr(model, "thresholds_", ())),
        "include_history": preset.features.include_history,
        "include_genero": preset.features.include_genero,
        "n_features": len(model.feature_names),
        "random_state": preset.random_state,
        "test_year": headline.test_year,
        "train_years": ",".join(str(y) for y in headline.train_years),
        "refit_years": ",".join(str(y) for y in data.labelled_years),
        "n_train": len(headline.train_index),
        "n_test": len(headline.test_index),
        "n_refit": len(data.labelled),
        "excluded_suspect_transitions": data.excluded_suspect,
    }
    params |= {f"model_{k}": v for k, v in preset.model.model_dump().items() if k != "kind"}
    return params


def _write_artifacts(
    folder: Path, preset: TrainingPreset, result: FoldResult, audit: pd.DataFrame
) -> None:
    preds = result.predictions
    result.predictions.to_csv(folder / ARTIFACT_TEST_PREDICTIONS, index=False)
    confusion_table(preds[Y_TRUE].tolist(), preds[Y_PRED].tolist()).to_csv(
        folder / ARTIFACT_CONFUSION
    )
    proba = preds.loc[:, list(pc.PROBABILITIES)].to_numpy(dtype=np.float64)
    calibration_by_decile(preds[Y_TRUE].tolist(), proba).to_csv(
        folder / ARTIFACT_CALIBRATION, index=False
    )
    audit.to_csv(folder / ARTIFACT_AUDIT, index=False)
    (folder / ARTIFACT_PRESET).write_text(preset.to_yaml(), encoding="utf-8")


def _requirements() -> list[str]:
    # Given explicitly: MLflow's inference of requirements reloads the model in a subprocess
    # and costs seconds per run.
    return [f"{name}=={package_version(name)}" for name in _REQUIREMENTS]


def train_preset(
    settings: Settings,
    preset: TrainingPreset | str,
    *,
    data: TrainingData | None = None,
    features: pd.DataFrame | None = None,
) -> TrainResult:
    """Temporal evaluation + refit + MLflow run (+ registered version) for one preset."""
    started = time.perf_counter()
    chosen = resolve_preset(preset)
    data = data or training_data(load_gold(settings))
    features = build_features(data.gold) if features is None else features
    folds = [evaluate_fold(chosen, data, features, fold, settings) for fold in data.folds]
    headline = folds[-1]
    test_rows = data.labelled.loc[headline.fold.test_index]
    audit = group_audit(
        test_rows,
        test_rows[c.CLASSE_PROXIMO_ANO].astype(str),
        pd.Series(headline.predictions[Y_PRED].to_numpy(), index=test_rows.index),
    )
    harmful = harmful_disparities(audit)
    flagged = flagged_disparities(audit)

    names = feature_names(
        include_history=chosen.features.include_history,
        include_genero=chosen.features.include_genero,
    )
    X_all = select_features(features.loc[data.labelled.index], names)
    final = _fit(chosen, names, X_all, _targets(data.labelled), settings)
    run_id, version = _log_run(
        settings,
        chosen,
        data=data,
        folds=folds,
        audit=audit,
        model=final,
        X_all=X_all,
        harmful=harmful,
        flagged=flagged,
    )
    seconds = time.perf_counter() - started
    log.info("trained %s (run %s, version %s) in %.1fs", chosen.name, run_id, version, seconds)
    return TrainResult(
        preset=chosen.name,
        estimator=chosen.kind,
        run_id=run_id,
        version=version,
        test_year=headline.fold.test_year,
        train_years=headline.fold.train_years,
        n_train=len(headline.fold.train_index),
        n_test=len(headline.fold.test_index),
        metrics=headline.metrics,
        baseline=headline.baseline,
        harmful_disparities=harmful,
        flagged_disparities=flagged,
        seconds=seconds,
    )


def _log_run(
    settings: Settings,
    preset: TrainingPreset,
    *,
    data: TrainingData,
    folds: Sequence[FoldResult],
    audit: pd.DataFrame,
    model: RiskModel,
    X_all: pd.DataFrame,
    harmful: Sequence[str],
    flagged: Sequence[str],
) -> tuple[str, str | None]:
    import mlflow
    import mlflow.sklearn
    from mlflow.data.pandas_dataset import from_pandas
    from mlflow.models import infer_signature

    mlflow_client = tracking.client(settings, create=True)
    experiment_id = tracking.ensure_experiment(mlflow_client, settings)
    headline = folds[-1]
    hashes = content_hashes(data.gold)
    snapshot = pd.concat(
        [
            data.labelled.loc[:, [c.RA, c.ANO]],
            X_all,
            data.labelled.loc[:, [c.CLASSE_PROXIMO_ANO]].astype(str),
        ],
        axis=1,
    )
    with tracking.store_errors(settings.tracking_uri), warnings.catch_warnings():
        # Hints about integer columns in the snapshot: every model input is float already.
        warnings.filterwarnings("ignore", message=".*integer column", category=UserWarning)
        with mlflow.start_run(experiment_id=experiment_id, run_name=preset.name) as run:
            mlflow.set_tags(
                {
                    TAG_PRESET: preset.name,
                    TAG_ESTIMATOR: preset.kind,
                    TAG_TEST_YEAR: str(headline.fold.test_year),
                    TAG_TRAIN_YEARS: ",".join(str(y) for y in headline.fold.train_years),
                    TAG_HARMFUL: "; ".join(harmful),
                    TAG_FLAGGED: "; ".join(flagged),
                }
            )
            mlflow.log_params(_params(preset, data, model))
            with warnings.catch_warnings():  # a local path matches two equal source types
                warnings.simplefilter("ignore", UserWarning)
                dataset = from_pandas(
                    snapshot,
                    source=str(gold_path(settings)),
                    targets=c.CLASSE_PROXIMO_ANO,
                    name=f"gold-transicoes-{min(data.labelled_years)}-{max(data.labelled_years)}",
                    digest=frame_digest(snapshot),
                )
            mlflow.log_input(
                dataset,
                context="training",
                tags={
                    "anos": ",".join(str(y) for y in data.labelled_years),
                    **{f"hash_{year}": value for year, value in hashes.items()},
                },
            )
            for result in folds:  # step = test year; the latest year is the run's value
                step = result.fold.test_year
                mlflow.log_metrics(result.metrics, step=step)
                mlflow.log_metrics(
                    {baseline_metric(k): v for k, v in result.baseline.items()}, step=step
                )
            mlflow.log_metrics({METRIC_HARMFUL: len(harmful), METRIC_FLAGGED: len(flagged)})
            with tempfile.TemporaryDirectory() as tmp:
                _write_artifacts(Path(tmp), preset, headline, audit)
                mlflow.log_artifacts(tmp)
            example = X_all.head(5)
            info = mlflow.sklearn.log_model(
                model,
                name=MODEL_ARTIFACT,
                serialization_format="cloudpickle",  # deliberate: see README "Modelos"
                signature=infer_signature(example, model.predict(example)),
                input_example=example,
                pip_requirements=_requirements(),
                registered_model_name=MODEL_NAME if preset.register_model else None,
            )
        version = info.registered_model_version
        if version is not None:
            for key, value in {
                TAG_PRESET: preset.name,
                TAG_ESTIMATOR: preset.kind,
                TAG_TEST_YEAR: str(headline.fold.test_year),
            }.items():
                mlflow_client.set_model_version_tag(MODEL_NAME, str(version), key, value)
    return run.info.run_id, None if version is None else str(version)


def train_presets(
    settings: Settings,
    presets: Sequence[TrainingPreset | str] | None = None,
    gold: pd.DataFrame | None = None,
) -> list[TrainResult]:
    """Train several presets (all of ``config/training`` by default) on one load of gold.

    ``gold`` is the published gold frame when the caller already holds it; read from disk if not.
    """
    chosen = [resolve_preset(p) for p in presets] if presets else all_presets()
    data = training_data(load_gold(settings) if gold is None else gold)
    features = build_features(data.gold)
    return [train_preset(settings, p, data=data, features=features) for p in chosen]

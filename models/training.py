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
from sklearn.metrics import precision_recall_fscore_support

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
from models.estimators import RiskModel, decode, encode, fit_with_decision, make_model
from models.features import ALL_FEATURES, build_features, feature_names, select_features
from models.input_example import synthetic_input_example
from models.metrics import (
    TEST_PREDICTION_COLUMNS,
    Y_PRED,
    Y_TRUE,
    calibration_by_decile,
    classification_metrics,
    confusion_table,
    reliability_table,
)
from models.names import (
    ARTIFACT_AUDIT,
    ARTIFACT_CALIBRATION,
    ARTIFACT_CONFUSION,
    ARTIFACT_PRESET,
    ARTIFACT_RELIABILITY,
    ARTIFACT_TEST_PREDICTIONS,
    CV_MACRO_F1,
    MODEL_NAME,
    PERSISTENCE,
    RULE,
    TAG_ESTIMATOR,
    TAG_FLAGGED,
    TAG_HARMFUL,
    TAG_PRESET,
    TAG_TEST_YEAR,
    TAG_TRAIN_YEARS,
    UNCERTAIN_METRICS,
    baseline_metric,
    seed_mean,
    seed_sd,
)
from models.uncertainty import (
    N_RESAMPLES,
    Scored,
    confidence_intervals,
    paired_gains,
    resample_counts,
)
from pipeline import columns as c

log = logging.getLogger(__name__)

METRIC_HARMFUL: Final = "audit_harmful_count"
METRIC_FLAGGED: Final = "audit_flagged_count"
MODEL_ARTIFACT: Final = "model"
BASELINE_PRESETS: Final = {
    PERSISTENCE: TrainingPreset.model_validate(
        {"name": "persistence", "model": {"kind": "persistence"}, "class_weight": "none"}
    ),
    RULE: TrainingPreset.model_validate(
        {"name": "domain_rule", "model": {"kind": "domain_rule"}, "class_weight": "none"}
    ),
}
_REQUIREMENTS: Final = ("scikit-learn", "lightgbm", "xgboost", "pandas", "numpy", "cloudpickle")


@dataclass(frozen=True)
class FoldResult:
    fold: TemporalFold
    metrics: dict[str, float]  # the model's, with intervals, gains (and seeds/CV on the headline)
    baselines: dict[str, dict[str, float]]  # PERSISTENCE / RULE → their metrics
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
    baselines: dict[str, dict[str, float]]
    harmful_disparities: list[str] = field(default_factory=list)
    flagged_disparities: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def baseline(self) -> dict[str, float]:
        """The persistence baseline's metrics."""
        return self.baselines[PERSISTENCE]

    @property
    def logged_metrics(self) -> dict[str, float]:
        """The run's metrics as logged (baselines under their prefixes): what the gate reads."""
        return self.metrics | _baseline_metrics(self.baselines)


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


def _names(preset: TrainingPreset) -> list[str]:
    return feature_names(
        include_history=preset.features.include_history,
        include_genero=preset.features.include_genero,
    )


def _scored(model: RiskModel, X: pd.DataFrame) -> Scored:
    return Scored(encode(model.predict(X).tolist()), model.predict_proba(X))


def _metrics(y_true: pd.Series, scored: Scored) -> dict[str, float]:
    return classification_metrics(y_true.tolist(), list(decode(scored.y_pred)), scored.proba)


def _baseline_metrics(baselines: dict[str, dict[str, float]]) -> dict[str, float]:
    return {
        baseline_metric(name, label): value
        for label, values in baselines.items()
        for name, value in values.items()
    }


def seed_statistics(  # noqa: PLR0917 - train and test frames come in pairs
    preset: TrainingPreset,
    X_train: pd.DataFrame,
    y_train: pd.Series,
    X_test: pd.DataFrame,
    y_test: pd.Series,
    settings: Settings,
    first: dict[str, float],
) -> dict[str, float]:
    """Mean and sd of the headline metrics over ``preset.seeds`` seeds (``first`` = seed 0)."""
    runs = [first]
    for offset in range(1, preset.seeds):
        seeded = preset.model_copy(update={"random_state": preset.random_state + offset})
        model = _fit(seeded, _names(preset), X_train, y_train, settings)
        runs.append(_metrics(y_test, _scored(model, X_test)))
    out: dict[str, float] = {}
    for name in UNCERTAIN_METRICS:
        values = np.asarray([r[name] for r in runs])
        out[seed_mean(name)] = float(values.mean())
        out[seed_sd(name)] = float(values.std(ddof=1)) if len(values) > 1 else 0.0
    return out


def training_years_cv(
    preset: TrainingPreset,
    X_train: pd.DataFrame,
    y_train: pd.Series,
    groups: pd.Series,
    settings: Settings,
) -> dict[str, float]:
    """Macro-F1 of out-of-fold predictions inside the training years, folds grouped by student.

    What selection (the best version, the preset) reads: it never sees the test year.
    """
    from sklearn.model_selection import StratifiedGroupKFold

    codes = encode(y_train)
    splits = max(2, min(preset.cv_folds, int(np.bincount(codes, minlength=3).min()) or 2))
    splitter = StratifiedGroupKFold(splits, shuffle=True, random_state=preset.random_state)
    predicted = np.zeros(len(X_train), dtype=np.int64)
    for fit_idx, held_idx in splitter.split(X_train, codes, groups.to_numpy()):
        model = _fit(preset, _names(preset), X_train.iloc[fit_idx], y_train.iloc[fit_idx], settings)
        predicted[held_idx] = encode(model.predict(X_train.iloc[held_idx]).tolist())
    f1 = precision_recall_fscore_support(codes, predicted, labels=[0, 1, 2], zero_division=0)[2]
    return {CV_MACRO_F1: float(np.mean(f1))}


def evaluate_fold(
    preset: TrainingPreset,
    data: TrainingData,
    features: pd.DataFrame,
    fold: TemporalFold,
    settings: Settings,
    *,
    headline: bool = False,
) -> FoldResult:
    """Fit on the fold's training years, predict its test year, score both baselines too.

    Every fold gets bootstrap intervals and paired gains over each baseline; the headline fold
    also the seed statistics (stochastic presets) and the training-years CV.
    """
    names = _names(preset)
    train = data.labelled.loc[fold.train_index]
    test = data.labelled.loc[fold.test_index]
    X_train = select_features(features.loc[fold.train_index], names)
    X_test = select_features(features.loc[fold.test_index], names)
    y_train, y_true = _targets(train), _targets(test)
    model = _fit(preset, names, X_train, y_train, settings)
    scored = _scored(model, X_test)
    truth = encode(y_true)
    counts = resample_counts(len(truth))
    metrics = _metrics(y_true, scored)
    metrics |= confidence_intervals(truth, scored, counts)
    baselines: dict[str, dict[str, float]] = {}
    X_rules = features.loc[fold.test_index]  # every feature: the rules read Defasagem columns
    for label, rule in BASELINE_PRESETS.items():
        base = make_model(
            rule, ALL_FEATURES, settings.risk.critical_at_most, settings.risk.alert_at_most
        ).fit(features.loc[fold.train_index], y_train)
        base_scored = _scored(base, X_rules)
        baselines[label] = _metrics(y_true, base_scored)
        metrics |= paired_gains(truth, scored, base_scored, label, counts)
    if headline:
        if preset.stochastic and preset.seeds > 1:
            metrics |= seed_statistics(preset, X_train, y_train, X_test, y_true, settings, metrics)
        metrics |= training_years_cv(preset, X_train, y_train, train[c.RA], settings)
    predictions = pd.DataFrame(
        {
            c.RA: test[c.RA].astype(str).to_numpy(),
            c.ANO: test[c.ANO].astype(int).to_numpy(),
            Y_TRUE: y_true.to_numpy(),
            Y_PRED: decode(scored.y_pred),
            pc.P_CRITICAL: scored.proba[:, 0],
            pc.P_ALERT: scored.proba[:, 1],
            pc.P_EXPECTED: scored.proba[:, 2],
        },
        columns=list(TEST_PREDICTION_COLUMNS),
    )
    return FoldResult(fold, metrics, baselines, predictions)


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
        "seeds": preset.seeds if preset.stochastic else 1,
        "cv_folds": preset.cv_folds,
        "bootstrap_resamples": N_RESAMPLES,
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
    reliability_table(preds[Y_TRUE].tolist(), proba).to_csv(
        folder / ARTIFACT_RELIABILITY, index=False
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
    folds = [
        evaluate_fold(chosen, data, features, fold, settings, headline=fold is data.headline)
        for fold in data.folds
    ]
    headline = folds[-1]
    test_rows = data.labelled.loc[headline.fold.test_index]
    audit = group_audit(
        test_rows,
        test_rows[c.CLASSE_PROXIMO_ANO].astype(str),
        pd.Series(headline.predictions[Y_PRED].to_numpy(), index=test_rows.index),
    )
    harmful = harmful_disparities(audit)
    flagged = flagged_disparities(audit)

    names = _names(chosen)
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
        baselines=headline.baselines,
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
                mlflow.log_metrics(_baseline_metrics(result.baselines), step=step)
            mlflow.log_metrics({METRIC_HARMFUL: len(harmful), METRIC_FLAGGED: len(flagged)})
            with tempfile.TemporaryDirectory() as tmp:
                _write_artifacts(Path(tmp), preset, headline, audit)
                mlflow.log_artifacts(tmp)
            example = synthetic_input_example(X_all)  # never real students' rows (#14)
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

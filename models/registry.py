"""Model versions, the promotion gate, promotion and rollback (MLflow aliases + audit table).

Promotion sets the alias ``production`` and moves the former one to ``previous``; rollback swaps
them back. Who, when and why go to the version's tags and to the ``model_audit`` table; the
latest year is scored with the new production version in the same step. The new predictions are
computed before anything changes, and a failure after the aliases moved puts them back — so a
failed promotion leaves registry and predictions as they were.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

import pandas as pd
from sqlalchemy import insert

from config import Settings
from models import tracking
from models.errors import (
    GateRefusedError,
    NoModelVersionsError,
    NoPreviousVersionError,
    NoVersionPassesGateError,
    UnknownVersionError,
)
from models.names import (
    ARTIFACT_AUDIT,
    MACRO_F1,
    MODEL_NAME,
    PREVIOUS,
    PRODUCTION,
    RECALL_CRITICAL,
    TAG_ESTIMATOR,
    TAG_HARMFUL,
    TAG_PRESET,
    TAG_TEST_YEAR,
    TAG_TRAIN_YEARS,
    baseline_metric,
)
from models.scoring import (
    ScoreResult,
    score_version,
    summarize,
    write_predictions,
    write_state,
)
from models.tables import model_audit, models_engine

if TYPE_CHECKING:
    from mlflow import MlflowClient

log = logging.getLogger(__name__)

GATE_METRICS: Final = (MACRO_F1, RECALL_CRITICAL)
METRIC_LABELS: Final = {MACRO_F1: "macro-F1", RECALL_CRITICAL: "recall de Crítico"}


@dataclass(frozen=True)
class GateVerdict:
    passed: bool
    reasons: tuple[str, ...]

    def describe(self) -> str:
        return "aprovado" if self.passed else "; ".join(self.reasons)


@dataclass(frozen=True)
class VersionInfo:
    """One registered version with its temporal-test numbers and its gate verdict."""

    version: str
    run_id: str
    preset: str
    estimator: str
    test_year: int | None
    created_at: datetime
    metrics: dict[str, float]
    harmful_disparities: tuple[str, ...]
    aliases: tuple[str, ...]
    gate: GateVerdict


@dataclass(frozen=True)
class PromotionResult:
    action: str  # promote | override | rollback | unchanged
    version: str
    previous: str | None
    gate: GateVerdict
    score: ScoreResult | None


def gate_verdict(metrics: Mapping[str, float], harmful: Sequence[str]) -> GateVerdict:
    """Beat persistence on macro-F1 and Critical recall, with no harmful group disparity."""
    reasons: list[str] = []
    for name in GATE_METRICS:
        value = metrics.get(name)
        base = metrics.get(baseline_metric(name))
        if value is None or base is None:
            reasons.append(f"{METRIC_LABELS[name]} não foi medido")
        elif not value > base:
            reasons.append(
                f"{METRIC_LABELS[name]} {value:.3f} não supera a persistência ({base:.3f})"
            )
    if harmful:
        reasons.append("disparidade entre grupos: " + ", ".join(harmful))
    return GateVerdict(passed=not reasons, reasons=tuple(reasons))


def _aliases(mlflow_client: MlflowClient) -> dict[str, str]:
    # search_model_versions returns empty aliases (upstream bug): read them from the model.
    aliases = mlflow_client.get_registered_model(MODEL_NAME).aliases
    return {str(alias): str(version) for alias, version in aliases.items()}


def _list(mlflow_client: MlflowClient) -> tuple[list[VersionInfo], dict[str, str]]:
    from mlflow.exceptions import MlflowException

    try:
        aliases = _aliases(mlflow_client)
    except MlflowException as exc:
        if exc.error_code == "RESOURCE_DOES_NOT_EXIST":
            return [], {}
        raise
    by_version: dict[str, list[str]] = {}
    for alias, version in aliases.items():
        by_version.setdefault(version, []).append(alias)
    infos = []
    for mv in mlflow_client.search_model_versions(f"name='{MODEL_NAME}'"):
        run = mlflow_client.get_run(str(mv.run_id))
        metrics = dict(run.data.metrics)
        tags = run.data.tags
        harmful = tuple(h for h in tags.get(TAG_HARMFUL, "").split("; ") if h)
        test_year = tags.get(TAG_TEST_YEAR)
        infos.append(
            VersionInfo(
                version=str(mv.version),
                run_id=str(mv.run_id),
                preset=tags.get(TAG_PRESET, ""),
                estimator=tags.get(TAG_ESTIMATOR, ""),
                test_year=int(test_year) if test_year else None,
                created_at=datetime.fromtimestamp(mv.creation_timestamp / 1000, UTC),
                metrics=metrics,
                harmful_disparities=harmful,
                aliases=tuple(sorted(by_version.get(str(mv.version), []))),
                gate=gate_verdict(metrics, harmful),
            )
        )
    infos.sort(key=lambda v: int(v.version), reverse=True)
    return infos, aliases


def list_versions(settings: Settings) -> list[VersionInfo]:
    """Every registered version, newest first, with metrics, aliases and gate verdict."""
    mlflow_client = tracking.client(settings)
    with tracking.store_errors(settings.tracking_uri):
        return _list(mlflow_client)[0]


def versions_table(versions: Sequence[VersionInfo]) -> pd.DataFrame:
    """A comparison table of versions (for the CLI and the dashboard)."""
    rows = [
        {
            "versao": v.version,
            "preset": v.preset,
            "ano_teste": v.test_year,
            MACRO_F1: v.metrics.get(MACRO_F1),
            RECALL_CRITICAL: v.metrics.get(RECALL_CRITICAL),
            "precision_at_50": v.metrics.get("precision_at_50"),
            baseline_metric(MACRO_F1): v.metrics.get(baseline_metric(MACRO_F1)),
            baseline_metric(RECALL_CRITICAL): v.metrics.get(baseline_metric(RECALL_CRITICAL)),
            "aliases": ",".join(v.aliases),
            "gate": v.gate.describe(),
        }
        for v in versions
    ]
    return pd.DataFrame(rows)


def version_audit(settings: Settings, version: str) -> pd.DataFrame:
    """The group audit table logged with a version's run."""
    import mlflow.artifacts

    info = _find(list_versions(settings), version)
    with tracking.store_errors(settings.tracking_uri):
        path = mlflow.artifacts.download_artifacts(run_id=info.run_id, artifact_path=ARTIFACT_AUDIT)
    return pd.read_csv(path)


def _find(versions: Sequence[VersionInfo], version: str) -> VersionInfo:
    for info in versions:
        if info.version == str(version):
            return info
    if not versions:
        raise NoModelVersionsError()
    raise UnknownVersionError(str(version), sorted((v.version for v in versions), key=int))


def best_passing(versions: Sequence[VersionInfo]) -> VersionInfo:
    """The gate-passing version with the best macro-F1 (then Critical recall, then newest)."""
    passing = [v for v in versions if v.gate.passed]
    if not passing:
        reasons = [f"v{v.version} ({v.preset}): {v.gate.describe()}" for v in versions[:5]]
        raise NoVersionPassesGateError(reasons)
    return max(
        passing,
        key=lambda v: (
            v.metrics.get(MACRO_F1, 0.0),
            v.metrics.get(RECALL_CRITICAL, 0.0),
            int(v.version),
        ),
    )


def _set_version_tags(
    mlflow_client: MlflowClient, version: str, *, prefix: str, user: str, reason: str, verdict: str
) -> None:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    for key, value in {"by": user, "at": now, "reason": reason, "gate": verdict}.items():
        mlflow_client.set_model_version_tag(MODEL_NAME, version, f"{prefix}_{key}", value)


def _move_aliases(mlflow_client: MlflowClient, production: str, previous: str | None) -> None:
    mlflow_client.set_registered_model_alias(MODEL_NAME, PRODUCTION, production)
    if previous is None:
        if PREVIOUS in _aliases(mlflow_client):
            mlflow_client.delete_registered_model_alias(MODEL_NAME, PREVIOUS)
    else:
        mlflow_client.set_registered_model_alias(MODEL_NAME, PREVIOUS, previous)


def _switch(
    settings: Settings,
    mlflow_client: MlflowClient,
    *,
    action: str,
    version: str,
    new_previous: str | None,
    old: tuple[str | None, str | None],
    user: str,
    reason: str,
    verdict: GateVerdict,
) -> ScoreResult:
    """Score in memory, move the aliases, then write predictions + state + audit in one go."""
    import time

    started = time.perf_counter()
    scored = score_version(settings, version)  # fails before anything changed
    _move_aliases(mlflow_client, version, new_previous)
    try:
        with models_engine(settings).begin() as conn:
            write_predictions(conn, version, scored)
            write_state(conn, version, new_previous)
            conn.execute(
                insert(model_audit),
                [
                    {
                        "action": action,
                        "version": version,
                        "previous_version": old[0],
                        "user": user,
                        "reason": reason,
                        "gate_passed": "yes" if verdict.passed else "no",
                        "gate_detail": verdict.describe(),
                        "at": datetime.now(UTC),
                    }
                ],
            )
    except Exception:
        if old[0] is None:
            mlflow_client.delete_registered_model_alias(MODEL_NAME, PRODUCTION)
        else:
            _move_aliases(mlflow_client, old[0], old[1])
        raise
    prefix = "rollback" if action == "rollback" else "promoted"
    _set_version_tags(
        mlflow_client, version, prefix=prefix, user=user, reason=reason, verdict=verdict.describe()
    )
    _compare_data_with(settings, mlflow_client, version)
    return summarize(version, scored, started)


def training_years(tags: Mapping[str, str]) -> list[int]:
    """Feature years a registered version learned from: it is refit on the test year too."""
    years = {int(y) for y in tags.get(TAG_TRAIN_YEARS, "").split(",") if y.strip()}
    test_year = tags.get(TAG_TEST_YEAR)
    return sorted(years | ({int(test_year)} if test_year else set()))


def _compare_data_with(settings: Settings, mlflow_client: MlflowClient, version: str) -> None:
    """Drift is measured against the production model's training data: re-measure every year."""
    from sqlalchemy.exc import SQLAlchemyError

    from pipeline.drift import record_production_reference

    run_id = str(mlflow_client.get_model_version(MODEL_NAME, version).run_id)
    years = training_years(mlflow_client.get_run(run_id).data.tags)
    try:
        record_production_reference(settings, version, years)
    except SQLAlchemyError:  # the promotion stands; the next publish measures drift again
        log.warning("drift could not be re-measured after the switch to version %s", version)


def promote(
    settings: Settings,
    version: str | None = None,
    *,
    reason: str | None = None,
    user: str = "cli",
) -> PromotionResult:
    """Promote a version (the best gate-passing one when not given) to ``production``.

    A version that fails the gate is refused unless ``reason`` is given (recorded as override).
    """
    mlflow_client = tracking.client(settings)
    with tracking.store_errors(settings.tracking_uri):
        versions, aliases = _list(mlflow_client)
        if not versions:
            raise NoModelVersionsError()
        info = best_passing(versions) if version is None else _find(versions, str(version))
        reason_text = (reason or "").strip()
        if not info.gate.passed and not reason_text:
            raise GateRefusedError(info.version, info.gate.reasons)
        current, previous = aliases.get(PRODUCTION), aliases.get(PREVIOUS)
        if current == info.version:
            return PromotionResult("unchanged", info.version, previous, info.gate, None)
        action = "promote" if info.gate.passed else "override"
        score = _switch(
            settings,
            mlflow_client,
            action=action,
            version=info.version,
            new_previous=current if current is not None else previous,
            old=(current, previous),
            user=user,
            reason=reason_text or "aprovado na verificação de qualidade",
            verdict=info.gate,
        )
    log.info("version %s promoted by %s (%s)", info.version, user, action)
    return PromotionResult(action, info.version, current, info.gate, score)


def rollback(
    settings: Settings, *, reason: str | None = None, user: str = "cli"
) -> PromotionResult:
    """Swap ``production`` and ``previous`` back; ``NoPreviousVersionError`` when there is none."""
    mlflow_client = tracking.client(settings)
    with tracking.store_errors(settings.tracking_uri):
        versions, aliases = _list(mlflow_client)
        current, previous = aliases.get(PRODUCTION), aliases.get(PREVIOUS)
        if previous is None:
            raise NoPreviousVersionError()
        info = _find(versions, previous)
        score = _switch(
            settings,
            mlflow_client,
            action="rollback",
            version=previous,
            new_previous=current,
            old=(current, previous),
            user=user,
            reason=(reason or "").strip() or "volta à versão anterior",
            verdict=info.gate,
        )
    log.info("rolled back to version %s by %s", previous, user)
    return PromotionResult("rollback", previous, current, info.gate, score)

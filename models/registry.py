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
    ReasonRequiredError,
    UnknownVersionError,
)
from models.estimators import encode
from models.metrics import PROBA_COLUMNS, Y_PRED, Y_TRUE
from models.names import (
    ARTIFACT_AUDIT,
    ARTIFACT_TEST_PREDICTIONS,
    BASELINES,
    CV_MACRO_F1,
    MACRO_F1,
    MODEL_NAME,
    PERSISTENCE,
    PREVIOUS,
    PRODUCTION,
    RECALL_CRITICAL,
    RULE,
    TAG_ESTIMATOR,
    TAG_HARMFUL,
    TAG_PRESET,
    TAG_TEST_YEAR,
    TAG_TRAIN_YEARS,
    baseline_metric,
    ci_high,
    ci_low,
    gain_metric,
)
from models.scoring import (
    ScoreResult,
    score_version,
    summarize,
    write_predictions,
    write_state,
)
from models.tables import model_audit, models_engine
from models.uncertainty import Scored, paired_gains
from pipeline import columns as c

if TYPE_CHECKING:
    from mlflow import MlflowClient

log = logging.getLogger(__name__)

GATE_METRICS: Final = (MACRO_F1, RECALL_CRITICAL)
METRIC_LABELS: Final = {MACRO_F1: "macro-F1", RECALL_CRITICAL: "recall de Crítico"}
BASELINE_LABELS: Final = {
    PERSISTENCE: "a persistência",
    RULE: "a regra da fase (Defasagem após avançar uma fase)",
}
DEFAULT_SIGNIFICANT: Final = (MACRO_F1,)


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


def strongest_baseline(metrics: Mapping[str, float]) -> str | None:
    """The baseline with the highest macro-F1 among those the run measured."""
    measured = [b for b in BASELINES if baseline_metric(MACRO_F1, b) in metrics]
    return max(measured, key=lambda b: metrics[baseline_metric(MACRO_F1, b)], default=None)


def describe_gain(metrics: Mapping[str, float], key: str) -> str:
    """``+0.020 (IC 95% −0.010 a +0.050)``, the reading of a paired gain (Portuguese)."""
    gain, low, high = metrics.get(key), metrics.get(ci_low(key)), metrics.get(ci_high(key))
    if gain is None:
        return "não medido"
    if low is None or high is None:
        return f"{gain:+.3f}"
    return f"{gain:+.3f} (IC 95% {low:+.3f} a {high:+.3f})"


def gate_verdict(
    metrics: Mapping[str, float],
    harmful: Sequence[str],
    significant: Sequence[str] = DEFAULT_SIGNIFICANT,
) -> GateVerdict:
    """Beat the strongest baseline on macro-F1 and Critical recall, with no harmful disparity.

    For the metrics in ``significant`` the gain must also be significant: the 95% interval of
    the paired-bootstrap gain over that baseline lies above 0.
    """
    reasons: list[str] = []
    base = strongest_baseline(metrics)
    if base is None:
        reasons.append("as referências (persistência e regra da fase) não foram medidas")
    else:
        label = BASELINE_LABELS[base]
        for name in GATE_METRICS:
            value = metrics.get(name)
            ref = metrics.get(baseline_metric(name, base))
            key = gain_metric(name, base)
            if value is None or ref is None:
                reasons.append(f"{METRIC_LABELS[name]} não foi medido")
            elif not value > ref:
                reasons.append(f"{METRIC_LABELS[name]} {value:.3f} não supera {label} ({ref:.3f})")
            elif name in significant and not metrics.get(ci_low(key), -1.0) > 0:
                reasons.append(
                    f"o ganho em {METRIC_LABELS[name]} sobre {label}, "
                    f"{describe_gain(metrics, key)}, pode ser acaso (o intervalo inclui 0)"
                )
    if harmful:
        reasons.append("disparidade entre grupos: " + ", ".join(harmful))
    return GateVerdict(passed=not reasons, reasons=tuple(reasons))


def _aliases(mlflow_client: MlflowClient) -> dict[str, str]:
    # search_model_versions returns empty aliases (upstream bug): read them from the model.
    aliases = mlflow_client.get_registered_model(MODEL_NAME).aliases
    return {str(alias): str(version) for alias, version in aliases.items()}


def _list(
    mlflow_client: MlflowClient, significant: Sequence[str] = DEFAULT_SIGNIFICANT
) -> tuple[list[VersionInfo], dict[str, str]]:
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
                gate=gate_verdict(metrics, harmful, significant),
            )
        )
    infos.sort(key=lambda v: int(v.version), reverse=True)
    return infos, aliases


def list_versions(settings: Settings) -> list[VersionInfo]:
    """Every registered version, newest first, with metrics, aliases and gate verdict."""
    mlflow_client = tracking.client(settings)
    with tracking.store_errors(settings.tracking_uri):
        return _list(mlflow_client, settings.gate_significant_metrics)[0]


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
            CV_MACRO_F1: v.metrics.get(CV_MACRO_F1),
            baseline_metric(MACRO_F1): v.metrics.get(baseline_metric(MACRO_F1)),
            baseline_metric(RECALL_CRITICAL): v.metrics.get(baseline_metric(RECALL_CRITICAL)),
            baseline_metric(MACRO_F1, RULE): v.metrics.get(baseline_metric(MACRO_F1, RULE)),
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
    """The gate-passing version with the best training-years CV macro-F1 (then newest).

    Chosen without the test year: its numbers are reported, never used to pick. Versions
    trained before the CV was logged rank last.
    """
    passing = [v for v in versions if v.gate.passed]
    if not passing:
        reasons = [f"v{v.version} ({v.preset}): {v.gate.describe()}" for v in versions[:5]]
        raise NoVersionPassesGateError(reasons)
    return max(passing, key=lambda v: (v.metrics.get(CV_MACRO_F1, -1.0), int(v.version)))


def best_candidate(versions: Sequence[VersionInfo]) -> VersionInfo | None:
    """The non-baseline version with the best training-years CV macro-F1, passing or not."""
    from config.training_presets import BASELINE_KINDS

    models = [v for v in versions if v.estimator not in BASELINE_KINDS]
    return max(
        models, key=lambda v: (v.metrics.get(CV_MACRO_F1, -1.0), int(v.version)), default=None
    )


@dataclass(frozen=True)
class PromotionPreview:
    """What promoting ``version`` would change, read before anything changes."""

    version: str
    production: str | None
    gate: GateVerdict  # the version's gate plus the comparison with production
    vs_production: dict[str, float] | None  # gain_production_<metric> (+ CI); None: no pairing
    comparable: bool  # same test students as production


def _test_predictions(run_id: str) -> pd.DataFrame:
    import mlflow.artifacts

    path = mlflow.artifacts.download_artifacts(
        run_id=run_id, artifact_path=ARTIFACT_TEST_PREDICTIONS
    )
    return pd.read_csv(path, dtype={c.RA: str})


def gains_over(candidate: pd.DataFrame, reference: pd.DataFrame, label: str) -> dict[str, float]:
    """Paired gains of one ``test_predictions.csv`` over another on the same students.

    Empty when the two were not tested on the same students (another test year, other data).
    """
    keys = [c.RA, c.ANO]
    if len(candidate) != len(reference) or candidate[keys].duplicated().any():
        return {}
    joined = candidate.merge(reference, on=keys, suffixes=("", "_ref"), validate="one_to_one")
    if len(joined) != len(candidate) or (joined[Y_TRUE] != joined[f"{Y_TRUE}_ref"]).any():
        return {}
    truth = encode(joined[Y_TRUE].astype(str))

    def scored(suffix: str) -> Scored:
        proba = joined[[f"{p}{suffix}" for p in PROBA_COLUMNS]].to_numpy(dtype="float64")
        return Scored(encode(joined[f"{Y_PRED}{suffix}"].astype(str)), proba)

    return paired_gains(truth, scored(""), scored("_ref"), label)


def versus_production(
    gate: GateVerdict, gains: Mapping[str, float], production: str
) -> GateVerdict:
    """The gate verdict plus 'worse than production' when a gate metric's gain is negative."""
    worse = [
        f"pior que a produção (v{production}) em {METRIC_LABELS[name]}: "
        f"{describe_gain(gains, gain_metric(name, PRODUCTION))}"
        for name in GATE_METRICS
        if gains.get(gain_metric(name, PRODUCTION), 0.0) < 0
    ]
    reasons = (*gate.reasons, *worse)
    return GateVerdict(passed=not reasons, reasons=reasons)


def _preview(
    versions: Sequence[VersionInfo], aliases: Mapping[str, str], info: VersionInfo
) -> PromotionPreview:
    current = aliases.get(PRODUCTION)
    if current is None or current == info.version:
        return PromotionPreview(info.version, current, info.gate, None, False)
    from mlflow.exceptions import MlflowException

    production = _find(versions, current)
    try:
        gains = gains_over(
            _test_predictions(info.run_id), _test_predictions(production.run_id), PRODUCTION
        )
    except (MlflowException, OSError, KeyError) as exc:  # an old run without the artifact
        log.warning("no paired comparison of v%s with production: %s", info.version, exc)
        gains = {}
    gate = versus_production(info.gate, gains, current) if gains else info.gate
    return PromotionPreview(info.version, current, gate, gains or None, bool(gains))


def promotion_preview(settings: Settings, version: str) -> PromotionPreview:
    """What promoting ``version`` changes against production (for the confirmation step)."""
    mlflow_client = tracking.client(settings)
    with tracking.store_errors(settings.tracking_uri):
        versions, aliases = _list(mlflow_client, settings.gate_significant_metrics)
        return _preview(versions, aliases, _find(versions, str(version)))


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

    A reason is always required. The verdict is the gate plus the comparison with the version
    in production on the same test students: a version that fails it (worse than production
    included) is promoted only as a recorded override.
    """
    mlflow_client = tracking.client(settings)
    with tracking.store_errors(settings.tracking_uri):
        versions, aliases = _list(mlflow_client, settings.gate_significant_metrics)
        if not versions:
            raise NoModelVersionsError()
        info = best_passing(versions) if version is None else _find(versions, str(version))
        reason_text = (reason or "").strip()
        preview = _preview(versions, aliases, info)
        if not reason_text:
            if not preview.gate.passed:
                raise GateRefusedError(info.version, preview.gate.reasons)
            raise ReasonRequiredError(info.version)
        current, previous = aliases.get(PRODUCTION), aliases.get(PREVIOUS)
        if current == info.version:
            return PromotionResult("unchanged", info.version, previous, info.gate, None)
        action = "promote" if preview.gate.passed else "override"
        score = _switch(
            settings,
            mlflow_client,
            action=action,
            version=info.version,
            new_previous=current if current is not None else previous,
            old=(current, previous),
            user=user,
            reason=reason_text,
            verdict=preview.gate,
        )
    log.info("version %s promoted by %s (%s)", info.version, user, action)
    return PromotionResult(action, info.version, current, preview.gate, score)


def rollback(
    settings: Settings, *, reason: str | None = None, user: str = "cli"
) -> PromotionResult:
    """Swap ``production`` and ``previous`` back; ``NoPreviousVersionError`` when there is none."""
    mlflow_client = tracking.client(settings)
    with tracking.store_errors(settings.tracking_uri):
        versions, aliases = _list(mlflow_client, settings.gate_significant_metrics)
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

"""The dashboard's one door to the ``models`` package (issue 3).

Each function calls the library function the CLI uses. ``models`` modules are imported inside the
functions, so MLflow and scikit-learn load only on the pages that need them (Experimentos, Modelos).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from config import Settings
from dashboard.i18n import t
from models import columns as pc
from models.names import (
    ARTIFACT_AUDIT,
    ARTIFACT_TEST_PREDICTIONS,
    EXPERIMENT_NAME,
    PREVIOUS,
    PRODUCTION,
    TAG_ESTIMATOR,
    TAG_PRESET,
    TAG_TEST_YEAR,
    ci_high,
    ci_low,
    gain_metric,
)

log = logging.getLogger(__name__)

TEST_PREDICTIONS = ARTIFACT_TEST_PREDICTIONS
GROUP_AUDIT = ARTIFACT_AUDIT
PAIRED = "paired"  # label of the gains between two runs compared on a page


# --- predictions (fast, no MLflow) -------------------------------------------------------


def production_version(settings: Settings) -> str | None:
    """The production version, or None when none is promoted yet."""
    from models.predictions import production_version as read

    version = read(settings)
    return None if version is None else str(version)


def previous_version(settings: Settings) -> str | None:
    from models.predictions import previous_version as read

    version = read(settings)
    return None if version is None else str(version)


def read_predictions(
    settings: Settings,
    classes: Sequence[str] | None = None,
    top: int | None = None,
    version: str | None = None,
    ano: int | None = None,
) -> pd.DataFrame:
    from models.predictions import read_predictions as read

    kwargs: dict[str, Any] = {"classes": list(classes) if classes else None, "top": top}
    if version is not None:
        kwargs["version"] = version
    if ano is not None:
        kwargs["ano"] = ano
    frame: pd.DataFrame = read(settings, **kwargs)
    return frame


def model_audit_log(settings: Settings) -> pd.DataFrame:
    from models.predictions import read_audit_log

    frame: pd.DataFrame = read_audit_log(settings)
    return frame


def published_list(settings: Settings, ano: int | None = None) -> Any:
    """The published list of ``ano`` (version, thresholds, when), None when none."""
    from models.predictions import published_list as read

    return read(settings, ano)


def published_years(settings: Settings) -> list[int]:
    """Years with a list given to coordinators, newest first."""
    from models.predictions import published_years as read

    return read(settings)


def follow_up(settings: Settings, ano: int | None = None) -> Any:
    """How the list of ``ano`` turned out (``cycle.followup``; the CLI's numbers)."""
    from cycle.followup import follow_up_year

    return follow_up_year(settings, ano)


def copy_warnings(settings: Settings, ano: int | None) -> list[str]:
    """The probable-copy warnings of a year's predictions (empty when none)."""
    from cycle.copies import copy_warnings as read

    return read(settings, ano)


# --- scoring and export ------------------------------------------------------------------


def score_if_production(settings: Settings) -> Any:
    """Re-score the latest year with the production version (None when there is none)."""
    from models.scoring import score_if_production as score

    return score(settings)


def risk_list_bytes(
    settings: Settings,
    frame: pd.DataFrame,
    fmt: str,
    classes: Sequence[str] = (),
    top: int | None = None,
) -> bytes:
    """The bytes ``passos risk-list`` writes for these rows (header: version, year, when, warnings,
    order; a sentence per student on their class)."""
    from models import export

    meta = export.list_meta(settings, frame, classes=tuple(classes), top=top)
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
    from models.tracking import client

    return client(settings)


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
            "preset": run.data.tags.get(TAG_PRESET, run.info.run_name),
            "estimator": run.data.tags.get(TAG_ESTIMATOR, ""),
            "test_year": run.data.tags.get(TAG_TEST_YEAR, ""),
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
    from models.registry import list_versions as read

    infos = read(settings)
    # Aliases as recorded at promotion (model_state): VersionInfo.aliases can miss them when
    # MLflow returns alias versions as integers.
    state = {production_version(settings): PRODUCTION, previous_version(settings): PREVIOUS}
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
    from models.training import train_presets

    results = train_presets(settings, [preset])
    return results[0] if results else None


def promote(settings: Settings, version: str, reason: str, user: str) -> Any:
    """Promote; a version failing the gate goes through only with a reason (an override)."""
    from models.registry import promote as promote_version

    return promote_version(settings, version, reason=reason or None, user=user)


def rollback(settings: Settings, reason: str, user: str) -> Any:
    from models.registry import rollback as rollback_version

    return rollback_version(settings, reason=reason or None, user=user)


def top_list_change(settings: Settings, version: str, top: int = 100) -> int | None:
    """How many students of the production top-``top`` would leave the list with ``version``."""
    current = read_predictions(settings, top=top)
    if current.empty:
        return None
    from models.scoring import score_version

    scored: pd.DataFrame = score_version(settings, version)
    candidate = scored.sort_values(pc.RANK).head(top)
    return len(set(current["ra"]) - set(candidate["ra"]))


def promotion_preview(settings: Settings, version: str) -> dict[str, Any]:
    """What promoting ``version`` changes: verdict with production, paired gains over it."""
    from models.registry import promotion_preview as preview

    found = preview(settings, version)
    return {
        "version": found.version,
        "production": found.production,
        "gate_passed": found.gate.passed,
        "gate_reasons": list(found.gate.reasons),
        "gains": dict(found.vs_production or {}),
        "comparable": found.comparable,
    }


def paired_gains(candidate: pd.DataFrame, reference: pd.DataFrame) -> dict[str, float]:
    """Paired-bootstrap gains of one run's test predictions over another's (same students)."""
    from models.registry import gains_over

    return gains_over(candidate, reference, PAIRED)


def difference_text(
    gains: Mapping[str, float], metric: str, label: str, first: str, second: str
) -> str | None:
    """One plain sentence: ``first`` better than, worse than or not distinguishable from
    ``second`` on ``metric`` (paired 95% interval of the difference)."""
    from models.uncertainty import distinguishable

    key = gain_metric(metric, label)
    if key not in gains:
        return None
    delta, low, high = gains[key], gains.get(ci_low(key)), gains.get(ci_high(key))
    clear = distinguishable(gains, key)
    verdict = "same" if not clear else ("better" if delta > 0 else "worse")
    return t(
        f"cmp.{verdict}",
        a=first,
        b=second,
        metric=t(f"metric.{metric}"),
        delta=f"{delta:+.3f}",
        low=f"{low:+.3f}" if low is not None else "—",
        high=f"{high:+.3f}" if high is not None else "—",
    )


def with_interval(metrics: Mapping[str, float], metric: str) -> str | None:
    """``0.620 [0.577 – 0.662]`` or the bare value when no interval was logged."""
    value = metrics.get(metric)
    if value is None or pd.isna(value):
        return None
    low, high = metrics.get(ci_low(metric)), metrics.get(ci_high(metric))
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return f"{value:.3f}"
    return f"{value:.3f} [{low:.3f} – {high:.3f}]"

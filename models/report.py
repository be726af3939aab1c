"""The model card's table, written from the metrics MLflow holds (``passos report``).

Every number comes from a registered version's run: point values with their bootstrap 95%
intervals, the seed statistics, the gain over the strongest baseline and the training-years CV
that selection reads. Nothing here recomputes a metric.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from models.names import (
    CV_MACRO_F1,
    ECE_CRITICAL,
    MACRO_F1,
    PERSISTENCE,
    PRECISION_AT_50,
    RECALL_CRITICAL,
    RULE,
    baseline_metric,
    ci_high,
    ci_low,
    gain_metric,
    seed_mean,
    seed_sd,
)
from models.registry import VersionInfo, describe_gain, strongest_baseline

BASELINE_NAMES = {PERSISTENCE: "persistence", RULE: "domain rule (defasagem_se_avancar)"}


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def with_interval(metrics: Mapping[str, float], name: str) -> str:
    """``0.620 [0.575, 0.663]`` (the point value and its 95% bootstrap interval)."""
    value = metrics.get(name)
    low, high = metrics.get(ci_low(name)), metrics.get(ci_high(name))
    if value is None or low is None or high is None:
        return _num(value)
    return f"{value:.3f} [{low:.3f}, {high:.3f}]"


def seed_summary(metrics: Mapping[str, float], name: str) -> str:
    mean, sd = metrics.get(seed_mean(name)), metrics.get(seed_sd(name))
    return "— (deterministic)" if mean is None or sd is None else f"{mean:.3f} ± {sd:.3f}"


def _row(info: VersionInfo) -> str:
    m = info.metrics
    base = strongest_baseline(m)
    gain = "—" if base is None else describe_gain(m, gain_metric(MACRO_F1, base))
    gain = gain.replace("IC 95% ", "").replace(" a ", ", ")
    gate = "passes" if info.gate.passed else "fails"
    return (
        f"| {info.preset} | {info.version} | {with_interval(m, MACRO_F1)} | "
        f"{seed_summary(m, MACRO_F1)} | {with_interval(m, RECALL_CRITICAL)} | "
        f"{with_interval(m, PRECISION_AT_50)} | {gain} | {_num(m.get(ECE_CRITICAL))} | "
        f"{_num(m.get(CV_MACRO_F1))} | {gate} |"
    )


def model_card_table(versions: Sequence[VersionInfo]) -> str:
    """Markdown: the newest version of each preset, then the two baselines of the newest run."""
    latest: dict[str, VersionInfo] = {}
    for info in sorted(versions, key=lambda v: int(v.version), reverse=True):
        latest.setdefault(info.preset, info)
    rows = sorted(latest.values(), key=lambda v: v.metrics.get(CV_MACRO_F1, -1.0), reverse=True)
    lines = [
        "| preset | version | macro_f1 [95% CI] | macro_f1 over seeds (mean ± sd) | "
        "recall_critical [95% CI] | precision_at_50 [95% CI] | "
        "gain over strongest baseline (macro_f1, paired 95% CI) | ece_critical | "
        "cv_macro_f1 (training years) | gate |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        *(_row(info) for info in rows),
    ]
    if rows:
        newest = max(rows, key=lambda v: int(v.version)).metrics
        for label, name in BASELINE_NAMES.items():
            lines.append(
                f"| {name} (baseline) | — | {_num(newest.get(baseline_metric(MACRO_F1, label)))} "
                f"| — | {_num(newest.get(baseline_metric(RECALL_CRITICAL, label)))} | "
                f"{_num(newest.get(baseline_metric(PRECISION_AT_50, label)))} | — | "
                f"{_num(newest.get(baseline_metric(ECE_CRITICAL, label)))} | — | — |"
            )
    return "\n".join(lines)

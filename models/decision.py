"""Why a student is in a class, as data a sentence can be built from (pure, no I/O).

The decision rule is the one of ``models.estimators.decide``: Critical when P(Critical) reaches
the model's Critical threshold; otherwise Alert when P(Critical or Alert) — the risk score —
reaches the lagging threshold; otherwise Expected. The thresholds come from the published list
(``models.predictions.PublishedList``), recorded at scoring time. The list is ordered by the
risk score, so an Alert student can come before a Critical one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from pipeline import columns as c

# What a reason says: which comparison put the student in the class.
ABOVE_CRITICAL: Final = "above_critical"  # P(Critical) ≥ critical threshold
ABOVE_LAGGING: Final = "above_lagging"  # below the critical threshold, risk score ≥ lagging
BELOW_BOTH: Final = "below_both"  # both below: Expected
NO_THRESHOLDS: Final = "no_thresholds"  # thresholds unknown (a list published before they were)


@dataclass(frozen=True)
class ClassReason:
    """The numbers behind one student's class."""

    classe: str
    kind: str
    p_critical: float
    risk_score: float
    threshold_critical: float | None
    threshold_lagging: float | None


def class_reason(
    classe: str,
    p_critical: float,
    risk_score: float,
    threshold_critical: float | None,
    threshold_lagging: float | None,
) -> ClassReason:
    """Which part of the decision rule placed ``classe`` (thresholds may be unknown)."""
    if threshold_critical is None or threshold_lagging is None:
        kind = NO_THRESHOLDS
    elif classe == c.CRITICAL:
        kind = ABOVE_CRITICAL
    elif classe == c.ALERT:
        kind = ABOVE_LAGGING
    else:
        kind = BELOW_BOTH
    return ClassReason(
        classe, kind, float(p_critical), float(risk_score), threshold_critical, threshold_lagging
    )


def percent(value: float | None) -> str:
    """A probability as a whole percentage (``0.126`` → ``13%``); below 1% as ``<1%``."""
    if value is None:
        return "—"
    if 0 < value < 0.005:  # noqa: PLR2004 - rounds to 0%
        return "<1%"
    return f"{value:.0%}"

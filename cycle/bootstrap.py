"""The first model of a fresh install (``passos demo``): train every preset, promote the best.

Runs only while no version is in production; promotion scores the students, so the list is
ready when it returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from config import Settings
from models.names import MACRO_F1, RECALL_CRITICAL


@dataclass(frozen=True)
class TrainedModel:
    preset: str
    version: str | None
    macro_f1: float
    recall_critical: float


@dataclass(frozen=True)
class BootstrapResult:
    """The version already in production, or what was trained and promoted (or why not)."""

    existing_version: str | None
    trained: tuple[TrainedModel, ...] = ()
    promoted_version: str | None = None
    refusal: str | None = None  # why no trained version could be promoted


def ensure_production_model(
    settings: Settings,
    user: str,
    *,
    gold: pd.DataFrame | None = None,
    on_training: Callable[[], None] | None = None,
) -> BootstrapResult:
    """Train every preset and promote the best gate-passing version when none is in production."""
    from models.errors import ModelsError
    from models.predictions import production_version
    from models.registry import promote
    from models.training import train_presets

    current = production_version(settings)
    if current is not None:
        return BootstrapResult(str(current))
    if on_training is not None:
        on_training()
    trained = tuple(
        TrainedModel(t.preset, t.version, t.metrics[MACRO_F1], t.metrics[RECALL_CRITICAL])
        for t in train_presets(settings, gold=gold)
    )
    try:
        promoted = promote(settings, user=user)
    except ModelsError as exc:
        return BootstrapResult(None, trained, refusal=str(exc))
    return BootstrapResult(None, trained, promoted_version=promoted.version)

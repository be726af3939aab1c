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

FIRST_LIST = (
    "primeira lista: melhor versão aprovada na verificação (escolhida na validação dos anos de "
    "treino)"
)
FIRST_LIST_OVERRIDE = (
    "primeira lista: nenhuma versão passou na verificação de qualidade; promovida como exceção "
    "a melhor na validação dos anos de treino"
)


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
    override: str | None = None  # why the promoted version is a recorded exception to the gate


def ensure_production_model(
    settings: Settings,
    user: str,
    *,
    gold: pd.DataFrame | None = None,
    on_training: Callable[[], None] | None = None,
) -> BootstrapResult:
    """Train every preset and promote the best gate-passing version when none is in production."""
    from models.errors import ModelsError, NoVersionPassesGateError
    from models.predictions import production_version
    from models.registry import best_candidate, list_versions, promote
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
        promoted = promote(settings, user=user, reason=FIRST_LIST)
    except NoVersionPassesGateError as exc:
        # The first list still has to exist: the best version on the training years, promoted
        # as a recorded exception that Modelos shows until a version passes.
        candidate = best_candidate(list_versions(settings))
        if candidate is None:
            return BootstrapResult(None, trained, refusal=str(exc))
        promoted = promote(settings, candidate.version, user=user, reason=FIRST_LIST_OVERRIDE)
        return BootstrapResult(None, trained, promoted.version, override=str(exc))
    except ModelsError as exc:
        return BootstrapResult(None, trained, refusal=str(exc))
    return BootstrapResult(None, trained, promoted_version=promoted.version)

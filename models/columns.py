"""The prediction contract: columns of the ``predictions`` table and of every frame read from it,
and the risk classes a list flags.

The one home of these names downstream of gold, in the pattern of ``pipeline/columns.py``:
scoring writes them, ``models.predictions`` reads them, the dashboard, the sidecar and the
exports show them. Imports nothing heavy.
"""

from __future__ import annotations

from typing import Final

from pipeline import columns as c

MODEL_VERSION: Final = "model_version"
P_CRITICAL: Final = "p_critical"
P_ALERT: Final = "p_alert"
P_EXPECTED: Final = "p_expected"
CLASSE: Final = "classe"
RISK_SCORE: Final = "risk_score"
RANK: Final = "rank"
REASONS: Final = "reasons"
SCORED_AT: Final = "scored_at"

# One probability per class, in the order of ``pipeline.columns.CLASSES``.
PROBABILITIES: Final = (P_CRITICAL, P_ALERT, P_EXPECTED)
# What a scorer returns per student (the model's answer, before identity and rank).
SCORED_FIELDS: Final = (CLASSE, *PROBABILITIES, RISK_SCORE, REASONS)
# Columns of the ``predictions`` table, in order.
PREDICTION_COLUMNS: Final = (
    MODEL_VERSION,
    c.RA,
    c.ANO,
    c.NOME,
    c.FASE,
    c.TURMA,
    *PROBABILITIES,
    CLASSE,
    RISK_SCORE,
    RANK,
    REASONS,
    SCORED_AT,
)

# The classes a risk list flags for follow-up ("Crítico" and "Alerta").
AT_RISK_CLASSES: Final = (c.CRITICAL, c.ALERT)

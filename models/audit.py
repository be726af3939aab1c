"""Group audit (Aequitas-style) of a test year at the decision threshold.

Binary view: flagged = predicted Critical or Alert, positive = truly Critical or Alert. Per group
of ``genero``, ``instituicao`` and phase band: FNR, FPR and precision, their ratio to the largest
group, flagged outside [0.8, 1.25] when both groups have at least 30 students — counted in the
rate's own denominator (positives for FNR, negatives for FPR, flagged for precision), because a
rate over two students says nothing. Small groups stay in the table, marked as small.

The promotion gate blocks only *harmful* disparities of the metrics in ``GATED_DISPARITIES``: the
list is an assistive intervention, so the harm is an at-risk student who is not on it — a group
whose FNR is more than 1.25 times the reference group's and at least 5 points higher (Aequitas'
fairness tree for assistive interventions; the gap keeps ratios of tiny rates from blocking).
Every other flag is reported in the table and the UI, not blocking.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
import pandas as pd

from models import columns as pc
from pipeline import columns as c

MIN_GROUP: Final = 30
RATIO_LOW: Final = 0.8
RATIO_HIGH: Final = 1.25
AUDIT_METRICS: Final = ("fnr", "fpr", "precision")
GATED_DISPARITIES: Final = ("fnr",)
MIN_HARM_GAP: Final = 0.05  # and at least 5 points worse: ratios of tiny rates are noise
PHASE_BAND: Final = "faixa_fase"
MISSING_GROUP: Final = "não informado"
AUDIT_COLUMNS: Final = (
    "atributo",
    "grupo",
    "n",
    "pequeno",
    "positivos",
    "sinalizados",
    *AUDIT_METRICS,
    "grupo_referencia",
    *(f"{m}_razao" for m in AUDIT_METRICS),
    "disparidade",
    "metricas_disparidade",
    "disparidade_prejudicial",
)


def phase_band(fase: pd.Series) -> pd.Series:
    """Fases 0–2 / 3–5 / 6–9 (missing → 'não informado')."""
    values = pd.to_numeric(fase, errors="coerce")
    band = np.select(
        [values <= 2, values <= 5, values <= 9], ["fases 0-2", "fases 3-5", "fases 6-9"], ""
    )
    return pd.Series(band, index=fase.index).replace("", MISSING_GROUP)


def _rates(positive: pd.Series, flagged: pd.Series) -> dict[str, float]:
    tp = float((positive & flagged).sum())
    fn = float((positive & ~flagged).sum())
    fp = float((~positive & flagged).sum())
    tn = float((~positive & ~flagged).sum())
    return {
        "fnr": fn / (tp + fn) if tp + fn else np.nan,
        "fpr": fp / (fp + tn) if fp + tn else np.nan,
        "precision": tp / (tp + fp) if tp + fp else np.nan,
        "n_fnr": tp + fn,
        "n_fpr": fp + tn,
        "n_precision": tp + fp,
    }


def _harmful(metric: str, value: float, ref: float, low: float, high: float) -> bool:
    """Worse for the group than for the reference by the ratio rule and by ``MIN_HARM_GAP``."""
    if metric == "precision":
        return value < ref * low and ref - value >= MIN_HARM_GAP
    return value > ref * high and value - ref >= MIN_HARM_GAP


def group_audit(
    frame: pd.DataFrame,
    y_true: pd.Series,
    y_pred: pd.Series,
    *,
    min_group: int = MIN_GROUP,
    low: float = RATIO_LOW,
    high: float = RATIO_HIGH,
) -> pd.DataFrame:
    """One row per (attribute, group); ``frame`` carries genero, instituicao and fase."""
    positive = y_true.isin(pc.AT_RISK_CLASSES).to_numpy()
    flagged = y_pred.isin(pc.AT_RISK_CLASSES).to_numpy()
    groups = {
        c.GENERO: frame[c.GENERO].astype("string").fillna(MISSING_GROUP),
        c.INSTITUICAO: frame[c.INSTITUICAO].astype("string").fillna(MISSING_GROUP),
        PHASE_BAND: phase_band(frame[c.FASE]),
    }
    rows: list[dict[str, Any]] = []
    for attribute, values in groups.items():
        labels = values.to_numpy()
        stats: list[dict[str, Any]] = []
        for group in sorted(set(labels)):
            mask = labels == group
            pos = pd.Series(positive[mask])
            flg = pd.Series(flagged[mask])
            stats.append(
                {
                    "atributo": attribute,
                    "grupo": str(group),
                    "n": int(mask.sum()),
                    "positivos": int(pos.sum()),
                    "sinalizados": int(flg.sum()),
                    **_rates(pos, flg),
                }
            )
        reference = max(stats, key=lambda s: int(s["n"]))
        for stat in stats:
            n = int(stat["n"])
            small = n < min_group
            flagged_metrics = []
            harmful = []
            for metric in AUDIT_METRICS:
                ref = float(reference[metric])
                value = float(stat[metric])
                ratio = value / ref if ref > 0 and not np.isnan(value) else np.nan
                stat[f"{metric}_razao"] = ratio
                both_large = min(stat[f"n_{metric}"], reference[f"n_{metric}"]) >= min_group
                if both_large and not small and not np.isnan(ratio) and not low <= ratio <= high:
                    flagged_metrics.append(metric)
                    if metric in GATED_DISPARITIES and _harmful(metric, value, ref, low, high):
                        harmful.append(metric)
            stat |= {
                "pequeno": small,
                "grupo_referencia": str(reference["grupo"]),
                "disparidade": bool(flagged_metrics),
                "metricas_disparidade": ",".join(flagged_metrics),
                "disparidade_prejudicial": ",".join(harmful),
            }
            rows.append(stat)
    return pd.DataFrame(rows).loc[:, list(AUDIT_COLUMNS)]


def flagged_disparities(audit: pd.DataFrame) -> list[str]:
    """Readable list of every flagged (attribute, group, metrics) disparity."""
    flagged = audit[audit["disparidade"].astype(bool)]
    return [
        f"{row.atributo}={row.grupo} ({row.metricas_disparidade})"
        for row in flagged.itertuples(index=False)
    ]


def harmful_disparities(audit: pd.DataFrame) -> list[str]:
    """The flagged disparities the promotion gate blocks on (see the module docstring)."""
    harmful = audit[audit["disparidade_prejudicial"].astype(str) != ""]
    return [
        f"{row.atributo}={row.grupo} ({row.disparidade_prejudicial})"
        for row in harmful.itertuples(index=False)
    ]

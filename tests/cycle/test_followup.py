"""The follow-up arithmetic on a hand-made list (every count checked by hand)."""

from __future__ import annotations

import pandas as pd
import pytest

from cycle.followup import follow_up


def _list() -> pd.DataFrame:
    classes = ["critical", "critical", "alert", "alert", "expected", "expected", "expected"]
    return pd.DataFrame(
        {
            "ra": [f"RA-{i}" for i in range(1, 8)],
            "nome": [f"Aluno {i}" for i in range(1, 8)],
            "rank": range(1, 8),
            "classe": classes,
            "model_version": "3",
        }
    )


def test_counts_precision_recall_and_by_class() -> None:
    truth = pd.DataFrame(
        {
            # RA-2 left; RA-1 critical (exact), RA-3 critical (lagged, not exact), RA-4 expected,
            # RA-5 alert (missed), RA-6 expected, RA-7 critical (missed)
            "ra": ["RA-1", "RA-3", "RA-4", "RA-5", "RA-6", "RA-7"],
            "real": ["critical", "critical", "expected", "alert", "expected", "critical"],
        }
    )
    result = follow_up(_list(), truth, 2023, "3")
    assert (result.flagged, result.known, result.flagged_lagged) == (4, 3, 2)
    assert (result.missed, result.not_seen) == (2, 1)
    assert result.precision == pytest.approx(2 / 3)
    assert result.recall == pytest.approx(2 / 4)
    crit, alert = result.by_class["critical"], result.by_class["alert"]
    assert (crit.flagged, crit.known, crit.exact, crit.missed) == (2, 1, 1, 1)
    assert crit.recall == pytest.approx(1 / 3)  # RA-1 of RA-1, RA-3, RA-7
    assert (alert.flagged, alert.flagged_lagged, alert.exact, alert.missed) == (2, 1, 0, 1)
    summary = result.summary()
    assert sorted(s["ra"] for s in summary["missed_students"]) == ["RA-5", "RA-7"]
    assert sorted(s["ra"] for s in summary["flagged_lagged_students"]) == ["RA-1", "RA-3"]
    assert {
        "ano",
        "model_version",
        "flagged",
        "flagged_lagged",
        "missed",
        "precision",
        "recall",
    } <= set(summary)


def test_nobody_seen_next_year_gives_no_rates() -> None:
    result = follow_up(_list(), pd.DataFrame({"ra": [], "real": []}), 2023, "3")
    assert result.precision is None and result.recall is None and result.not_seen == 7

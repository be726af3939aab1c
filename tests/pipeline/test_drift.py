"""Drift: parsing Evidently's results (pure) and one real report on a small synthetic gold."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from config import Settings
from pipeline import drift
from pipeline.ingest import ingest
from pipeline.plan import Upload
from pipeline.status import pipeline_status
from pipeline.store import drift_columns, engine_for
from tests.conftest import sheet_2023


def test_parse_snapshot_reads_value_drift_and_lists_unmeasured_columns() -> None:
    snapshot = {
        "metrics": [
            {
                "config": {"type": "evidently:metric_v2:DriftedColumnsCount"},
                "value": {"share": 0.5},
            },
            {
                "config": {
                    "type": "evidently:metric_v2:ValueDrift",
                    "column": "iaa",
                    "method": "wasserstein",
                    "threshold": 0.1,
                },
                "value": 0.4,
            },
            {
                "config": {
                    "type": "evidently:metric_v2:ValueDrift",
                    "column": "pedra",
                    "method": "jensenshannon",
                    "threshold": 0.1,
                },
                "value": 0.02,
            },
        ]
    }
    columns = drift.parse_snapshot(snapshot, ["iaa", "pedra"])
    by_name = {col.column: col for col in columns}
    assert by_name["iaa"].drifted and not by_name["pedra"].drifted
    assert by_name["ipp"].method == drift.NOT_MEASURED and by_name["ipp"].score is None
    assert columns[0].column == "iaa"  # drifted columns first
    assert drift.drift_share(columns) == pytest.approx(0.5)


@pytest.mark.slow
def test_pending_drift_reports_are_finished_and_stored(
    settings: Settings, workbook: Callable[..., bytes]
) -> None:
    shifted = sheet_2023(80, start=1).rename(
        columns={"INDE 2023": "INDE 2024", "Pedra 2023": "Pedra 2024"}
    )
    shifted["IAA"] = 2.0  # a clear shift
    ingest(
        [
            Upload(
                "PEDE.xlsx", workbook({"PEDE2023": sheet_2023(80, start=50), "PEDE2024": shifted})
            )
        ],
        settings,
    )
    assert drift.pending_years(settings) == [2024]
    outcomes = drift.run_pending_drift(settings)
    assert [o.ano for o in outcomes] == [2024]
    outcome = outcomes[0]
    assert outcome.html_path.exists() and outcome.json_path.exists()
    assert "<html" in outcome.html_path.read_text()[:2000].lower()
    iaa = next(col for col in outcome.columns if col.column == "iaa")
    assert iaa.drifted and iaa.method == drift.NUMERIC_METHOD
    assert drift.pending_years(settings) == []
    status = pipeline_status(settings)
    assert status["drift"][0]["status"] == "done"
    with engine_for(settings).connect() as conn:
        stored = conn.execute(select(drift_columns.c.column_name, drift_columns.c.drifted)).all()
    assert ("iaa", True) in stored
    assert drift.run_pending_drift(settings) == []  # nothing left to do

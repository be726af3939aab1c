"""The real backends: the ``models`` package for predictions and models, the database for status.

Imports of ``models`` stay inside the methods: the registry and scoring pull in MLflow and
scikit-learn, which only a (re)load of the model needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from config import Settings
from models.names import PRODUCTION
from sidecar.services import PipelineState, Scorer


class ModelsPackageBackend:
    """Predictions through ``models.predictions`` (the function the dashboard and CLI share)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def production_version(self) -> str | None:
        from models.predictions import production_version

        return production_version(self._settings)

    def read_predictions(self) -> pd.DataFrame:
        from models.predictions import read_predictions

        return read_predictions(self._settings)

    def read_year(self, ano: int) -> pd.DataFrame:
        from models.predictions import read_predictions

        return read_predictions(self._settings, ano=ano)

    def copy_warnings(self) -> Mapping[int, list[str]]:
        from cycle.copies import open_copy_warnings

        return open_copy_warnings(self._settings)

    def model_info(self, version: str) -> Mapping[str, Any]:
        """Registry facts of one version: preset, params, temporal test metrics, promotion."""
        from models import tracking
        from models.names import MODEL_NAME
        from models.predictions import read_audit_log
        from models.registry import list_versions

        info = next((v for v in list_versions(self._settings) if v.version == version), None)
        if info is None:
            from models.errors import UnknownVersionError

            raise UnknownVersionError(version, [])
        client = tracking.client(self._settings)
        with tracking.store_errors(self._settings.tracking_uri):
            params = dict(client.get_run(info.run_id).data.params)
        audit = read_audit_log(self._settings)
        mine = audit[audit["version"] == version]
        last = mine.iloc[0] if len(mine) else None
        return {
            "name": MODEL_NAME,
            "version": version,
            "alias": PRODUCTION,
            "preset": info.preset or None,
            "params": params,
            "metrics": {k: float(v) for k, v in info.metrics.items()},
            "promoted_by": None if last is None else str(last["user"]),
            "promoted_at": None if last is None else _iso(last["at"]),
            "promoted_reason": None if last is None else str(last["reason"]),
        }

    def load_scorer(self, version: str) -> Scorer:
        """The registered model of ``version``; gold supplies the history of records with an RA."""
        from models.scoring import load_model

        scorer = RiskModelScorer(load_model(self._settings, version), self._settings)
        scorer.history()  # read gold now, not on the first request
        return scorer


class RiskModelScorer:
    """Scores records through ``models.scoring.predict_records`` (the batch scoring path).

    Earlier years come from gold, re-read when a pipeline run republishes it.
    """

    def __init__(self, model: Any, settings: Settings) -> None:
        self._model = model
        self._settings = settings
        self._history: tuple[float, pd.DataFrame] | None = None

    def history(self) -> pd.DataFrame | None:
        from models.dataset import gold_path, load_gold
        from models.errors import NoGoldError

        try:
            stamp = gold_path(self._settings).stat().st_mtime
        except FileNotFoundError:
            return None
        cached = self._history
        if cached is None or cached[0] != stamp:
            try:
                cached = (stamp, load_gold(self._settings))
            except NoGoldError:
                return None
            self._history = cached  # one assignment: concurrent scorers see old or new
        return cached[1]

    def score(self, records: pd.DataFrame) -> pd.DataFrame:
        from models.scoring import predict_records

        return predict_records(self._model, records, self.history())


def _iso(value: Any) -> str | None:
    if value is None or pd.isna(value):
        return None
    moment = pd.Timestamp(value)
    if moment.tzinfo is None:
        moment = moment.tz_localize(UTC)  # SQLite drops the zone; models writes UTC
    return str(moment.isoformat())


class DatabasePipelineBackend:
    """Pipeline facts from the feature-store database (``pipeline.status``)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def ping(self) -> None:
        from sqlalchemy import text

        from pipeline.store import engine_for

        with engine_for(self._settings).connect() as conn:
            conn.execute(text("SELECT 1"))

    def state(self) -> PipelineState:
        from pipeline.status import pipeline_status

        status = pipeline_status(self._settings)
        shares = {
            int(d["ano"]): float(d["drift_share"])
            for d in status["drift"]
            if d.get("drift_share") is not None
        }
        last = status.get("last_success_at")
        if isinstance(last, datetime) and last.tzinfo is None:
            last = last.replace(tzinfo=UTC)  # SQLite drops the zone; the pipeline writes UTC
        return PipelineState(
            years=tuple(int(y) for y in status["years"]),
            last_success_at=last if isinstance(last, datetime) else None,
            drift_shares=shares,
        )

"""What the routes use: an in-memory snapshot of the production predictions, swapped whole.

The predictions of the production version are read once through ``models`` (the same function the
dashboard and ``passos risk-list`` use), turned into a frozen :class:`Snapshot` (RA → row, the
ranked list, the JSON of every row) and published with one reference assignment. A reload builds a
complete new snapshot beside the old one, so a request sees either the old or the new one, never a
mix, and a failed reload leaves the old one serving.
"""

from __future__ import annotations

import json
import logging
import math
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import pandas as pd

from models import columns as pc
from models.errors import NoProductionModelError
from pipeline import columns as c
from sidecar.errors import (
    DatabaseUnavailableError,
    ModelLoadError,
    ModelLoadingError,
    PredictionsNotReadyError,
    ServiceUnavailableError,
    SidecarError,
    from_domain,
    no_production_model,
)

logger = logging.getLogger(__name__)

PREDICTION_FIELDS = (
    c.RA,
    c.ANO,
    pc.CLASSE,
    *pc.PROBABILITIES,
    pc.RISK_SCORE,
    pc.RANK,
    pc.REASONS,
    pc.MODEL_VERSION,
)


class Scorer(Protocol):
    """The loaded production model, scoring silver-like records with the training feature code."""

    def score(self, records: pd.DataFrame) -> pd.DataFrame:
        """One row per record (same order) with ``classe, p_*, risk_score, reasons``."""
        ...


class ModelBackend(Protocol):
    """The part of ``models`` the sidecar needs (default: ``backends.ModelsPackageBackend``)."""

    def production_version(self) -> str | None: ...

    def read_predictions(self) -> pd.DataFrame: ...

    def read_year(self, ano: int) -> pd.DataFrame:
        """The list given for an earlier year (empty when none was published)."""
        ...

    def copy_warnings(self) -> Mapping[int, Sequence[str]]:
        """Warnings of the years flagged as probable copies and not reviewed, by year."""
        ...

    def model_info(self, version: str) -> Mapping[str, Any]: ...

    def load_scorer(self, version: str) -> Scorer: ...


class PipelineBackend(Protocol):
    """Database reachability and the pipeline facts exposed by ``/health`` and ``/metrics``."""

    def ping(self) -> None: ...

    def state(self) -> PipelineState: ...


@dataclass(frozen=True, slots=True)
class PipelineState:
    """Years loaded, when the pipeline last succeeded and the drift share of each year."""

    years: tuple[int, ...] = ()
    last_success_at: datetime | None = None
    drift_shares: Mapping[int, float] = field(default_factory=dict)

    @property
    def latest_year(self) -> int | None:
        return max(self.years) if self.years else None


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything served for one production version; immutable once published."""

    version: str
    info: Mapping[str, Any]
    rows: tuple[Mapping[str, Any], ...]
    by_ra: Mapping[str, Mapping[str, Any]]
    encoded: Mapping[str, tuple[bytes, str]]  # RA → (JSON body, classe)
    scorer: Scorer | None
    loaded_at: datetime  # when the model (or, before it loads, the predictions) was loaded
    scored_at: datetime | None = None
    # Open probable-copy warnings by data year (no student data), read with the predictions.
    year_warnings: Mapping[int, tuple[str, ...]] = field(default_factory=dict)

    @property
    def warnings(self) -> list[str]:
        """The warnings of the served year's predictions."""
        return self.warnings_of([self.ano] if self.ano is not None else [])

    def warnings_of(self, years: Iterable[int | None]) -> list[str]:
        """The warnings of predictions about these data years, each once, in year order."""
        wanted = sorted({int(y) for y in years if y is not None})
        return [text for y in wanted for text in self.year_warnings.get(y, ())]

    @property
    def ano(self) -> int | None:
        return int(self.rows[0][c.ANO]) if self.rows else None

    @property
    def at_risk(self) -> dict[str, int]:
        counts = dict.fromkeys(pc.AT_RISK_CLASSES, 0)
        for row in self.rows:
            if row[pc.CLASSE] in counts:
                counts[row[pc.CLASSE]] += 1
        return counts

    def ranked(self, classes: Sequence[str] | None, top: int | None) -> list[Mapping[str, Any]]:
        """The ranked list filtered by class, then cut at ``top`` (as ``read_predictions``)."""
        return ranked(self.rows, classes, top)


def ranked(
    rows: Sequence[Mapping[str, Any]], classes: Sequence[str] | None, top: int | None
) -> list[Mapping[str, Any]]:
    """Ranked rows filtered by class, then cut at ``top`` (as ``read_predictions``)."""
    wanted = set(classes) if classes else None
    kept = [r for r in rows if wanted is None or r[pc.CLASSE] in wanted]
    return kept if top is None else kept[:top]


@dataclass(frozen=True, slots=True)
class RefreshOutcome:
    """What a refresh did: whether the served snapshot changed, and between which versions."""

    changed: bool
    version: str
    previous_version: str | None


def encode_json(payload: Any) -> bytes:
    """The exact bytes Starlette's ``JSONResponse`` would send for ``payload``."""
    return json.dumps(
        payload, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
    ).encode("utf-8")


def _json_value(value: Any) -> Any:
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item() if getattr(value, "ndim", 0) == 0 else value.tolist()
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def reasons_list(value: Any) -> list[str]:
    """Reasons as a list of sentences, whatever container the predictions table used."""
    value = _json_value(value)
    if value is None:
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            parsed = json.loads(text)
            return [str(item) for item in parsed]
        return [part.strip() for part in text.split(";") if part.strip()] if text else []
    if isinstance(value, Iterable):
        return [str(item) for item in value]
    return [str(value)]


def prediction_rows(frame: pd.DataFrame) -> tuple[dict[str, Any], ...]:
    """Predictions table rows as JSON-ready dicts with exactly ``PREDICTION_FIELDS``."""
    missing = [name for name in PREDICTION_FIELDS if name not in frame.columns]
    if missing:
        raise ServiceUnavailableError(
            f"A tabela de previsões não tem as colunas esperadas ({', '.join(missing)})."
        )
    rows = []
    for record in frame.loc[:, list(PREDICTION_FIELDS)].to_dict(orient="records"):
        row = {str(k): _json_value(v) for k, v in record.items()}
        row[c.RA] = str(row[c.RA])
        row[pc.REASONS] = reasons_list(record[pc.REASONS])
        row[pc.MODEL_VERSION] = str(row[pc.MODEL_VERSION])
        rows.append(row)
    return tuple(rows)


def build_snapshot(
    backend: ModelBackend, previous: Snapshot | None, *, force: bool, with_model: bool = True
) -> Snapshot | None:
    """A new snapshot of the production predictions, or ``None`` when nothing changed.

    The model is (re)loaded when the production version changed, when the served snapshot has
    none yet, or when ``force`` is set; a failure to load it raises :class:`ModelLoadError` and
    the caller keeps ``previous``. ``with_model=False`` (first start only) publishes the
    predictions at once and leaves the slow MLflow load to the next refresh.
    """
    version = backend.production_version()
    if version is None:
        raise NoProductionModelError()
    frame = backend.read_predictions()
    versions = set(frame[pc.MODEL_VERSION].astype(str)) if pc.MODEL_VERSION in frame else set()
    if versions and versions != {version}:
        # A promotion landed between the two reads: try again at the next refresh.
        raise ServiceUnavailableError(
            "Uma promoção de modelo está em andamento; tente de novo em alguns segundos."
        )
    rows = prediction_rows(frame)
    year_warnings = {int(y): tuple(w) for y, w in backend.copy_warnings().items()}
    info: Mapping[str, Any] = {}
    scorer: Scorer | None = None
    loaded_at = datetime.now(UTC)
    reuse = (
        previous is not None
        and previous.version == version
        and previous.scorer is not None
        and not force
    )
    if reuse and previous is not None:
        if previous.rows == rows and previous.year_warnings == year_warnings:
            return None
        info, scorer, loaded_at = previous.info, previous.scorer, previous.loaded_at
    elif with_model:
        info, scorer = _load_model(backend, version, previous)
    return Snapshot(
        version=version,
        info=info,
        rows=rows,
        by_ra={str(row[c.RA]): row for row in rows},
        encoded={str(row[c.RA]): (encode_json(row), str(row[pc.CLASSE])) for row in rows},
        scorer=scorer,
        loaded_at=loaded_at,
        scored_at=_latest_timestamp(frame, pc.SCORED_AT),
        year_warnings=year_warnings,
    )


def _latest_timestamp(frame: pd.DataFrame, column: str) -> datetime | None:
    if column not in frame.columns or frame.empty:
        return None
    latest = pd.to_datetime(frame[column], utc=True).max()
    return None if pd.isna(latest) else latest.to_pydatetime()


def _load_model(
    backend: ModelBackend, version: str, previous: Snapshot | None
) -> tuple[Mapping[str, Any], Scorer]:
    try:
        info = dict(backend.model_info(version))
        scorer = backend.load_scorer(version)
    except SidecarError:
        raise
    except Exception as exc:  # any failure of the new model: report it, keep the old one
        if is_database_error(exc):
            raise DatabaseUnavailableError() from exc
        if previous is None:
            kept = " Nenhuma versão está sendo servida."
        elif previous.scorer is None:
            kept = (
                " As previsões já calculadas continuam disponíveis; o serviço tenta carregar "
                "o modelo de novo sozinho."
            )
        else:
            kept = f" A versão {previous.version} continua em uso."
        detail = " ".join(str(exc).split())[:200]
        raise ModelLoadError(
            f"Não foi possível carregar a versão {version} do modelo "
            f"({type(exc).__name__}: {detail}).{kept}"
        ) from exc
    return info, scorer


def is_database_error(exc: BaseException) -> bool:
    """True for the errors of an unreachable or locked database (any SQLAlchemy dialect)."""
    from sqlalchemy.exc import DBAPIError

    return isinstance(exc, DBAPIError | ConnectionError)


def as_sidecar_error(exc: Exception) -> SidecarError:
    """Any failure while reading the predictions as the error a client receives."""
    known = from_domain(exc)
    if known is not None:
        return known
    if is_database_error(exc):
        return DatabaseUnavailableError()
    return ServiceUnavailableError(
        f"Não foi possível ler as previsões do modelo em produção ({type(exc).__name__}). "
        "O serviço tenta de novo sozinho."
    )


class PredictionService:
    """Holds the published snapshot; refreshes are serialised, reads never wait."""

    def __init__(self, backend: ModelBackend) -> None:
        self._backend = backend
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()
        self.last_error: SidecarError | None = None
        self.model_error: SidecarError | None = None

    @property
    def snapshot(self) -> Snapshot | None:
        return self._snapshot

    def current(self) -> Snapshot:
        """The snapshot to serve, or the reason there is none (→ 503)."""
        snapshot = self._snapshot
        if snapshot is None:
            raise self.last_error or no_production_model()
        if not snapshot.rows:
            raise PredictionsNotReadyError(snapshot.version)
        return snapshot

    def with_model(self) -> Snapshot:
        """The snapshot if its model is loaded, or why not (loading → 503, failed → 500)."""
        snapshot = self._snapshot
        if snapshot is None:
            raise self.last_error or no_production_model()
        if snapshot.scorer is None:
            raise self.model_error or ModelLoadingError(snapshot.version)
        return snapshot

    def refresh(self, *, force: bool = False, with_model: bool = True) -> RefreshOutcome:
        """Build and publish a new snapshot when the production predictions changed.

        Blocking (database, MLflow): call it from a worker thread. Raises a
        :class:`SidecarError` and keeps serving the previous snapshot on failure.
        """
        with self._lock:
            previous = self._snapshot
            try:
                new = build_snapshot(self._backend, previous, force=force, with_model=with_model)
            except Exception as exc:
                error = as_sidecar_error(exc)
                self.last_error = error
                if isinstance(error, ModelLoadError) and previous and previous.scorer is None:
                    self.model_error = error  # predictions are served, the model is not
                raise error from exc
            self.last_error = None
            if new is not None and new.scorer is not None:
                self.model_error = None
            if new is None:
                assert previous is not None  # build_snapshot returns None only for an unchanged one
                return RefreshOutcome(False, previous.version, previous.version)
            self._snapshot = new  # the one assignment readers observe
        old = previous.version if previous else None
        logger.info("predições publicadas: versão %s (antes: %s)", new.version, old)
        return RefreshOutcome(True, new.version, old)

    def year_rows(self, ano: int) -> tuple[tuple[Mapping[str, Any], ...], datetime | None]:
        """The list given for ``ano`` and when it was scored: the snapshot for the served year,
        else read now (blocking: run in a thread; earlier years are rare reads, not cached)."""
        snapshot = self.current()
        if snapshot.ano == ano:
            return snapshot.rows, snapshot.scored_at
        try:
            frame = self._backend.read_year(ano)
        except Exception as exc:
            raise as_sidecar_error(exc) from exc
        if frame.empty:
            return (), None
        return prediction_rows(frame), _latest_timestamp(frame, pc.SCORED_AT)

    def score(self, records: Sequence[Mapping[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
        """Score feature records with the served model version (blocking: run in a thread)."""
        snapshot = self.with_model()
        assert snapshot.scorer is not None
        frame = pd.DataFrame(list(records))
        scored = snapshot.scorer.score(frame)
        out = []
        for position, record in enumerate(scored.loc[:, list(pc.SCORED_FIELDS)].to_dict("records")):
            row: dict[str, Any] = {c.RA: records[position].get(c.RA)}
            row |= {str(k): _json_value(v) for k, v in record.items()}
            row[pc.REASONS] = reasons_list(record[pc.REASONS])
            row[pc.MODEL_VERSION] = snapshot.version
            out.append(row)
        return snapshot.version, out


class StatusService:
    """The last known pipeline state (for metrics) and live database checks (for health)."""

    def __init__(self, backend: PipelineBackend) -> None:
        self._backend = backend
        self._state = PipelineState()
        self.database_ok: bool | None = None

    @property
    def state(self) -> PipelineState:
        return self._state

    def refresh(self) -> PipelineState:
        """Re-read the pipeline state (blocking); keeps the last one when the database fails."""
        try:
            state = self._backend.state()
        except Exception as exc:
            self.database_ok = False
            raise as_sidecar_error(exc) from exc
        self._state = state
        self.database_ok = True
        return state

    def ping(self) -> bool:
        """True when the database answers now (blocking)."""
        try:
            self._backend.ping()
        except Exception as exc:
            logger.warning("banco de dados não respondeu: %s", type(exc).__name__)
            self.database_ok = False
            return False
        self.database_ok = True
        return True

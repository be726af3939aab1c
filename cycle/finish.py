"""After a publish: drift reports of the pending years, then scoring with the production model.

Three ways to run them, one code path: now (``finish``), in a background thread owned by this
process (``start_background``: the dashboard, one job at a time), or in a detached process that
outlives the caller (``spawn_detached``: ``passos ingest`` returns at once). Every job is a row
in ``finish_runs`` (running → done | failed, with the stage and the error), so any front end can
say what is still running and what failed (``finish_status``).

Gold is read at most once per job: the run that published it hands its in-memory frame on
(``GoldSnapshot``), used as long as the file on disk is still the one that run published.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

import pandas as pd
from sqlalchemy import insert, update

from config import PROJECT_ROOT, Settings
from config.errors import PassosError
from pipeline.state import gold_path, gold_stamp, mark_finished, unfinished_runs
from pipeline.store import engine_for, finish_runs

if TYPE_CHECKING:
    from models.scoring import ScoreResult
    from pipeline.drift import DriftOutcome

log = logging.getLogger(__name__)

Progress = Callable[[str, str], None]  # (stage, message in Portuguese), as in pipeline.ingest
FinishState = Literal["idle", "queued", "running", "done", "failed", "interrupted"]
DRIFT: Final = "drift"
SCORING: Final = "scoring"
QUEUED: Final = "queued"
RUNNING: Final = "running"
DONE: Final = "done"
FAILED: Final = "failed"
FINISH_LOG: Final = "finish.log"


def _no_progress(_stage: str, _message: str) -> None:
    return None


@dataclass(frozen=True)
class GoldSnapshot:
    """The gold frame a run published, and the stamp of the file it was published as."""

    frame: pd.DataFrame = field(repr=False)
    stamp: int | None


@dataclass(frozen=True)
class FinishResult:
    """What a finishing job did: reports written, reports that failed, the scoring."""

    drift: tuple[DriftOutcome, ...]
    drift_errors: tuple[str, ...]
    scoring: ScoreResult | None
    scoring_error: str | None = None

    @property
    def ok(self) -> bool:
        return not self.drift_errors and self.scoring_error is None

    @property
    def errors(self) -> tuple[str, ...]:
        return self.drift_errors + ((self.scoring_error,) if self.scoring_error else ())


@dataclass(frozen=True)
class FinishStatus:
    """The last finishing job as a coordinator needs it, plus the drift reports still pending."""

    state: FinishState
    stage: str | None
    error: str | None
    started_at: datetime | None
    finished_at: datetime | None
    pending_drift: tuple[int, ...]

    @property
    def busy(self) -> bool:
        return self.state in (QUEUED, RUNNING)


def finish(
    settings: Settings,
    *,
    gold: GoldSnapshot | None = None,
    run_id: str | None = None,
    job_id: int | None = None,
    progress: Progress = _no_progress,
) -> FinishResult:
    """Run the pending drift reports, then scoring, now; the job and its failures are recorded."""
    pending_runs = unfinished_runs(settings)  # published runs (this one included) to close
    job = job_id if job_id is not None else _record_job(settings, run_id, RUNNING)
    _update_job(settings, job, status=RUNNING, stage=DRIFT)
    frame = current_gold(settings, gold)
    outcomes, drift_errors = _drift(settings, job, frame, progress)
    _update_job(settings, job, stage=SCORING)
    scoring: ScoreResult | None = None
    scoring_error = None
    try:
        scoring = _score(settings, frame, progress)
    except Exception as exc:  # recorded on the job and returned; the published data stays
        log.warning("scoring after publish failed: %s", type(exc).__name__)
        scoring_error = f"A pontuação dos alunos falhou: {_reason(exc)}"
    result = FinishResult(tuple(outcomes), tuple(drift_errors), scoring, scoring_error)
    _update_job(
        settings,
        job,
        status=DONE if result.ok else FAILED,
        stage=None if result.ok else (SCORING if scoring_error else DRIFT),
        error=" ".join(result.errors)[:1000] or None,
        finished_at=datetime.now(UTC),
    )
    if result.ok:  # a failed step leaves its runs pending: the next run or finish retries them
        mark_finished(settings, pending_runs)
    return result


def current_gold(settings: Settings, snapshot: GoldSnapshot | None) -> pd.DataFrame | None:
    """The snapshot while it is still the published gold; else gold read once from disk."""
    if snapshot is not None and snapshot.stamp is not None:
        if snapshot.stamp == gold_stamp(settings):
            return snapshot.frame
    path = gold_path(settings)
    return pd.read_parquet(path) if path.exists() else None


def _drift(
    settings: Settings, job: int, gold: pd.DataFrame | None, progress: Progress
) -> tuple[list[DriftOutcome], list[str]]:
    from pipeline.drift import failed_requests, pending_years, run_pending_drift

    pending = pending_years(settings)
    if not pending or gold is None:
        return [], []

    def started(year: int) -> None:
        progress(DRIFT, f"Preparando o relatório de drift de {year}")

    outcomes = run_pending_drift(settings, gold, on_start=started)
    failures = failed_requests(settings, [y for y in pending if y not in {o.ano for o in outcomes}])
    return outcomes, [
        f"O relatório de drift de {year} falhou ({error})." for year, error in failures
    ]


def _score(settings: Settings, gold: pd.DataFrame | None, progress: Progress) -> ScoreResult | None:
    from models.predictions import production_version

    if production_version(settings) is None:
        return None
    progress(SCORING, "Pontuando os alunos com o modelo em produção")
    from models.scoring import score_latest  # scikit-learn & co. only when there is a model

    return score_latest(settings, gold)


def _reason(exc: Exception) -> str:
    if isinstance(exc, PassosError):
        return str(exc)
    return f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"


# --- the job record ----------------------------------------------------------------------


def _worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _record_job(settings: Settings, run_id: str | None, status: str) -> int:
    with engine_for(settings).begin() as conn:
        inserted = conn.execute(
            insert(finish_runs).values(
                run_id=run_id,
                status=status,
                stage=None,
                worker=_worker(),
                started_at=datetime.now(UTC),
            )
        )
        key = inserted.inserted_primary_key
        assert key is not None  # an autoincrement insert always returns its key
        return int(key[0])


def _update_job(settings: Settings, job: int, **values: Any) -> None:
    with engine_for(settings).begin() as conn:
        conn.execute(update(finish_runs).where(finish_runs.c.id == job).values(**values))


def finish_status(settings: Settings) -> FinishStatus:
    """The last finishing job (a dead worker's job reads as interrupted) and pending reports."""
    from pipeline.drift import pending_years
    from pipeline.status import last_finish_run

    row = last_finish_run(settings)
    pending = tuple(pending_years(settings))
    if row is None:
        return FinishStatus("idle", None, None, None, None, pending)
    state: FinishState = row["status"]
    if state in (QUEUED, RUNNING) and not _alive(str(row["worker"])):
        state = "interrupted"
    return FinishStatus(
        state, row["stage"], row["error"], row["started_at"], row["finished_at"], pending
    )


def _alive(worker: str) -> bool:
    """Whether the process that owns a job still runs (only knowable on this host)."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- in the background -------------------------------------------------------------------

_lock = threading.Lock()
_queue: deque[tuple[Settings, GoldSnapshot | None, int]] = deque()
_thread: threading.Thread | None = None


def start_background(
    settings: Settings, gold: GoldSnapshot | None = None, run_id: str | None = None
) -> int:
    """Queue a finishing job on this process's worker thread (one job at a time); its id."""
    global _thread  # noqa: PLW0603 - one worker per process, by design
    job = _record_job(settings, run_id, QUEUED)
    with _lock:
        _queue.append((settings, gold, job))
        if _thread is None:
            _thread = threading.Thread(target=_drain, name="passos-finish", daemon=True)
            _thread.start()
    return job


def _drain() -> None:
    global _thread  # noqa: PLW0603
    while True:
        with _lock:
            if not _queue:
                _thread = None
                return
            settings, gold, job = _queue.popleft()
        try:
            finish(settings, gold=gold, job_id=job)
        except Exception as exc:  # e.g. the database went away: record it, keep the worker alive
            log.exception("background finishing job %s failed", job)
            try:
                _update_job(
                    settings,
                    job,
                    status=FAILED,
                    error=_reason(exc)[:1000],
                    finished_at=datetime.now(UTC),
                )
            except Exception:
                log.exception("could not record the failure of finishing job %s", job)


def wait_background(timeout: float | None = None) -> bool:
    """Block until this process's worker is idle (tests, and a clean shutdown); True if idle."""
    with _lock:
        thread = _thread
    if thread is not None:
        thread.join(timeout)
        return not thread.is_alive()
    return True


def spawn_detached(settings: Settings) -> Path:
    """``passos pipeline finish`` in its own session (the caller returns at once); its log."""
    log_path = settings.layer("reports") / FINISH_LOG
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log_file:
        subprocess.Popen(  # noqa: S603 - our own CLI, fixed arguments
            [sys.executable, "-m", "cli.main", "pipeline", "finish"],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            cwd=PROJECT_ROOT,
            env={**os.environ, "PASSOS_DATA_DIR": str(settings.data_dir)},
        )
    return log_path

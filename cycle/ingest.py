"""Preview an upload, then process it: the file is parsed once, at the preview.

``preview`` builds every file's plan (sheets, detected years, column mapping, rows set aside)
and writes nothing; ``process`` publishes those same plans (``pipeline.ingest.publish_plans``),
then finishes the drift reports and the scoring now, in the background or later, handing the
gold frame it published on so that gold is not read again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from config import Settings
from config.errors import PassosError
from cycle import finish as finishing
from pipeline.errors import InputFileError, YearUnknownError
from pipeline.ingest import READING, IngestResult, plan_upload, publish_plans
from pipeline.plan import FilePlan, SheetPlan, Upload
from pipeline.state import load_state

if TYPE_CHECKING:
    from cycle.finish import FinishResult

Finish = Literal["wait", "background", "detach", "defer"]
Finishing = Literal["wait", "background", "detach", "defer", "nothing"]


def _no_progress(_stage: str, _message: str) -> None:
    return None


@dataclass(frozen=True)
class FilePreview:
    """One uploaded file: its plan, or the one-line reason it cannot be loaded."""

    upload: Upload = field(repr=False)
    plan: FilePlan | None
    error: str | None = None
    needs_year: bool = False

    @property
    def name(self) -> str:
        return self.plan.name if self.plan else self.upload.name

    @property
    def content_hash(self) -> str:
        return self.plan.content_hash if self.plan else self.upload.content_hash

    @property
    def size(self) -> int:
        return len(self.upload.content)

    @property
    def already_ingested(self) -> bool:
        return bool(self.plan and self.plan.already_ingested)

    @property
    def sheets(self) -> list[SheetPlan]:
        return self.plan.sheets if self.plan else []

    @property
    def years(self) -> list[int]:
        return self.plan.years if self.plan else []


@dataclass(frozen=True)
class Preview:
    """What an upload would become, against what is published now; nothing was written."""

    files: tuple[FilePreview, ...]
    loaded_years: frozenset[int]

    @property
    def errors(self) -> list[str]:
        return [f.error for f in self.files if f.error]

    @property
    def new_years(self) -> list[int]:
        return sorted({y for f in self.files if not f.already_ingested for y in f.years})

    @property
    def years_to_replace(self) -> list[int]:
        return sorted(set(self.new_years) & self.loaded_years)

    @property
    def nothing_new(self) -> bool:
        return not self.new_years


@dataclass(frozen=True)
class ProcessResult:
    """The published run, and how its drift reports and scoring are being finished."""

    ingest: IngestResult
    finishing: Finishing
    finished: FinishResult | None = None  # when finished now ("wait")
    job_id: int | None = None  # the background job ("background")

    @property
    def changed(self) -> bool:
        return self.ingest.changed


def preview_file(
    upload: Upload,
    settings: Settings,
    year: int | None = None,
    known_hashes: frozenset[str] = frozenset(),
) -> FilePreview:
    """Parse one file and plan it; a file that cannot be loaded carries its reason."""
    try:
        plan = plan_upload(upload, settings, year=year, known_hashes=known_hashes)
    except YearUnknownError as exc:
        return FilePreview(upload, None, str(exc), needs_year=True)
    except PassosError as exc:
        return FilePreview(upload, None, str(exc))
    return FilePreview(upload, plan)


def preview(
    uploads: Sequence[Upload],
    settings: Settings,
    year: int | None = None,
    years_by_file: Mapping[str, int] | None = None,
    progress: finishing.Progress = _no_progress,
) -> Preview:
    """Plan every file against the published state (``year`` for sheets whose year is unknown)."""
    progress("landing", READING)
    state = load_state(settings)
    chosen = years_by_file or {}
    return Preview(
        tuple(
            preview_file(u, settings, chosen.get(u.name, year), state.content_hashes)
            for u in uploads
        ),
        state.loaded_years,
    )


def process(
    previewed: Preview | Sequence[FilePreview],
    settings: Settings,
    *,
    replace: bool = False,
    user: str = "cli",
    finish: Finish = "wait",
    progress: finishing.Progress = _no_progress,
    on_published: Callable[[IngestResult], None] | None = None,
    force: bool = False,
) -> ProcessResult:
    """Publish previewed files (no second parse), then finish drift and scoring as asked.

    ``finish``: ``wait`` runs them now; ``background`` on this process's worker thread (a
    long-lived caller such as the dashboard); ``detach`` in a separate process that outlives the
    caller (``passos ingest``); ``defer`` leaves them for ``passos pipeline finish``.
    ``on_published`` is told of the published run before the finishing starts.
    ``force`` accepts a new year much smaller than the last one (``SmallYearError`` otherwise).
    """
    files = previewed.files if isinstance(previewed, Preview) else tuple(previewed)
    errors = [f.error for f in files if f.error]
    if errors:
        _record_refusal(settings, user, errors[0])
        raise InputFileError(errors[0])
    planned = [(f.plan, f.upload) for f in files if f.plan is not None]
    result = publish_plans(
        planned, settings, replace=replace, user=user, progress=progress, force=force
    )
    if on_published is not None:
        on_published(result)
    if not result.changed and not result.unfinished_runs:
        return ProcessResult(result, "nothing")
    snapshot = (
        finishing.GoldSnapshot(result.gold, result.gold_stamp) if result.gold is not None else None
    )
    if finish == "wait":
        done = finishing.finish(settings, gold=snapshot, run_id=result.run_id, progress=progress)
        return ProcessResult(result, finish, finished=done)
    if finish == "background":
        job = finishing.start_background(settings, snapshot, result.run_id)
        return ProcessResult(result, finish, job_id=job)
    if finish == "detach":
        finishing.spawn_detached(settings)
    return ProcessResult(result, finish)


def _record_refusal(settings: Settings, user: str, reason: str) -> None:
    """A refused upload leaves a failed run in the history, as a refused ingest always did."""
    from pipeline.publish import record_failed_run

    settings.ensure_dirs()
    now = datetime.now(UTC)
    record_failed_run(settings, str(uuid.uuid4()), now, user, reason)

"""What an upload is and what it would become: the records ``ingest`` plans and ``publish`` writes.

They live apart from both so that ``publish`` needs nothing from ``ingest`` (which calls it).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from config import Settings
from pipeline.errors import InputFileError
from pipeline.readers import check_size
from pipeline.tables import TableLayout


@dataclass(frozen=True)
class Upload:
    """A file as the user gave it: its bare name and its bytes."""

    name: str
    content: bytes

    @classmethod
    def from_path(cls, path: Path, max_mb: int | None = None) -> Upload:
        """The file at ``path``; its size is checked before it is read (default: the setting)."""
        limit = Settings().max_upload_mb if max_mb is None else max_mb
        try:
            check_size(path.name, path.stat().st_size, limit)
            return cls(path.name, path.read_bytes())
        except OSError as exc:
            raise InputFileError(
                f"Não foi possível abrir '{path}': {exc.strerror}. Confira o caminho."
            ) from exc

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass
class SheetPlan:
    """What one sheet becomes: its year, how its headers mapped, and the rows set aside."""

    file_name: str
    sheet: str
    year: int
    rows: int
    mapping: dict[str, str | None]
    ignored_headers: list[str]
    bronze: pd.DataFrame = field(repr=False)
    silver: pd.DataFrame = field(repr=False)
    quarantine: pd.DataFrame = field(repr=False)
    # Where the table was found and what was left out (title lines, notes, empty columns).
    layout: TableLayout = field(default_factory=TableLayout)


@dataclass
class FilePlan:
    name: str
    content_hash: str
    size: int
    already_ingested: bool
    sheets: list[SheetPlan]

    @property
    def years(self) -> list[int]:
        return sorted(s.year for s in self.sheets)

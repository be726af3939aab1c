"""The ranked risk list as CSV or XLSX bytes — one builder for the CLI and the dashboard download.

A header block names the model version, the data year and when the predictions were made.
Text cells that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``,
tab or carriage return) are prefixed with ``'`` (OWASP CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Literal

import pandas as pd

from config import Settings
from models import columns as pc
from models.errors import ExportFormatError, ExportPathError, NoProductionModelError
from models.predictions import production_version, read_predictions
from pipeline import columns as c

Format = Literal["csv", "xlsx"]
FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")
CLASS_LABELS: Final = {c.CRITICAL: "Crítico", c.ALERT: "Alerta", c.EXPECTED: "Esperado"}
EXPORT_COLUMNS: Final = (
    "Posição",
    "RA",
    "Nome",
    "Fase",
    "Turma",
    "Classe de risco",
    "Risco de defasagem (%)",
    "Probabilidade de Crítico (%)",
    "Motivo 1",
    "Motivo 2",
    "Motivo 3",
)
CSV_SEPARATOR: Final = ";"  # what Excel in pt-BR expects


@dataclass(frozen=True)
class RiskListMeta:
    """What the header block of an export says."""

    model_version: str
    data_year: int
    scored_at: datetime | None
    exported_at: datetime
    classes: tuple[str, ...] = ()
    top: int | None = None

    def header_rows(self) -> list[tuple[str, str]]:
        chosen = ", ".join(CLASS_LABELS.get(k, k) for k in self.classes) or "todas"
        return [
            ("Lista de risco de defasagem - Passos Mágicos", ""),
            ("Versão do modelo", self.model_version),
            ("Ano dos dados", str(self.data_year)),
            ("Previsões calculadas em", _when(self.scored_at)),
            ("Exportado em", _when(self.exported_at)),
            ("Classes", chosen),
            ("Limite", "todos" if self.top is None else f"primeiros {self.top}"),
        ]


def _when(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime("%d/%m/%Y %H:%M")


def neutralise(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def risk_list_frame(predictions: pd.DataFrame) -> pd.DataFrame:
    """The export table (Portuguese headers) from ``read_predictions`` rows, cells neutralised."""
    reasons = [list(r) + [""] * (3 - len(r)) for r in predictions[pc.REASONS]]
    table = pd.DataFrame(
        {
            "Posição": predictions[pc.RANK].astype(int).to_numpy(),
            "RA": predictions[c.RA].astype(str).to_numpy(),
            "Nome": predictions[c.NOME].astype("string").fillna("").to_numpy(),
            "Fase": predictions[c.FASE].astype("Int64").to_numpy(),
            "Turma": predictions[c.TURMA].astype("string").fillna("").to_numpy(),
            "Classe de risco": [CLASS_LABELS.get(str(k), str(k)) for k in predictions[pc.CLASSE]],
            "Risco de defasagem (%)": (predictions[pc.RISK_SCORE] * 100).round(1).to_numpy(),
            "Probabilidade de Crítico (%)": (predictions[pc.P_CRITICAL] * 100).round(1).to_numpy(),
            "Motivo 1": [r[0] for r in reasons],
            "Motivo 2": [r[1] for r in reasons],
            "Motivo 3": [r[2] for r in reasons],
        },
        columns=list(EXPORT_COLUMNS),
    )
    text_columns = [col for col in table.columns if table[col].dtype == object]
    for col in text_columns:
        table[col] = table[col].map(neutralise)
    return table


def _csv(table: pd.DataFrame, header: Sequence[tuple[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_SEPARATOR, lineterminator="\r\n")
    for key, value in header:
        writer.writerow([neutralise(key), neutralise(value)])
    writer.writerow([])
    table.to_csv(buffer, sep=CSV_SEPARATOR, index=False, decimal=",", lineterminator="\r\n")
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel reads the accents


def _xlsx(table: pd.DataFrame, header: Sequence[tuple[str, str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Lista de risco"
    for key, value in header:
        sheet.append([neutralise(key), neutralise(value)])
    sheet.append([])
    sheet.append(list(table.columns))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in table.itertuples(index=False):
        cells = [None if pd.isna(v) else v for v in row]
        sheet.append(cells)
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula
    sheet["A1"].font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def risk_list_bytes(predictions: pd.DataFrame, meta: RiskListMeta, fmt: str) -> bytes:
    """The export file's bytes (``csv`` or ``xlsx``) for ``read_predictions`` rows."""
    table = risk_list_frame(predictions)
    header = meta.header_rows()
    if fmt == "csv":
        return _csv(table, header)
    if fmt == "xlsx":
        return _xlsx(table, header)
    raise ExportFormatError(fmt)


def build_risk_list(
    settings: Settings,
    fmt: str,
    classes: Sequence[str] | None = None,
    top: int | None = None,
) -> tuple[bytes, RiskListMeta]:
    """The production ranking (filtered) as export bytes plus its header metadata."""
    if fmt not in ("csv", "xlsx"):
        raise ExportFormatError(fmt)
    version = production_version(settings)
    if version is None:
        raise NoProductionModelError()
    rows = read_predictions(settings, classes=classes, top=top, version=version)
    scored_at = rows[pc.SCORED_AT].iloc[0] if len(rows) else None
    meta = RiskListMeta(
        model_version=version,
        data_year=int(rows[c.ANO].iloc[0]) if len(rows) else 0,
        scored_at=None if scored_at is None else pd.Timestamp(scored_at).to_pydatetime(),
        exported_at=datetime.now(UTC),
        classes=tuple(classes or ()),
        top=top,
    )
    return risk_list_bytes(rows, meta, fmt), meta


def write_export(path: Path, content: bytes) -> Path:
    """Write the bytes to ``path`` whole or not at all (``ExportPathError`` when it cannot)."""
    target = path.expanduser()
    partial = target.with_name(f".{target.name}.partial")
    try:
        if target.is_dir():
            raise IsADirectoryError(21, "o caminho é uma pasta")
        partial.write_bytes(content)
        partial.replace(target)
    except OSError as exc:
        if partial.parent.is_dir():
            partial.unlink(missing_ok=True)
        raise ExportPathError(target, exc.strerror or str(exc)) from exc
    return target

"""The ranked risk list as CSV or XLSX bytes — one builder for the CLI and the dashboard download —
and the product's one neutralising writer for every other download (:func:`table_csv_bytes`).

A header block names the model version, the data year, when the predictions were made and
exported (in ``PASSOS_TIMEZONE``, labelled), any warning on the year (probable copy) and why the
list is in its order; each student's row says in one sentence why they are in their class.
Text cells that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``,
tab or carriage return) are prefixed with ``'`` (OWASP CSV injection), whatever the column's
dtype (``object`` or pandas ``string``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Literal

import pandas as pd

from config import Settings
from config.clock import local_text
from models import columns as pc
from models.decision import (
    ABOVE_CRITICAL,
    ABOVE_LAGGING,
    BELOW_BOTH,
    ClassReason,
    class_reason,
    percent,
)
from models.errors import ExportFormatError, ExportPathError, ModelsError, NoProductionModelError
from models.predictions import PublishedList, published_list, read_predictions
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
    "Por que nesta classe",
    "Motivo 1",
    "Motivo 2",
    "Motivo 3",
)
CSV_SEPARATOR: Final = ";"  # what Excel in pt-BR expects
ORDER_SENTENCE: Final = (
    "A lista está em ordem de 'Risco de defasagem (%)' = P(Crítico) + P(Alerta), do maior para "
    "o menor; a classe vem das regras de decisão do modelo (coluna 'Por que nesta classe'), "
    "por isso um aluno em Alerta pode vir antes de um Crítico."
)


def class_sentence(reason: ClassReason) -> str:
    """One Portuguese sentence: why this student is in this class (the decision rule, numbers)."""
    label = CLASS_LABELS.get(reason.classe, reason.classe)
    p_crit, p_lag = percent(reason.p_critical), percent(reason.risk_score)
    t_crit, t_lag = percent(reason.threshold_critical), percent(reason.threshold_lagging)
    if reason.kind == ABOVE_CRITICAL:
        return (
            f"{label} porque P(Crítico) = {p_crit}, acima do limiar de {t_crit} "
            "usado para esse modelo."
        )
    if reason.kind == ABOVE_LAGGING:
        return (
            f"{label} porque P(Crítico) = {p_crit} ficou abaixo do limiar de {t_crit}, "
            f"mas P(Crítico ou Alerta) = {p_lag} está acima do limiar de {t_lag} "
            "usado para esse modelo."
        )
    if reason.kind == BELOW_BOTH:
        return (
            f"{label} porque P(Crítico) = {p_crit} e P(Crítico ou Alerta) = {p_lag} ficaram "
            f"abaixo dos limiares de {t_crit} e {t_lag} usados para esse modelo."
        )
    return f"{label}: P(Crítico) = {p_crit}, P(Crítico ou Alerta) = {p_lag}."


def reasons_of(predictions: pd.DataFrame, published: PublishedList | None) -> list[ClassReason]:
    """The class reason of every row, with the thresholds of the list's published version."""
    t_crit = None if published is None else published.threshold_critical
    t_lag = None if published is None else published.threshold_lagging
    return [
        class_reason(str(k), float(pcrit), float(score), t_crit, t_lag)
        for k, pcrit, score in zip(
            predictions[pc.CLASSE],
            predictions[pc.P_CRITICAL],
            predictions[pc.RISK_SCORE],
            strict=True,
        )
    ]


@dataclass(frozen=True)
class RiskListMeta:
    """What the header block of an export says."""

    model_version: str
    data_year: int
    scored_at: datetime | None
    exported_at: datetime
    classes: tuple[str, ...] = ()
    top: int | None = None
    timezone: str = "UTC"
    warnings: tuple[str, ...] = ()
    published: PublishedList | None = None

    def header_rows(self) -> list[tuple[str, str]]:
        chosen = ", ".join(CLASS_LABELS.get(k, k) for k in self.classes) or "todas"
        return [
            ("Lista de risco de defasagem - Passos Mágicos", ""),
            *(("AVISO", text) for text in self.warnings),
            ("Versão do modelo", self.model_version),
            ("Ano dos dados", str(self.data_year)),
            ("Previsões calculadas em", local_text(self.scored_at, self.timezone)),
            ("Exportado em", local_text(self.exported_at, self.timezone)),
            ("Classes", chosen),
            ("Limite", "todos" if self.top is None else f"primeiros {self.top}"),
            ("Ordem da lista", ORDER_SENTENCE),
        ]


def list_meta(
    settings: Settings,
    rows: pd.DataFrame,
    *,
    classes: Sequence[str] = (),
    top: int | None = None,
    exported_at: datetime | None = None,
    published: PublishedList | None = None,
) -> RiskListMeta:
    """The header of an export of ``rows`` (one year's list, possibly filtered or empty)."""
    from cycle.copies import copy_warnings

    year = published.ano if published else int(rows[c.ANO].iloc[0]) if len(rows) else None
    if published is None and year is not None:
        published = published_list(settings, year)
    version = (
        published.model_version
        if published
        else str(rows[pc.MODEL_VERSION].iloc[0])
        if len(rows)
        else ""
    )
    scored_at = rows[pc.SCORED_AT].max() if len(rows) else None
    if scored_at is None or pd.isna(scored_at):
        scored_at = None if published is None else published.published_at
    return RiskListMeta(
        model_version=version,
        data_year=year or 0,
        scored_at=None if scored_at is None else pd.Timestamp(scored_at).to_pydatetime(),
        exported_at=exported_at or datetime.now(UTC),
        classes=tuple(classes),
        top=top,
        timezone=settings.timezone,
        warnings=tuple(copy_warnings(settings, year)),
        published=published,
    )


def neutralise(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells and column names cannot run as formulas (object, string dtypes)."""
    table = frame.copy()
    for col in table.columns:
        kind = table[col].dtype
        if pd.api.types.is_object_dtype(kind) or pd.api.types.is_string_dtype(kind):
            table[col] = table[col].astype(object).map(neutralise)
    table.columns = [neutralise(str(col)) for col in table.columns]
    return table


def table_csv_bytes(frame: pd.DataFrame) -> bytes:
    """Any table as the CSV a pt-BR Excel opens (``;``, comma decimals, UTF-8 BOM), neutralised:
    the one writer of every CSV download the product offers."""
    return (
        neutralise_frame(frame)
        .to_csv(index=False, sep=CSV_SEPARATOR, decimal=",")
        .encode("utf-8-sig")
    )


def safe_file_name(name: str) -> str:
    """A download file name with only letters, digits, ``._-`` and no formula-like start."""
    cleaned = re.sub(r"[^0-9A-Za-z._-]+", "_", name)
    return re.sub(r"_{2,}", "_", cleaned).lstrip("._-") or "arquivo"


def risk_list_frame(
    predictions: pd.DataFrame, published: PublishedList | None = None
) -> pd.DataFrame:
    """The export table (Portuguese headers) from ``read_predictions`` rows, cells neutralised."""
    reasons = [list(r) + [""] * (3 - len(r)) for r in predictions[pc.REASONS]]
    why = [class_sentence(r) for r in reasons_of(predictions, published)]
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
            "Por que nesta classe": why,
            "Motivo 1": [r[0] for r in reasons],
            "Motivo 2": [r[1] for r in reasons],
            "Motivo 3": [r[2] for r in reasons],
        },
        columns=list(EXPORT_COLUMNS),
    )
    return neutralise_frame(table)


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
    workbook.properties.created = workbook.properties.modified = _FIXED_STAMP
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


_FIXED_STAMP: Final = datetime(2000, 1, 1)  # XLSX properties: the header says when


def risk_list_bytes(predictions: pd.DataFrame, meta: RiskListMeta, fmt: str) -> bytes:
    """The export file's bytes (``csv`` or ``xlsx``) for ``read_predictions`` rows."""
    table = risk_list_frame(predictions, meta.published)
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
    *,
    ano: int | None = None,
    exported_at: datetime | None = None,
) -> tuple[bytes, RiskListMeta]:
    """The list given for ``ano`` (default: the latest year), filtered, as export bytes plus its
    header metadata."""
    if fmt not in ("csv", "xlsx"):
        raise ExportFormatError(fmt)
    published = published_list(settings, ano)
    if published is None:
        from models.predictions import production_version, published_years

        if ano is not None and published_years(settings):
            raise NoListForYearError(ano, published_years(settings))
        if production_version(settings) is None:
            raise NoProductionModelError()
    rows = read_predictions(settings, classes=classes, top=top, ano=ano)
    meta = list_meta(
        settings,
        rows,
        classes=tuple(classes or ()),
        top=top,
        exported_at=exported_at,
        published=published,
    )
    return risk_list_bytes(rows, meta, fmt), meta


class NoListForYearError(ModelsError):
    """No list was published for the requested year."""

    def __init__(self, ano: int, years: Sequence[int]) -> None:
        known = ", ".join(str(y) for y in sorted(years)) or "nenhum"
        super().__init__(f"Não há lista de risco para {ano}. Anos com lista: {known}.")
        self.ano = ano


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

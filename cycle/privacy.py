"""The students' LGPD rights: erase one student everywhere, export all that is held about one.

Erasure is generic on purpose: it walks every file under the data dir and every table of the
product database (reflected, so tables other features add — cases, sessions, published lists —
are covered without being named here), drops the student's rows and scrubs the RA and the name
from free text and JSON. Files are rewritten aside and moved in only after the database commits,
under the pipeline lock, as publishing does. The audit row keeps who, when, why and how much was
removed — never the RA or the name (only a keyed fingerprint when ``PASSOS_PRIVACY_KEY`` is set).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import os
import re
import shutil
import sqlite3
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
from sqlalchemy import JSON, Connection, MetaData, String, Table, Text, delete, update
from sqlalchemy.engine import Engine
from sqlalchemy.types import NullType

from config import Settings
from config.errors import PassosError
from pipeline import columns as c
from pipeline.locking import exclusive
from pipeline.store import engine_for

log = logging.getLogger(__name__)

ERASED: Final = "[apagado]"
# Actions of the product's audit table (``dashboard/audit.py`` owns the table; the names must
# match — a test ties them) that this module writes, reads or expires.
AUDIT_TABLE: Final = "audit_log"
VIEW_STUDENT: Final = "view_student"
LIST_EXPORT: Final = "export"
EXPORT_STUDENT: Final = "export_student"
ERASE: Final = "erase"
RETENTION: Final = "retention"
ACCESS_ACTIONS: Final = (VIEW_STUDENT, LIST_EXPORT, EXPORT_STUDENT)

_RA_SHAPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")
_TEXT_SUFFIXES = frozenset({".csv", ".json", ".txt", ".yaml", ".yml", ".html", ".md"})
_TEMP_SUFFIX = ".tmp-erase"


class PrivacyError(PassosError):
    """A privacy request that cannot be carried out as asked."""


class StudentNotFoundError(PrivacyError):
    def __init__(self) -> None:
        super().__init__(
            "Nenhum dado deste RA foi encontrado no produto. Confira o RA (ex.: RA-1234)."
        )


@dataclass(frozen=True)
class Student:
    """Who is being erased or exported: the RA and every name recorded for it."""

    ra: str
    names: frozenset[str] = frozenset()

    @property
    def needles(self) -> tuple[str, ...]:
        return (self.ra, *sorted(self.names, key=len, reverse=True))

    def pattern(self) -> re.Pattern[str]:
        """Whole-token match (``RA-12`` must not match ``RA-123``)."""
        alternatives = "|".join(re.escape(n) for n in self.needles)
        return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


@dataclass
class ErasureReport:
    """What one erasure removed, per place — counts only, no student data."""

    files_rewritten: list[str] = field(default_factory=list)
    files_removed: list[str] = field(default_factory=list)
    rows_deleted: dict[str, int] = field(default_factory=dict)
    rows_scrubbed: dict[str, int] = field(default_factory=dict)

    def summary(self) -> dict[str, object]:
        return {
            "arquivos_reescritos": len(self.files_rewritten),
            "arquivos_removidos": len(self.files_removed),
            "linhas_apagadas": dict(sorted(self.rows_deleted.items())),
            "linhas_anonimizadas": dict(sorted(self.rows_scrubbed.items())),
        }


def normalise_ra(ra: str) -> str:
    """The RA as stored (``RA-12``), or a one-line refusal for anything that cannot be one."""
    value = (ra or "").strip()
    if not _RA_SHAPE.match(value):
        raise PrivacyError("RA inválido: informe um RA como aparece na lista (ex.: RA-1234).")
    return value


def fingerprint(settings: Settings, ra: str) -> str | None:
    """A keyed hash of the RA (HMAC-SHA256) so that an auditor holding the key can confirm a
    given RA was erased; ``None`` without a key — a plain or salted hash of a short id would
    be reversible by trying every RA."""
    if settings.privacy_key is None:
        return None
    key = settings.privacy_key.get_secret_value().encode()
    return hmac.new(key, ra.encode(), hashlib.sha256).hexdigest()


# ---------------------------------------------------------------------------------------------
# Pure helpers: frames, text and JSON without the student


def student_mask(frame: pd.DataFrame, ra: str) -> pd.Series:
    """Rows where any text cell is exactly the RA (bronze keeps its raw headers, so any column)."""
    mask = pd.Series(False, index=frame.index)
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object or isinstance(values.dtype, pd.StringDtype):
            mask |= values.astype("string").str.strip().eq(ra).fillna(False).astype(bool)
    return mask


def scrub_text(text: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(ERASED, text)


def scrub_json(value: Any, pattern: re.Pattern[str]) -> Any:
    """A copy of a JSON value with the RA and name replaced in every string and key."""
    if isinstance(value, str):
        return scrub_text(value, pattern)
    if isinstance(value, list):
        return [scrub_json(v, pattern) for v in value]
    if isinstance(value, dict):
        return {scrub_text(str(k), pattern): scrub_json(v, pattern) for k, v in value.items()}
    return value


def frame_without(
    frame: pd.DataFrame, student: Student, replace: Mapping[str, str]
) -> pd.DataFrame:
    """The frame without the student's rows, names scrubbed, old content hashes renamed."""
    kept = frame.loc[~student_mask(frame, student.ra)].copy()
    pattern = student.pattern()
    for column in kept.columns:
        values = kept[column]
        if values.dtype == object or isinstance(values.dtype, pd.StringDtype):
            kept[column] = values.map(
                lambda v: replace.get(v, scrub_text(v, pattern)) if isinstance(v, str) else v
            ).astype(values.dtype)
    return kept


def csv_without(text: str, student: Student) -> str:
    """CSV text without the lines that hold the RA as a field (any separator)."""
    ra = re.compile(rf"(?:^|[;,\t|]){re.escape(student.ra)}(?:[;,\t|]|$)")
    kept = [line for line in text.splitlines(keepends=True) if not ra.search(line.strip('"'))]
    quoted = re.compile(rf'(?:^|[;,\t|])"{re.escape(student.ra)}"(?:[;,\t|]|$)')
    return "".join(line for line in kept if not quoted.search(line))


def _decode(raw: bytes) -> tuple[str, str]:
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1"), "latin-1"  # pragma: no cover - latin-1 decodes any bytes


def xlsx_without(raw: bytes, student: Student) -> bytes:
    """An xlsx workbook without the rows that hold the RA; types and layout otherwise kept."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(raw))
    for sheet in book.worksheets:
        doomed = [
            row[0].row
            for row in sheet.iter_rows()
            if any(isinstance(cell.value, str) and cell.value.strip() == student.ra for cell in row)
        ]
        for number in reversed(doomed):
            sheet.delete_rows(number)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xls_as_xlsx_without(raw: bytes, student: Student) -> bytes:
    """An old ``.xls`` rewritten as ``.xlsx`` (nothing writes ``.xls`` any more), same grid."""
    sheets = pd.read_excel(io.BytesIO(raw), sheet_name=None, header=None, engine="calamine")
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for name, grid in sheets.items():
            grid.loc[~student_mask(grid, student.ra)].to_excel(
                writer, sheet_name=str(name), header=False, index=False
            )
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Finding the student


def _parquet_files(settings: Settings) -> list[Path]:
    return sorted(p for p in settings.data_dir.rglob("*.parquet") if p.is_file())


def _known_names(settings: Settings, ra: str) -> set[str]:
    names: set[str] = set()
    for path in _parquet_files(settings):
        frame = pd.read_parquet(path)
        if c.RA in frame.columns and c.NOME in frame.columns:
            hits = frame.loc[frame[c.RA].astype("string") == ra, c.NOME].dropna()
            names |= {str(n).strip() for n in hits if str(n).strip()}
    return names


def _database_mentions(engine: Engine, ra: str) -> int:
    found = 0
    with engine.connect() as conn:
        for table in _reflect(engine).tables.values():
            if "ra" in table.c:
                found += len(conn.execute(table.select().where(table.c.ra == ra)).all())
    return found


def find_student(settings: Settings, ra: str) -> Student:
    """The student's RA and names; refuses when nothing in the product holds the RA."""
    names = _known_names(settings, ra)
    held = names or any(
        student_mask(pd.read_parquet(p), ra).any() for p in _parquet_files(settings)
    )
    if not held and not _database_mentions(engine_for(settings), ra):
        raise StudentNotFoundError()
    return Student(ra, frozenset(names))


# ---------------------------------------------------------------------------------------------
# The database, reflected


def _reflect(engine: Engine) -> MetaData:
    meta = MetaData()
    meta.reflect(bind=engine)
    return meta


def _text_columns(table: Table) -> list[str]:
    return [
        col.name for col in table.columns if isinstance(col.type, String | Text | JSON | NullType)
    ]


def _scrub_value(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        if value[:1] in "[{":  # JSON kept as text (SQLite reflects JSON columns as such)
            try:
                decoded = json.loads(value)
            except ValueError:
                return scrub_text(value, pattern)
            return json.dumps(scrub_json(decoded, pattern), ensure_ascii=False)
        return scrub_text(value, pattern)
    return scrub_json(value, pattern)


def _mentions(value: Any, pattern: re.Pattern[str]) -> bool:
    if value is None or isinstance(value, int | float | bool | datetime):
        return False
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return bool(pattern.search(text)) or bool(pattern.search(json.dumps(text)))


def erase_from_database(
    conn: Connection, meta: MetaData, student: Student
) -> tuple[dict[str, int], dict[str, int]]:
    """Delete the rows keyed by the RA and scrub the RA/name from every text or JSON value."""
    deleted: dict[str, int] = {}
    scrubbed: dict[str, int] = {}
    pattern = student.pattern()
    for table in meta.sorted_tables:
        if "ra" in table.c:
            result = conn.execute(delete(table).where(table.c.ra == student.ra))
            if result.rowcount:
                deleted[table.name] = result.rowcount
        columns = _text_columns(table)
        keys = [col.name for col in table.primary_key.columns]
        if not columns or not keys:
            continue
        for row in conn.execute(table.select()).mappings():
            changes = {
                name: _scrub_value(row[name], pattern)
                for name in columns
                if name not in keys and _mentions(row[name], pattern)
            }
            if changes:
                where = [table.c[k] == row[k] for k in keys]
                conn.execute(update(table).where(*where).values(**changes))
                scrubbed[table.name] = scrubbed.get(table.name, 0) + 1
    return deleted, scrubbed


def _compact(engine: Engine, tables: Iterable[str]) -> None:
    """Make deleted rows unrecoverable: freed SQLite pages and PostgreSQL dead tuples."""
    if engine.dialect.name == "sqlite":
        path = engine.url.database
        if path:
            with sqlite3.connect(path, timeout=30) as raw:
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            with sqlite3.connect(path, timeout=30, isolation_level=None) as raw:
                raw.execute("VACUUM")
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        return
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for name in tables:
                conn.exec_driver_sql(f'VACUUM "{name}"')


# ---------------------------------------------------------------------------------------------
# Files


@dataclass
class _FilePlan:
    """New contents staged for the data dir, applied after the database commits."""

    writes: dict[Path, bytes] = field(default_factory=dict)
    frames: dict[Path, pd.DataFrame] = field(default_factory=dict)
    removals: list[Path] = field(default_factory=list)
    renamed_hashes: dict[str, str] = field(default_factory=dict)
    moved_dirs: dict[Path, Path] = field(default_factory=dict)

    def apply(self, data_dir: Path, report: ErasureReport) -> None:
        staged: list[tuple[Path, Path]] = []
        for path, content in self.writes.items():
            temp = path.with_name(path.name + _TEMP_SUFFIX)
            temp.write_bytes(content)
            staged.append((temp, path))
        for path, frame in self.frames.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            temp = path.with_name(path.name + _TEMP_SUFFIX)
            frame.to_parquet(temp, index=False)
            staged.append((temp, path))
        for temp, final in staged:
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temp, final)
            report.files_rewritten.append(str(final.relative_to(data_dir)))
        for path in self.removals:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            report.files_removed.append(str(path.relative_to(data_dir)))


def _landing_rewrite(path: Path, student: Student) -> tuple[bytes, str] | None:
    raw = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".xlsx" and zipfile.is_zipfile(io.BytesIO(raw)):
        if not any(student.ra.encode() in chunk for chunk in _zip_members(raw)):
            return None
        return xlsx_without(raw, student), ".xlsx"
    if suffix == ".xls":
        grids = pd.read_excel(io.BytesIO(raw), sheet_name=None, header=None, engine="calamine")
        if not any(student_mask(g, student.ra).any() for g in grids.values()):
            return None
        return xls_as_xlsx_without(raw, student), ".xlsx"
    text, encoding = _decode(raw)
    if not student.pattern().search(text):
        return None
    return csv_without(text, student).encode(encoding), suffix


def _zip_members(raw: bytes) -> Iterator[bytes]:
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        for name in archive.namelist():
            yield archive.read(name)


def plan_landing(settings: Settings, student: Student, plan: _FilePlan) -> None:
    """Landing copies without the student, renamed to their new content hash (with bronze)."""
    landing = settings.layer("landing")
    for path in sorted(landing.glob("*")) if landing.is_dir() else []:
        if not path.is_file() or _TEMP_SUFFIX in path.name or ".tmp-" in path.name:
            continue
        rewritten = _landing_rewrite(path, student)
        if rewritten is None:
            continue
        content, suffix = rewritten
        old_hash, new_hash = path.stem, hashlib.sha256(content).hexdigest()
        plan.writes[landing / f"{new_hash}{suffix}"] = content
        plan.removals.append(path)
        plan.renamed_hashes[old_hash] = new_hash
        bronze_dir = settings.layer("bronze") / old_hash
        if bronze_dir.is_dir():
            plan.moved_dirs[bronze_dir] = settings.layer("bronze") / new_hash


def plan_parquet(settings: Settings, student: Student, plan: _FilePlan) -> None:
    """Every Parquet file (bronze, silver, gold, archive) without the student's rows."""
    for path in _parquet_files(settings):
        if _TEMP_SUFFIX in path.name:
            continue
        frame = pd.read_parquet(path)
        target = path
        for old, new in plan.moved_dirs.items():
            if path.is_relative_to(old):
                target = new / path.relative_to(old)
        renamed = any(
            frame[col].isin(list(plan.renamed_hashes)).any() for col in _hash_columns(frame)
        )
        if target == path and not renamed and not _frame_mentions(frame, student):
            continue
        plan.frames[target] = frame_without(frame, student, plan.renamed_hashes)
        if target != path:
            plan.removals.append(path)
    plan.removals.extend(plan.moved_dirs)


def _hash_columns(frame: pd.DataFrame) -> list[str]:
    return [col for col in frame.columns if col == c.SOURCE_HASH]


def _frame_mentions(frame: pd.DataFrame, student: Student) -> bool:
    if student_mask(frame, student.ra).any():
        return True
    pattern = student.pattern()
    return any(
        frame[col].astype("string").str.contains(pattern, na=False).any()
        for col in frame.columns
        if frame[col].dtype == object or isinstance(frame[col].dtype, pd.StringDtype)
    )


def plan_text_files(folders: Iterable[Path], student: Student, plan: _FilePlan) -> None:
    """CSV artifacts (MLflow ``test_predictions.csv``) lose the student's rows; other text
    files (JSON input examples, reports) get the RA and name replaced."""
    pattern = student.pattern()
    for folder in folders:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if not path.is_file() or path.suffix.lower() not in _TEXT_SUFFIXES:
                continue
            text, encoding = _decode(path.read_bytes())
            if not pattern.search(text):
                continue
            if path.suffix.lower() == ".csv":
                new = csv_without(text, student)
                if pattern.search(new):
                    new = scrub_text(new, pattern)
            else:
                new = scrub_text(text, pattern)
            plan.writes[path] = new.encode(encoding)


INPUT_EXAMPLES: Final = ("input_example.json", "serving_input_example.json")


def student_feature_rows(settings: Settings, ra: str) -> pd.DataFrame:
    """The model inputs computed from the student's gold rows (to find them in old examples)."""
    from models.features import build_features
    from pipeline.state import gold_path

    path = gold_path(settings)
    if not path.is_file():
        return pd.DataFrame()
    gold = pd.read_parquet(path)
    return build_features(gold).loc[(gold[c.RA].astype("string") == ra).to_numpy()]


def example_without(payload: Any, student_rows: pd.DataFrame) -> Any | None:
    """An MLflow input example (split orient, maybe under ``dataframe_split``) without the rows
    equal to one of the student's feature rows; ``None`` when none matched."""
    inner = payload.get("dataframe_split", payload) if isinstance(payload, dict) else None
    if not isinstance(inner, dict) or "columns" not in inner or "data" not in inner:
        return None
    example = pd.DataFrame(inner["data"], columns=inner["columns"])
    mine = student_rows.reindex(columns=example.columns).astype("float64").to_numpy()
    values = example.apply(pd.to_numeric, errors="coerce").astype("float64").to_numpy()
    if not len(mine) or not len(values):
        return None
    same = np.isclose(values[:, None, :], mine[None, :, :], equal_nan=True).all(axis=2).any(axis=1)
    if not same.any():
        return None
    kept = {**inner, "data": [row for row, hit in zip(inner["data"], same, strict=True) if not hit]}
    kept.pop("index", None)
    return {"dataframe_split": kept} if "dataframe_split" in payload else kept


def plan_input_examples(settings: Settings, student: Student, plan: _FilePlan) -> None:
    """Input examples logged before they were synthetic hold real feature rows without the RA:
    drop the rows equal to the student's own."""
    folder = settings.artifacts_dir
    paths = [p for name in INPUT_EXAMPLES for p in folder.rglob(name)] if folder.is_dir() else []
    if not paths:
        return
    rows = student_feature_rows(settings, student.ra)
    for path in paths:
        new = example_without(json.loads(path.read_text(encoding="utf-8")), rows)
        if new is not None:
            plan.writes[path] = json.dumps(new).encode("utf-8")


def _record_files(conn: Connection, meta: MetaData, settings: Settings, plan: _FilePlan) -> None:
    """Upload records follow their landing copy's new hash, so a re-upload is still recognised
    as what is now stored."""
    table = meta.tables.get("ingested_files")
    if table is None:
        return
    landing = settings.layer("landing")
    for old, new in plan.renamed_hashes.items():
        final = next(p for p in plan.writes if p.parent == landing and p.stem == new)
        conn.execute(
            update(table)
            .where(table.c.content_hash == old)
            .values(content_hash=new, landing_path=str(final))
        )


# ---------------------------------------------------------------------------------------------
# The verbs


# Appends one audit entry: (user, action, detail) — the front ends pass ``dashboard.audit``'s
# writer, which owns the product's audit table.
AuditWriter = Callable[[str, str, dict[str, Any]], None]


def erase_student(
    settings: Settings, ra: str, reason: str, user: str, audit: AuditWriter
) -> ErasureReport:
    """Remove one student from every file under the data dir and every table of the database."""
    ra = normalise_ra(ra)
    if not (reason or "").strip():
        raise PrivacyError("Informe o motivo do apagamento (ex.: pedido do responsável).")
    report = ErasureReport()
    with exclusive(settings.lock_path):
        student = find_student(settings, ra)
        plan = _FilePlan()
        plan_landing(settings, student, plan)
        plan_parquet(settings, student, plan)
        plan_input_examples(settings, student, plan)
        plan_text_files((settings.artifacts_dir, settings.layer("reports")), student, plan)
        engine = engine_for(settings)
        meta = _reflect(engine)
        with engine.begin() as conn:
            _record_files(conn, meta, settings, plan)
            report.rows_deleted, report.rows_scrubbed = erase_from_database(conn, meta, student)
        plan.apply(settings.data_dir, report)
        _compact(engine, [*report.rows_deleted, *report.rows_scrubbed])
        audit(user, ERASE, erasure_detail(settings, student, reason, report))
    log.info("apagamento concluído: %d arquivos reescritos", len(report.files_rewritten))
    return report


def erasure_detail(
    settings: Settings, student: Student, reason: str, report: ErasureReport
) -> dict[str, Any]:
    """What the audit keeps: the reason without the RA or name, the counts, maybe a keyed hash."""
    detail: dict[str, Any] = {
        "motivo": scrub_text(reason.strip(), student.pattern())[:500],
        **report.summary(),
    }
    mark = fingerprint(settings, student.ra)
    if mark is not None:
        detail["ra_hmac"] = mark
    return detail


# ---------------------------------------------------------------------------------------------
# Access: everything held about one student


ACCESS_LOG_SHEET: Final = "registro_de_acesso"
YEARS_SHEET: Final = "anos"


def student_record(settings: Settings, ra: str) -> dict[str, pd.DataFrame]:
    """Every row held about one student, one frame per source (gold years, each database table
    keyed by RA, audit entries that mention the RA); refuses an RA the product does not hold."""
    ra = normalise_ra(ra)
    student = find_student(settings, ra)
    sources: dict[str, pd.DataFrame] = {}
    from pipeline.state import gold_path

    gold = gold_path(settings)
    if gold.is_file():
        frame = pd.read_parquet(gold)
        sources[YEARS_SHEET] = frame.loc[frame[c.RA].astype("string") == ra].reset_index(drop=True)
    engine = engine_for(settings)
    pattern = student.pattern()
    with engine.connect() as conn:
        for table in _reflect(engine).sorted_tables:
            if "ra" in table.c:
                rows = conn.execute(table.select().where(table.c.ra == ra)).mappings().all()
                sources[table.name] = pd.DataFrame([dict(r) for r in rows])
            elif table.name == AUDIT_TABLE:
                rows = conn.execute(table.select()).mappings().all()
                mentions = [dict(r) for r in rows if _mentions(r["detail"], pattern)]
                sources[ACCESS_LOG_SHEET] = pd.DataFrame(mentions)
    return {name: frame for name, frame in sources.items() if not frame.empty}


def _cell(value: Any) -> Any:
    from models.export import neutralise

    if value is None or (not isinstance(value, list | dict | tuple) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp | datetime):
        return value.replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, list | dict | tuple):
        return neutralise(json.dumps(value, ensure_ascii=False, default=str))
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    return neutralise(value)


def record_xlsx(sources: Mapping[str, pd.DataFrame]) -> bytes:
    """One sheet per source; text never runs as a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for name, frame in sources.items():
        sheet = book.create_sheet(title=name[:31])
        sheet.append([_cell(str(col)) for col in frame.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in frame.itertuples(index=False):
            sheet.append([_cell(v) for v in row])
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def record_json(sources: Mapping[str, pd.DataFrame]) -> bytes:
    payload = {
        name: json.loads(frame.to_json(orient="records", date_format="iso", force_ascii=False))
        for name, frame in sources.items()
    }
    return json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")


def export_student(
    settings: Settings, ra: str, out: Path, user: str, audit: AuditWriter
) -> dict[str, int]:
    """Write everything held about one student to ``out`` (.xlsx or .json); returns rows per
    source. The export itself goes to the access log."""
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".json"):
        raise PrivacyError("Use um arquivo .xlsx ou .json em --out (ex.: aluno.xlsx).")
    sources = student_record(settings, ra)
    content = record_xlsx(sources) if suffix == ".xlsx" else record_json(sources)
    from models.export import write_export

    write_export(out, content)
    audit(user, EXPORT_STUDENT, {"ra": normalise_ra(ra), "fontes": sorted(sources)})
    return {name: len(frame) for name, frame in sources.items()}

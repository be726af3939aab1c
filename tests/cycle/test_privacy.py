"""LGPD rights end to end: erase one student everywhere, export one, retention, input examples."""

from __future__ import annotations

import io
import json
import re
import shutil
import sqlite3
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import insert, update

from config import Settings
from cycle import privacy, retention
from dashboard import audit
from pipeline import columns as c
from pipeline.state import gold_path
from tests.dashboard.conftest import build_product_data
from tests.sidecar.conftest import wait_for_model


def _texts(path: Path) -> Iterator[tuple[str, str]]:
    """Every readable text of a file: its bytes, its zip members, its Parquet rows, its tables."""
    raw = path.read_bytes()
    yield "bytes", raw.decode("latin-1")
    if zipfile.is_zipfile(io.BytesIO(raw)):
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            for name in archive.namelist():
                yield name, archive.read(name).decode("utf-8", "replace")
    if path.suffix == ".parquet":
        yield "parquet", pd.read_parquet(path).to_csv()
    if raw[:16] == b"SQLite format 3\x00":
        with sqlite3.connect(path) as conn:
            yield "tables", "\n".join(conn.iterdump())


def traces(data_dir: Path, *needles: str) -> list[str]:
    """Where under the data dir any needle still appears as a whole token."""
    pattern = re.compile(rf"(?<![\w-])(?:{'|'.join(re.escape(n) for n in needles)})(?![\w-])")
    return [
        f"{path.relative_to(data_dir)} ({where})"
        for path in sorted(data_dir.rglob("*"))
        if path.is_file()
        for where, text in _texts(path)
        if pattern.search(text)
    ]


def writer(settings: Settings) -> Any:
    return lambda user, action, detail: audit.record(settings, user, action, **detail)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lgpd")
    build_product_data(root / "data", students=300)
    return root / "data"


@pytest.fixture
def product(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    for db in built.glob("*.db"):
        with sqlite3.connect(db) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    target = tmp_path / "data"
    shutil.copytree(built, target)
    monkeypatch.setenv("PASSOS_DATA_DIR", str(target))
    monkeypatch.delenv("PASSOS_DATABASE_URL", raising=False)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.setenv("PASSOS_DRIFT_IN_BACKGROUND", "false")
    return Settings()


def _student(settings: Settings) -> tuple[str, str]:
    gold = pd.read_parquet(gold_path(settings))
    per = gold.groupby(c.RA)[c.ANO].nunique()
    ra = str(per[per == per.max()].index[0])
    return ra, str(gold.loc[gold[c.RA] == ra, c.NOME].iloc[0])


def test_erasure_leaves_no_trace_and_the_product_keeps_working(product: Settings) -> None:
    from fastapi.testclient import TestClient

    from models.predictions import read_predictions
    from models.training import train_presets
    from sidecar.app import create_app

    ra, name = _student(product)
    audit.record(product, "coord", privacy.VIEW_STUDENT, ra=ra)
    audit.record(product, "coord", "upload", note=f"planilha com {name}")
    assert traces(product.data_dir, ra), "the fixture must hold the student before erasure"
    example = _old_style_example(product, ra)  # as logged before examples were synthetic

    report = privacy.erase_student(
        product, ra, f"pedido do responsável de {ra}", "admin", writer(product)
    )

    assert traces(product.data_dir, ra, name) == []
    left = json.loads(example.read_text())["data"]
    assert len(left) == 1  # the student's feature row is gone, another student's stays
    assert report.rows_deleted["predictions"] >= 1
    entry = audit.entries(product, (privacy.ERASE,)).iloc[0]
    assert entry["username"] == "admin"
    assert entry["detail"]["motivo"] == f"pedido do responsável de {privacy.ERASED}"
    assert "ra_hmac" not in entry["detail"]  # no key configured: nothing of the RA kept
    # the list, the sidecar and training still work, without the student
    listed = read_predictions(product)
    assert len(listed) > 0 and ra not in set(listed[c.RA])
    app = create_app(product, insecure_dev=True)
    with TestClient(app) as client:
        wait_for_model(app.state.services.predictions)
        assert client.get("/risk-list").status_code == 200
        assert client.get(f"/predict/{ra}").status_code == 404
        other = str(listed[c.RA].iloc[0])
        assert client.get(f"/predict/{other}").status_code == 200
    assert train_presets(product, ["persistence"])[0].version is not None
    # the rewritten landing copy is what its upload record names: a re-upload is recognised
    with sqlite3.connect(product.data_dir / "passos.db") as conn:
        (stored, path), *_ = conn.execute("select content_hash, landing_path from ingested_files")
    assert Path(path).is_file() and Path(path).stem == stored
    assert (product.layer("bronze") / stored).is_dir()


def _old_style_example(settings: Settings, ra: str) -> Path:
    path = next(settings.artifacts_dir.rglob("input_example.json"))
    columns = json.loads(path.read_text())["columns"]
    gold = pd.read_parquet(gold_path(settings))
    rows = privacy.student_feature_rows(settings, ra).reindex(columns=columns).iloc[:1]
    other = gold.loc[gold[c.RA] != ra, c.RA].iloc[0]
    rows = pd.concat(
        [rows, privacy.student_feature_rows(settings, str(other)).reindex(columns=columns).iloc[:1]]
    )
    path.write_text(rows.to_json(orient="split", index=False))
    return path


def test_input_example_rows_match_with_and_without_the_serving_wrapper() -> None:
    mine = pd.DataFrame({"ida": [5.0], "ieg": [float("nan")]})
    split = {"columns": ["ida", "ieg"], "data": [[5.0, None], [6.0, 1.0]]}
    assert privacy.example_without(split, mine) == {"columns": ["ida", "ieg"], "data": [[6.0, 1.0]]}
    served = privacy.example_without({"dataframe_split": split}, mine)
    assert served == {"dataframe_split": {"columns": ["ida", "ieg"], "data": [[6.0, 1.0]]}}
    assert privacy.example_without({"columns": ["ida"], "data": [[7.0]]}, mine) is None


def test_erasure_refuses_unknown_ra_and_missing_reason(product: Settings) -> None:
    before = gold_path(product).read_bytes()
    with pytest.raises(privacy.StudentNotFoundError, match="Nenhum dado"):
        privacy.erase_student(product, "RA-999999", "pedido", "admin", writer(product))
    with pytest.raises(privacy.PrivacyError, match="motivo"):
        privacy.erase_student(product, _student(product)[0], "  ", "admin", writer(product))
    with pytest.raises(privacy.PrivacyError, match="RA inválido"):
        privacy.erase_student(product, "RA 1; drop", "x", "admin", writer(product))
    assert gold_path(product).read_bytes() == before


def test_erasure_keeps_a_keyed_fingerprint_when_configured(
    product: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PASSOS_PRIVACY_KEY", "chave-secreta")
    settings = Settings()
    ra, _ = _student(settings)
    privacy.erase_student(settings, ra, "pedido", "admin", writer(settings))
    detail = audit.entries(settings, (privacy.ERASE,)).iloc[0]["detail"]
    assert detail["ra_hmac"] == privacy.fingerprint(settings, ra)
    assert ra not in json.dumps(detail)


def test_export_student_holds_every_source_and_neutralises_formulas(
    product: Settings, tmp_path: Path
) -> None:
    import openpyxl

    ra, _ = _student(product)
    audit.record(product, "coord", privacy.VIEW_STUDENT, ra=ra)
    from models.tables import models_engine, predictions

    with models_engine(product).begin() as conn:
        conn.execute(update(predictions).where(predictions.c.ra == ra).values(nome="=HYPERLINK(1)"))
    out = tmp_path / "aluno.xlsx"
    counts = privacy.export_student(product, ra, out, "admin", writer(product))
    assert counts[privacy.YEARS_SHEET] == 3
    assert counts["predictions"] >= 1 and counts[privacy.ACCESS_LOG_SHEET] == 1
    book = openpyxl.load_workbook(out)
    values = [cell.value for row in book["predictions"].iter_rows() for cell in row]
    assert "'=HYPERLINK(1)" in values
    assert all(not (isinstance(v, str) and v.startswith("=")) for v in values)
    assert audit.entries(product, (privacy.EXPORT_STUDENT,)).iloc[0]["detail"]["ra"] == ra
    with pytest.raises(privacy.PrivacyError, match=r"\.xlsx ou \.json"):
        privacy.export_student(product, ra, tmp_path / "aluno.pdf", "admin", writer(product))


def test_retention_removes_only_what_is_past_its_period(
    product: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from models.tables import models_engine, predictions

    old = datetime.now(UTC) - timedelta(days=400)
    audit.record(product, "coord", privacy.VIEW_STUDENT, ra="RA-1")
    audit.record(product, "coord", "upload")
    with audit.engine_for(product).begin() as conn:
        for action in ("export", "upload"):
            conn.execute(
                insert(audit.audit_log).values(at=old, username="c", action=action, detail={})
            )
    with models_engine(product).begin() as conn:  # an older year's list, as a year ago
        rows = conn.execute(predictions.select()).mappings().all()
        conn.execute(insert(predictions), [{**r, c.ANO: r[c.ANO] - 1} for r in rows])
    monkeypatch.setenv("PASSOS_PREDICTIONS_KEEP_YEARS", "1")
    settings = Settings()
    dry = retention.apply_retention(settings, writer(settings), "admin", dry_run=True)
    assert (dry.access_log, dry.audit, dry.predictions) == (1, 0, len(rows))
    assert len(audit.entries(settings, ("export",))) == 1  # a dry run removes nothing
    done = retention.apply_retention(settings, writer(settings), "admin")
    assert (done.access_log, done.audit, done.predictions) == (1, 0, len(rows))
    assert audit.entries(settings, ("export",)).empty
    assert len(audit.entries(settings, ("upload",))) == 2  # audit kept for 5 years
    with models_engine(settings).connect() as conn:
        assert len(conn.execute(predictions.select()).all()) == len(rows)  # latest year kept
    entry = audit.entries(settings, (privacy.RETENTION,)).iloc[0]["detail"]
    assert entry == {"registro_de_acesso": 1, "auditoria": 0, "predicoes": len(rows)}


def test_audit_names_match_the_dashboard_audit_log() -> None:
    assert privacy.AUDIT_TABLE == audit.audit_log.name
    assert privacy.LIST_EXPORT == audit.EXPORT


def test_input_example_holds_no_real_row() -> None:
    from models.input_example import synthetic_input_example

    features = pd.DataFrame(
        {"ida": [float(i) for i in range(10)], "ieg": [10.0 - i for i in range(10)]}
    )
    example = synthetic_input_example(features)
    assert len(example) == 5 and list(example.columns) == ["ida", "ieg"]
    real = set(map(tuple, features.to_numpy().tolist()))
    assert not real & set(map(tuple, example.to_numpy().tolist()))
    assert example.dtypes.equals(features.dtypes)


STUDENT = privacy.Student("RA-12", frozenset({"Ana Souza"}))


def test_landing_rewriters_drop_only_the_students_rows() -> None:
    grid = pd.DataFrame({"RA": ["RA-12", "RA-123", "RA-1"], "Nome": ["Ana Souza", "B", "C"]})
    kept = privacy.student_mask(grid, "RA-12")
    assert kept.tolist() == [True, False, False]  # RA-123 is another student
    text = 'RA;Nome\r\nRA-12;Ana Souza\r\n"RA-12";"Ana Souza"\r\nRA-123;B\r\n'
    assert privacy.csv_without(text, STUDENT) == "RA;Nome\r\nRA-123;B\r\n"
    book = io.BytesIO()
    with pd.ExcelWriter(book, engine="openpyxl") as excel:
        grid.to_excel(excel, sheet_name="PEDE2023", index=False)
    rewritten = pd.read_excel(io.BytesIO(privacy.xlsx_without(book.getvalue(), STUDENT)))
    assert rewritten["RA"].tolist() == ["RA-123", "RA-1"]


def test_an_old_xls_is_rewritten_as_xlsx_without_the_student(tmp_path: Path) -> None:
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("PEDE2022")
    for r, row in enumerate([["RA", "Nome"], ["RA-12", "Ana Souza"], ["RA-2", "Bia"]]):
        for col, value in enumerate(row):
            sheet.write(r, col, value)
    path = tmp_path / "f.xls"
    book.save(str(path))
    content, suffix = privacy._landing_rewrite(path, STUDENT) or (b"", "")
    assert suffix == ".xlsx"
    assert pd.read_excel(io.BytesIO(content))["RA"].tolist() == ["RA-2"]


def test_scrub_reaches_json_keys_and_values_but_not_other_students() -> None:
    pattern = STUDENT.pattern()
    value = {"ra": "RA-12", "note": "Ana Souza e RA-123", "RA-12": ["x RA-12"]}
    assert privacy.scrub_json(value, pattern) == {
        "ra": privacy.ERASED,
        "note": f"{privacy.ERASED} e RA-123",
        privacy.ERASED: [f"x {privacy.ERASED}"],
    }

"""The whole flow on PostgreSQL (the docker-compose path), started by .ci/run on loopback.

Product database and MLflow backend store both on the PostgreSQL server: ingest the workbook,
train, promote, score, then query the sidecar.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select

from config import Settings
from pipeline import columns as c
from pipeline.drift import record_production_reference, run_pending_drift
from pipeline.ingest import ingest
from pipeline.plan import Upload
from pipeline.state import gold_path
from pipeline.status import pipeline_status
from pipeline.store import engine_for, online_features
from tests.conftest import REAL_WORKBOOK, sheet_2023

pytestmark = pytest.mark.slow
TOKEN = "token-de-leitura-de-teste"


@pytest.fixture
def pg_settings(
    settings: Settings, postgres_url: str, postgres_mlflow_url: str, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    monkeypatch.setenv("PASSOS_DATABASE_URL", postgres_url)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", postgres_mlflow_url)
    monkeypatch.setenv("PASSOS_API_TOKEN", TOKEN)
    monkeypatch.setenv("PASSOS_ADMIN_TOKEN", TOKEN + "-admin")
    return Settings()


def test_pipeline_on_postgresql(pg_settings: Settings, workbook: Callable[..., bytes]) -> None:
    assert pg_settings.db_url.startswith("postgresql+psycopg://")
    upload = Upload(
        "PEDE.xlsx",
        workbook({"PEDE2023": sheet_2023(60, start=1), "PEDE2024": sheet_2023(60, start=30)}),
    )
    result = ingest([upload], pg_settings)
    assert result.rows["gold"] == {2023: 60, 2024: 60}
    assert engine_for(pg_settings).dialect.name == "postgresql"
    with engine_for(pg_settings).connect() as conn:
        assert len(conn.execute(select(online_features)).all()) == 89
    gold = pd.read_parquet(gold_path(pg_settings))
    assert gold[c.CLASSE_PROXIMO_ANO].notna().sum() == 31
    assert [o.ano for o in run_pending_drift(pg_settings)] == [2024]
    assert pipeline_status(pg_settings)["drift"][0]["status"] == "done"
    assert Path(pipeline_status(pg_settings)["drift"][0]["html_path"]).exists()
    # A promotion records the model's training years and re-measures against them.
    record_production_reference(pg_settings, "1", [2023, 2024])
    entry = pipeline_status(pg_settings)["per_year"][1]["drift"]
    assert entry["verdict"] == "normal" and entry["reference"]["model_version"] == "1"


def _workbook_path(tmp_path: Path) -> Path:
    """The real workbook when available, else a synthetic one with the same layouts."""
    if REAL_WORKBOOK.exists():
        return REAL_WORKBOOK
    import synthetic

    sheets = synthetic.generate_years(900, [2022, 2023, 2024], seed=3)
    return synthetic.write_workbook(sheets, tmp_path / "PEDE_2022-24.xlsx")


def test_ingest_train_promote_score_and_serve_on_postgresql(
    pg_settings: Settings, tmp_path: Path
) -> None:
    from models.predictions import production_version, read_predictions
    from models.registry import list_versions, promote
    from models.training import train_preset
    from sidecar.app import create_app
    from tests.sidecar.conftest import wait_for_model

    assert pg_settings.tracking_uri.startswith("postgresql+psycopg://")
    ingest([Upload.from_path(_workbook_path(tmp_path))], pg_settings)
    trained = [train_preset(pg_settings, name) for name in ("persistence", "logistic_regression")]
    assert {t.version for t in trained} == {"1", "2"}
    assert {v.version for v in list_versions(pg_settings)} == {"1", "2"}
    promoted = promote(pg_settings, "2", reason="teste de integração", user="ci")
    assert production_version(pg_settings) == "2" == promoted.version
    predictions = read_predictions(pg_settings)
    latest = int(pd.read_parquet(gold_path(pg_settings))[c.ANO].max())
    assert len(predictions) == int((pd.read_parquet(gold_path(pg_settings))[c.ANO] == latest).sum())
    assert predictions["rank"].tolist() == list(range(1, len(predictions) + 1))

    pg_settings = pg_settings.model_copy(
        update={"api_token": SecretStr(TOKEN), "admin_token": SecretStr(TOKEN + "-admin")}
    )
    app = create_app(pg_settings.model_copy(update={"reload_interval_s": 0.5}))
    with TestClient(app) as client:
        wait_for_model(app.state.services.predictions, seconds=120)
        headers = {"Authorization": f"Bearer {TOKEN}"}
        assert client.get("/health").status_code == 200
        first = predictions.iloc[0]
        answer = client.get(f"/predict/{first['ra']}", headers=headers)
        assert answer.status_code == 200
        body = answer.json()
        assert (body["ra"], body["rank"], body["model_version"]) == (first["ra"], 1, "2")
        top = client.get("/risk-list?classe=critical,alert&top=10", headers=headers).json()
        expected = predictions[predictions["classe"].isin(["critical", "alert"])].head(10)
        assert top["model_version"] == "2"
        assert [row["ra"] for row in top["students"]] == expected["ra"].tolist()
        assert client.get("/predict/RA-999999", headers=headers).status_code == 404


def test_lists_are_history_on_postgresql(pg_settings: Settings, tmp_path: Path) -> None:
    """published_lists, per-(version, year) rows, follow-up, copy review and retention on PG."""
    import synthetic
    from cycle.copies import KEEP, copy_warnings, review_copy, reviews
    from cycle.followup import follow_up_year
    from models.export import build_risk_list
    from models.predictions import published_years, read_predictions
    from models.registry import promote
    from models.scoring import apply_retention, score_latest
    from models.training import train_preset
    from sidecar.app import create_app
    from tests.sidecar.conftest import wait_for_model

    sheets = synthetic.generate_years(600, [2022, 2023, 2024], seed=5)
    ingest([Upload.from_path(synthetic.write_workbook(sheets, tmp_path / "a.xlsx"))], pg_settings)
    for name in ("persistence", "logistic_regression"):
        train_preset(pg_settings, name)
    promote(pg_settings, "2", reason="teste de integração", user="ci")
    at = pd.Timestamp("2026-01-05T12:00:00Z").to_pydatetime()
    before, _ = build_risk_list(pg_settings, "csv", ano=2024, exported_at=at)
    given = read_predictions(pg_settings, ano=2024)
    copy = sheets[2024].rename(columns={"INDE 2024": "INDE 2025", "Pedra 2024": "Pedra 2025"})
    upload = synthetic.write_workbook({2025: copy}, tmp_path / "PEDE_2025.xlsx")
    ingest([Upload.from_path(upload)], pg_settings)
    score_latest(pg_settings)
    promote(pg_settings, "1", reason="troca de modelo", user="ci")
    assert published_years(pg_settings) == [2025, 2024]
    assert build_risk_list(pg_settings, "csv", ano=2024, exported_at=at)[0] == before
    pd.testing.assert_frame_equal(read_predictions(pg_settings, ano=2024), given)
    assert set(read_predictions(pg_settings)["model_version"]) == {"1"}
    assert follow_up_year(pg_settings, 2024).flagged == int(
        given["classe"].isin(["critical", "alert"]).sum()
    )
    assert copy_warnings(pg_settings, 2025)
    review_copy(pg_settings, 2025, KEEP, user="ci", reason="conferir com a escola")
    assert reviews(pg_settings).iloc[0]["decision"] == KEEP

    served = pg_settings.model_copy(
        update={
            "api_token": SecretStr(TOKEN),
            "admin_token": SecretStr(TOKEN + "-admin"),
            "reload_interval_s": 0.5,
        }
    )
    app = create_app(served)
    with TestClient(app) as client:
        wait_for_model(app.state.services.predictions, seconds=120)
        headers = {"Authorization": f"Bearer {TOKEN}"}
        earlier = client.get("/risk-list?ano=2024", headers=headers).json()
        assert [row["ra"] for row in earlier["students"]] == given["ra"].tolist()
        assert earlier["model_version"] == "2" and earlier["warnings"] == []
        assert client.get("/risk-list", headers=headers).json()["warnings"]

    keep_one = pg_settings.model_copy(update={"predictions_keep_years": 1})
    assert apply_retention(keep_one) == [2024]
    assert read_predictions(pg_settings, ano=2024).empty


def test_dashboard_accounts_sessions_and_sign_in_lock_on_postgresql(pg_settings: Settings) -> None:
    """The dashboard's tables (accounts, sessions, failed sign-ins, audit) on PostgreSQL."""
    from datetime import UTC, datetime, timedelta

    from dashboard import audit, auth
    from tests.dashboard.test_auth import check_sessions_roundtrip

    check_sessions_roundtrip(pg_settings)
    token = auth.start_session(pg_settings, "sessao.adm")
    idle = timedelta(minutes=pg_settings.session_idle_minutes + 1)
    assert auth.resume_session(pg_settings, token, now=datetime.now(UTC) + idle) is None
    for n in range(pg_settings.signin_lock_after):
        answer = auth.sign_in(pg_settings, "sessao.adm", f"errada-{n}", "c1", sleep=lambda _: None)
        assert answer.outcome == "failed"
    locked = auth.sign_in(
        pg_settings, "sessao.adm", "girassol-no-telhado-9", "c1", sleep=lambda _: None
    )
    assert locked.outcome == "locked"
    refused = audit.entries(pg_settings, (audit.SIGN_IN_FAILED,))
    assert len(refused) == pg_settings.signin_lock_after + 1


def test_case_round_trip_on_postgresql(pg_settings: Settings) -> None:
    from datetime import date, timedelta

    from cycle import cases as case_verbs
    from models import case_columns as cc
    from models.cases import CaseEdit, CaseError, NewAction
    from tests.cycle.test_cases import write_list

    write_list(pg_settings, 2024, {"RA-1": "critical", "RA-2": "alert"})
    today = case_verbs.today_local()
    saved = case_verbs.save_case(
        pg_settings,
        "RA-1",
        2024,
        "ana",
        edit=CaseEdit(
            responsible="ana",
            notes="nota de teste",
            next_step="ligar",
            next_step_on=today + timedelta(days=2),
        ),
        action=NewAction("reforço escolar", today),
    )
    assert saved.opened and saved.case.status == cc.IN_PROGRESS
    with pytest.raises(CaseError, match="já tem um caso"):
        case_verbs.open_case(pg_settings, "RA-1", 2024, "bia")
    case = case_verbs.get_case(pg_settings, "RA-1", 2024)
    assert case is not None and case.next_step_on == today + timedelta(days=2)
    assert [a.done_on for a in case.actions] == [today] and isinstance(today, date)
    assert [c.ra for c in case_verbs.my_cases(pg_settings, "ana")] == ["RA-1"]
    timeline = case_verbs.student_timeline(pg_settings, "RA-1")
    assert timeline[cc.EVENT].tolist() == [cc.OPENED, cc.ACTION_ADDED]
    assert "nota de teste" not in repr(timeline[cc.CHANGES].tolist())
    assert case_verbs.cases_of_year(pg_settings, 2024, unassigned=True).empty

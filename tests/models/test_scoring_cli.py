"""Scoring (missing indicators, no production model) and the CLI end to end."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cli.main import main
from config import Settings
from models import registry
from models.errors import NoProductionModelError
from models.predictions import read_predictions
from models.scoring import load_model, predict_records, score_if_production, score_latest
from pipeline import columns as c
from tests.models.gold_factory import STUDENTS


def test_score_if_production_is_a_no_op_before_any_promotion(trained: Settings) -> None:
    assert score_if_production(trained) is None
    with pytest.raises(NoProductionModelError):
        score_latest(trained)


def test_missing_indicators_do_not_crash_scoring(trained: Settings) -> None:
    registry.promote(trained, "3", reason="teste", user="ana")
    model = load_model(trained, "3")
    from models.dataset import load_gold

    gold = load_gold(trained)
    cohort = gold[gold[c.ANO] == 2024].head(20).copy()
    for column in (c.IEG, c.IDA, c.INDE, c.IPP):
        cohort[column] = np.nan
    scored = predict_records(model, cohort.drop(columns=[c.PEDRA, c.IDADE]), history=None)
    assert len(scored) == 20
    assert scored[["p_critical", "p_alert", "p_expected"]].notna().all().all()
    assert all(len(r) == 3 for r in scored["reasons"])
    result = score_if_production(trained)
    assert result is not None and result.n_students == STUDENTS and result.model_version == "3"


def test_cli_promote_and_risk_list(
    trained: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["promote", "--user", "ana"]) == 1  # a reason is required, in Portuguese
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "motivo" in err[0] and "--reason" in err[0]
    assert read_predictions(trained).empty  # nothing was promoted
    assert main(["promote", "--user", "ana", "--reason", "primeira lista"]) == 0
    out = tmp_path / "lista.xlsx"
    assert main(["risk-list", "--classe", "critico,alert", "--top", "5", "--out", str(out)]) == 0
    assert out.stat().st_size > 0
    csv_out = tmp_path / "lista.csv"
    assert main(["risk-list", "--format", "csv", "--out", str(csv_out)]) == 0
    text = csv_out.read_text(encoding="utf-8-sig")
    assert "Versão do modelo" in text
    lines = text.splitlines()
    table = lines[lines.index("") + 1 :]  # the header block ends with a blank line
    assert len(table) == 1 + len(read_predictions(trained))  # column names + one per student
    assert main(["risk-list", "--out", str(tmp_path / "none" / "x.csv")]) == 1
    assert "Não foi possível gravar" in capsys.readouterr().err


def test_cli_errors_are_one_line(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "--preset", "persistence"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "camada gold" in err[0]
    assert main(["rollback"]) == 1
    assert "passos: erro:" in capsys.readouterr().err


def test_lists_of_an_earlier_year_are_read_by_year(trained: Settings) -> None:
    from models.predictions import version_scored_for

    assert version_scored_for(trained, 2024) is None
    registry.promote(trained, "3", reason="teste", user="ana")
    assert version_scored_for(trained, 2024) == "3"
    latest = read_predictions(trained)
    same = read_predictions(trained, version="3", ano=2024)
    assert same["ra"].tolist() == latest["ra"].tolist()
    assert read_predictions(trained, version="3", ano=2023).empty  # never scored for 2023


def test_predictions_table_follows_the_prediction_contract() -> None:
    """The table, the read frame and the contract module name the same columns in one order."""
    from models import columns as pc
    from models.tables import predictions

    assert tuple(col.name for col in predictions.columns) == pc.PREDICTION_COLUMNS

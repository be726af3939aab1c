"""Predictions are history: a year's list stays the one given, whatever comes later."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from cli.main import main
from config import Settings
from config.errors import PassosError
from cycle.followup import follow_up_year
from models import columns as pc
from models import registry
from models.export import build_risk_list
from models.predictions import published_list, published_years, read_predictions
from models.scoring import apply_retention, expired_years, score_latest
from models.tables import models_engine, predictions
from pipeline import columns as c
from tests.models.gold_factory import synthetic_gold, write_gold

EXPORTED = datetime(2026, 1, 5, 13, 0, tzinfo=UTC)


def _export(settings: Settings, ano: int | None = None) -> bytes:
    content, _meta = build_risk_list(settings, "csv", ano=ano, exported_at=EXPORTED)
    return content


@pytest.fixture
def two_cycles(trained: Settings) -> tuple[Settings, bytes, pd.DataFrame]:
    """Year 2023's list given by version 3; then 2024 arrives, is scored, and 4 is promoted."""
    full = synthetic_gold()
    write_gold(trained, full[full[c.ANO] <= 2023])
    registry.promote(trained, "3", reason="primeira lista", user="ana")
    before = _export(trained, 2023)
    given = read_predictions(trained, ano=2023)
    write_gold(trained, full)
    score_latest(trained)  # the upload of 2024, scored by version 3
    registry.promote(trained, "4", reason="modelo novo", user="ana")
    return trained, before, given


def test_a_years_list_is_unchanged_by_the_next_year_and_a_promotion(
    two_cycles: tuple[Settings, bytes, pd.DataFrame],
) -> None:
    settings, before, given = two_cycles
    assert _export(settings, 2023) == before  # byte-identical
    again = read_predictions(settings, ano=2023)
    pd.testing.assert_frame_equal(again, given)
    assert set(again[pc.MODEL_VERSION]) == {"3"}
    latest = read_predictions(settings)
    assert set(latest[c.ANO]) == {2024} and set(latest[pc.MODEL_VERSION]) == {"4"}
    assert published_years(settings) == [2024, 2023]
    listed = published_list(settings, 2023)
    assert listed is not None and listed.model_version == "3"
    assert listed.threshold_critical is not None and listed.threshold_lagging is not None
    # version 3 keeps its 2024 rows too (history per version and year), not published any more
    with models_engine(settings).connect() as conn:
        kept = conn.execute(select(predictions.c.model_version, predictions.c.ano).distinct()).all()
    assert {(str(v), int(a)) for v, a in kept} == {("3", 2023), ("3", 2024), ("4", 2024)}


def test_rescoring_a_year_replaces_only_that_year(
    two_cycles: tuple[Settings, bytes, pd.DataFrame],
) -> None:
    settings, before, _given = two_cycles
    score_latest(settings)  # re-scores 2024 with production (4)
    assert _export(settings, 2023) == before
    assert len(read_predictions(settings)) == (synthetic_gold()[c.ANO] == 2024).sum()


def test_cli_risk_list_by_year_and_unknown_year(
    two_cycles: tuple[Settings, bytes, pd.DataFrame],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings, _before, given = two_cycles
    out = tmp_path / "2023.csv"
    assert main(["risk-list", "--ano", "2023", "--format", "csv", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert "Ano dos dados;2023" in text and "Versão do modelo;3" in text
    lines = text.splitlines()
    table = lines[lines.index("") + 1 :]
    assert [row.split(";")[1] for row in table[1:]] == given[c.RA].tolist()
    assert main(["risk-list", "--ano", "2019", "--out", str(tmp_path / "x.csv")]) == 1
    err = capsys.readouterr().err
    assert "Não há lista de risco para 2019" in err and "2023, 2024" in err


def _independent_next_classes(gold: pd.DataFrame, ano: int) -> dict[str, str]:
    """The next-year class straight from the next year's Defasagem (cuts −2 / −1)."""
    nxt = gold[gold[c.ANO] == ano + 1]
    out = {}
    for ra, lag in zip(nxt[c.RA].astype(str), nxt[c.DEFASAGEM], strict=True):
        out[ra] = "critical" if lag <= -2 else "alert" if lag <= -1 else "expected"
    return out


def test_follow_up_matches_an_independent_count(
    two_cycles: tuple[Settings, bytes, pd.DataFrame],
) -> None:
    settings, _before, given = two_cycles
    real = _independent_next_classes(synthetic_gold(), 2023)
    at_risk = {"critical", "alert"}
    flagged = [ra for ra, k in zip(given[c.RA], given[pc.CLASSE], strict=True) if k in at_risk]
    seen = [ra for ra in flagged if ra in real]
    hits = [ra for ra in seen if real[ra] in at_risk]
    missed = [
        ra
        for ra, k in zip(given[c.RA], given[pc.CLASSE], strict=True)
        if k not in at_risk and real.get(ra) in at_risk
    ]
    result = follow_up_year(settings, 2023)
    summary = result.summary()
    assert summary["ano"] == 2023 and summary[pc.MODEL_VERSION] == "3"
    assert summary["flagged"] == len(flagged) and summary["known"] == len(seen)
    assert summary["flagged_lagged"] == len(hits) and summary["missed"] == len(missed)
    assert summary["precision"] == pytest.approx(len(hits) / len(seen))
    assert summary["recall"] == pytest.approx(len(hits) / (len(hits) + len(missed)))
    assert sorted(s["ra"] for s in summary["missed_students"]) == sorted(missed)
    crit = [ra for ra, k in zip(given[c.RA], given[pc.CLASSE], strict=True) if k == "critical"]
    exact = [ra for ra in crit if real.get(ra) == "critical"]
    assert summary["by_class"]["critical"]["flagged"] == len(crit)
    assert summary["by_class"]["critical"]["exact"] == len(exact)
    assert 0 < len(hits) and 0 < len(missed)  # the synthetic data exercises both counts


def test_follow_up_says_when_the_next_year_is_not_loaded(
    two_cycles: tuple[Settings, bytes, pd.DataFrame], capsys: pytest.CaptureFixture[str]
) -> None:
    settings, _before, _given = two_cycles
    with pytest.raises(PassosError, match="dados de 2025 ainda não foram carregados"):
        follow_up_year(settings, 2024)
    assert main(["follow-up", "--ano", "2024"]) == 1
    assert "2025 ainda não foram carregados" in capsys.readouterr().err
    assert main(["follow-up", "--json"]) == 0  # newest year with a next year: 2023
    import json

    assert json.loads(capsys.readouterr().out)["ano"] == 2023


def test_retention_keeps_the_most_recent_years(
    two_cycles: tuple[Settings, bytes, pd.DataFrame],
) -> None:
    settings, _before, _given = two_cycles
    assert apply_retention(settings) == []  # default: forever
    assert expired_years([2022, 2023, 2024], 2) == [2022]
    assert expired_years([2023], 2) == []
    keep_one = settings.model_copy(update={"predictions_keep_years": 1})
    assert apply_retention(keep_one) == [2023]
    assert read_predictions(settings, ano=2023).empty
    assert published_years(settings) == [2024]
    assert not read_predictions(settings).empty

"""Exports: one neutralising writer (object and string dtypes), the time zone labelled, the copy
warning in the header, and why each student is in their class."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest
from sqlalchemy import insert

from cli.main import main
from config import Settings
from config.clock import local_text
from config.errors import PassosError
from cycle.copies import KEEP, copy_warnings, review_copy, reviews
from models import registry
from models.decision import class_reason
from models.export import (
    RiskListMeta,
    build_risk_list,
    class_sentence,
    neutralise_frame,
    safe_file_name,
    table_csv_bytes,
)
from pipeline.store import engine_for, year_flags


def test_string_dtype_columns_are_neutralised() -> None:
    frame = pd.DataFrame(
        {
            "source_sheet": pd.array(["=2+5", "PEDE2024", "@SUM(A1)"], dtype="string"),
            "linha": [1, 2, 3],
            "obs": ["+cmd", "ok", None],
        }
    )
    out = neutralise_frame(frame)
    assert out["source_sheet"].tolist() == ["'=2+5", "PEDE2024", "'@SUM(A1)"]
    assert out["obs"].tolist()[:2] == ["'+cmd", "ok"]
    text = table_csv_bytes(frame).decode("utf-8-sig")
    assert "'=2+5" in text and "\n=2+5" not in text and ";=2+5" not in text


def test_dashboard_csv_download_uses_the_same_writer() -> None:
    from dashboard import ui

    frame = pd.DataFrame({"Planilha": pd.array(["=2+5"], dtype="string")})
    assert ui.csv_bytes(frame) == table_csv_bytes(frame)
    assert "'=2+5" in ui.csv_bytes(frame).decode("utf-8-sig")


def test_file_names_cannot_start_a_formula_or_leave_the_folder() -> None:
    assert safe_file_name("=2+5.csv") == "2_5.csv"
    assert safe_file_name("quarentena_=2+5.csv") == "quarentena_2_5.csv"
    assert safe_file_name("../../etc/passwd") == "etc_passwd"
    assert safe_file_name("lista_risco_2024_modelo_v3.xlsx") == "lista_risco_2024_modelo_v3.xlsx"


def test_header_times_are_local_and_labelled() -> None:
    meta = RiskListMeta(
        model_version="3",
        data_year=2024,
        scored_at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
        exported_at=datetime(2026, 3, 2, 2, 30, tzinfo=UTC),
        timezone="America/Sao_Paulo",
        warnings=("Atenção: cópia",),
    )
    rows = dict(meta.header_rows())
    assert rows["Previsões calculadas em"] == "01/03/2026 09:00 (horário de Sao Paulo)"
    assert rows["Exportado em"] == "01/03/2026 23:30 (horário de Sao Paulo)"
    assert rows["AVISO"] == "Atenção: cópia"
    assert "Risco de defasagem" in rows["Ordem da lista"]
    assert (
        local_text(datetime(2026, 3, 1, 12, tzinfo=UTC), "UTC")
        == "01/03/2026 12:00 (horário de UTC)"
    )


def test_timezone_setting_is_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PASSOS_TIMEZONE", "Marte/Olimpo")
    with pytest.raises(ValueError, match="PASSOS_TIMEZONE"):
        Settings()


@pytest.mark.parametrize(
    ("classe", "p_crit", "score", "expected"),
    [
        ("critical", 0.13, 0.40, "Crítico porque P(Crítico) = 13%, acima do limiar de 11%"),
        ("alert", 0.08, 0.40, "mas P(Crítico ou Alerta) = 40% está acima do limiar de 35%"),
        ("expected", 0.03, 0.20, "ficaram abaixo dos limiares de 11% e 35%"),
    ],
)
def test_class_sentence_states_the_rule_with_its_numbers(
    classe: str, p_crit: float, score: float, expected: str
) -> None:
    assert expected in class_sentence(class_reason(classe, p_crit, score, 0.11, 0.35))


def test_class_sentence_without_thresholds_still_gives_the_numbers() -> None:
    text = class_sentence(class_reason("critical", 0.5, 0.7, None, None))
    assert text == "Crítico: P(Crítico) = 50%, P(Crítico ou Alerta) = 70%."


def _flag(settings: Settings, year: int) -> None:
    with engine_for(settings).begin() as conn:
        conn.execute(
            insert(year_flags),
            [
                {
                    "ano": year,
                    "flag": "probable_copy",
                    "detail": "cópia",
                    "share": 0.98,
                    "accepted": False,
                    "created_at": datetime.now(UTC),
                }
            ],
        )


def test_export_of_a_flagged_year_says_so_until_reviewed(trained: Settings) -> None:
    registry.promote(trained, "3", reason="teste", user="ana")
    clean, _ = build_risk_list(trained, "csv")
    assert "AVISO" not in clean.decode("utf-8-sig")
    _flag(trained, 2024)
    content, meta = build_risk_list(trained, "csv")
    text = content.decode("utf-8-sig")
    assert 'AVISO;"Atenção: os dados de 2024 parecem uma cópia dos de 2023' in text
    assert "(Defasagem igual para 98% dos alunos)" in text
    assert meta.warnings and "RA-" not in meta.warnings[0]
    assert "Por que nesta classe" in text and "limiar de" in text
    with pytest.raises(PassosError, match="motivo"):
        review_copy(trained, 2024, KEEP, user="ana", reason="  ")
    review_copy(trained, 2024, KEEP, user="ana", reason="a escola confirmou que é cópia")
    assert copy_warnings(trained, 2024)  # keeping the flag keeps the warning
    assert reviews(trained).iloc[0]["reason"] == "a escola confirmou que é cópia"
    with pytest.raises(PassosError, match="não está marcado"):
        review_copy(trained, 2023, KEEP, user="ana", reason="x")


def test_accept_copy_cli_requires_a_reason(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["accept-copy", "2025"])
    assert exc.value.code == 2
    assert "--reason" in capsys.readouterr().err

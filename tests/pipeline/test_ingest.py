"""Integration: landing → bronze → silver → gold in a temporary data dir with SQLite."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pandas as pd
import pytest
from sqlalchemy import select

from config import Settings
from pipeline import columns as c
from pipeline.errors import PipelineBusyError
from pipeline.ingest import accept_copy, ingest, plan_upload
from pipeline.locking import exclusive
from pipeline.plan import Upload
from pipeline.state import gold_path, silver_path
from pipeline.status import pipeline_status
from pipeline.store import engine_for, ingested_files, online_features, quarantine, year_flags
from tests.conftest import sheet_2023


def test_two_years_publish_gold_with_next_year_target(
    settings: Settings, workbook: Callable[..., bytes]
) -> None:
    y1 = sheet_2023(40, start=1, defasagem=[0] * 40)
    y2 = sheet_2023(40, start=21, defasagem=[-3] * 10 + [-1] * 10 + [0] * 20)
    result = ingest([Upload("PEDE.xlsx", workbook({"PEDE2022": y1, "PEDE2023": y2}))], settings)
    assert result.years_loaded == [2022, 2023]
    assert result.rows["gold"] == {2022: 40, 2023: 40}
    gold = pd.read_parquet(gold_path(settings))
    labelled = gold[gold[c.CLASSE_PROXIMO_ANO].notna()]
    assert len(labelled) == 20  # RA-21..RA-40 are in both years
    assert set(labelled[c.RA]) == {f"RA-{i}" for i in range(21, 41)}
    # RA-21..30 had defasagem -3 next year (critical), RA-31..40 -1 (alert)
    by_ra = labelled.set_index(c.RA)[c.CLASSE_PROXIMO_ANO]
    assert by_ra["RA-21"] == c.CRITICAL and by_ra["RA-31"] == c.ALERT
    assert gold.loc[gold[c.ANO] == 2023, c.CLASSE_PROXIMO_ANO].isna().all()
    assert result.drift_pending == [2023]
    # quirks normalised in silver
    silver = pd.read_parquet(silver_path(settings, 2023))
    assert set(silver[c.PEDRA].dropna()) <= set(c.PEDRAS) and "Ágata" in set(silver[c.PEDRA])
    assert silver[c.IDADE].between(8, 13).all()
    assert set(silver[c.FASE]) == {0, 1, 2, 3}
    assert silver[c.RA].map(type).eq(str).all()


def test_same_content_twice_is_reported_not_ingested(
    settings: Settings, workbook: Callable[..., bytes]
) -> None:
    upload = Upload("PEDE_2023.xlsx", workbook({"PEDE2023": sheet_2023(30)}))
    ingest([upload], settings)
    again = ingest([Upload("copia.xlsx", upload.content)], settings)
    assert again.skipped_files == ["copia.xlsx"] and not again.changed
    with engine_for(settings).connect() as conn:
        assert len(conn.execute(select(ingested_files)).all()) == 1
    assert len(list(settings.layer("landing").iterdir())) == 1


def test_replace_keeps_previous_version_in_archive(
    settings: Settings, workbook: Callable[..., bytes]
) -> None:
    ingest([Upload("PEDE_2023.xlsx", workbook({"PEDE2023": sheet_2023(30)}))], settings)
    old = pd.read_parquet(silver_path(settings, 2023))
    ingest(
        [Upload("PEDE_2023_v2.xlsx", workbook({"PEDE2023": sheet_2023(35)}))],
        settings,
        replace=True,
    )
    assert len(pd.read_parquet(silver_path(settings, 2023))) == 35
    archived = list(settings.layer("archive").rglob("ano=2023.parquet"))
    assert len(archived) == 1
    pd.testing.assert_frame_equal(pd.read_parquet(archived[0]), old)
    with engine_for(settings).connect() as conn:
        rows = conn.execute(
            select(ingested_files.c.file_name, ingested_files.c.superseded_at)
        ).all()
    assert {r.file_name: r.superseded_at is None for r in rows} == {
        "PEDE_2023.xlsx": False,
        "PEDE_2023_v2.xlsx": True,
    }


def test_broken_rows_go_to_quarantine_with_reason_and_the_rest_goes_on(
    settings: Settings, workbook: Callable[..., bytes]
) -> None:
    sheet = sheet_2023(30).astype({"IEG": object, "Defasagem": object})
    sheet.loc[3, "IEG"] = 14.0
    sheet.loc[4, "Defasagem"] = None
    sheet.loc[5, "RA"] = None
    sheet.loc[6, "Gênero"] = "Outro"  # unknown spelling → null, not quarantined
    result = ingest([Upload("PEDE_2023.xlsx", workbook({"PEDE2023": sheet}))], settings)
    assert result.rows["silver"][2023] == 27
    assert result.rows["quarantine"][2023] == 3
    with engine_for(settings).connect() as conn:
        rows = conn.execute(select(quarantine).order_by(quarantine.c.source_row)).all()
    reasons = {r.source_row: r.reason for r in rows}
    assert reasons == {
        5: "IEG fora da escala 0–10",
        6: "Defasagem ausente ou ilegível",
        7: "RA ausente ou fora do formato RA-<número>",
    }
    assert [f.flag for f in result.flags] == ["many_quarantined"]


def test_contract_violations_found_by_pandera_are_quarantined(
    settings: Settings, workbook: Callable[..., bytes]
) -> None:
    sheet = sheet_2023(30)
    sheet.loc[2, "Idade"] = 99
    plan = plan_upload(Upload("PEDE_2023.xlsx", workbook({"PEDE2023": sheet})), settings)
    quarantined = plan.sheets[0].quarantine
    assert quarantined["source_row"].tolist() == [4]
    assert "idade: valor fora do intervalo" in quarantined["reason"].iloc[0]


def test_probable_copy_is_flagged_and_kept_out_of_labels_until_accepted(
    settings: Settings, workbook: Callable[..., bytes]
) -> None:
    ingest([Upload("PEDE_2023.xlsx", workbook({"PEDE2023": sheet_2023(40)}))], settings)
    copy = sheet_2023(40).rename(columns={"INDE 2023": "INDE 2024", "Pedra 2023": "Pedra 2024"})
    result = ingest([Upload("PEDE_2024.xlsx", workbook({"PEDE2024": copy}))], settings)
    assert [f.flag for f in result.flags] == ["probable_copy"]
    assert "provável cópia" in result.flags[0].detail
    gold = pd.read_parquet(gold_path(settings))
    assert gold.loc[gold[c.ANO] == 2023, c.TRANSICAO_SUSPEITA].all()
    accept_copy(settings, 2024, user="coord")
    gold = pd.read_parquet(gold_path(settings))
    assert not gold[c.TRANSICAO_SUSPEITA].any()
    with engine_for(settings).connect() as conn:
        flag = conn.execute(select(year_flags)).one()
    assert flag.accepted and "coord" in flag.detail


def test_normal_year_is_not_a_probable_copy(
    settings: Settings, workbook: Callable[..., bytes]
) -> None:
    ingest([Upload("PEDE_2023.xlsx", workbook({"PEDE2023": sheet_2023(40)}))], settings)
    changed = sheet_2023(40, defasagem=[(i % 3) - 1 for i in range(40)]).rename(
        columns={"INDE 2023": "INDE 2024", "Pedra 2023": "Pedra 2024"}
    )
    result = ingest([Upload("PEDE_2024.xlsx", workbook({"PEDE2024": changed}))], settings)
    assert result.flags == []


def test_online_store_holds_latest_year_per_student(
    settings: Settings, workbook: Callable[..., bytes]
) -> None:
    ingest(
        [
            Upload(
                "PEDE.xlsx",
                workbook({"PEDE2022": sheet_2023(10), "PEDE2023": sheet_2023(10, start=6)}),
            )
        ],
        settings,
    )
    with engine_for(settings).connect() as conn:
        rows = conn.execute(select(online_features.c.ra, online_features.c.ano)).all()
    years = dict(rows)
    assert len(years) == 15
    assert years["RA-1"] == 2022 and years["RA-6"] == 2023 and years["RA-15"] == 2023


def test_ptbr_csv_latin1_comma_decimals(settings: Settings) -> None:
    sheet = sheet_2023(20).drop(columns=["Idade"]).assign(Idade=10)
    content = sheet.to_csv(index=False, sep=";", decimal=",").encode("latin-1")
    result = ingest([Upload("PEDE_2023.csv", content)], settings)
    assert result.rows["silver"][2023] == 20
    silver = pd.read_parquet(silver_path(settings, 2023))
    assert silver[c.IAA].iloc[1] == pytest.approx(8.0)
    assert silver[c.GENERO].iloc[0] == "M"


def test_several_files_in_one_upload(settings: Settings, workbook: Callable[..., bytes]) -> None:
    uploads = [
        Upload(
            "PEDE_2022.xlsx",
            workbook(
                {"Planilha1": sheet_2023(20).drop(columns=["INDE 2023", "Pedra 2023", "INDE 22"])}
            ),
        ),
        Upload("PEDE_2023.xlsx", workbook({"PEDE2023": sheet_2023(20)})),
    ]
    result = ingest(uploads, settings)
    assert result.years_loaded == [2022, 2023]


def test_second_run_while_one_is_in_progress_is_refused(
    settings: Settings, workbook: Callable[..., bytes]
) -> None:
    settings.ensure_dirs()
    holding = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with exclusive(settings.lock_path):
            holding.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    holding.wait(10)
    try:
        with pytest.raises(PipelineBusyError, match="em andamento"):
            ingest([Upload("PEDE_2023.xlsx", workbook({"PEDE2023": sheet_2023(10)}))], settings)
    finally:
        release.set()
        thread.join()
    assert not gold_path(settings).exists()
    assert ingest(
        [Upload("PEDE_2023.xlsx", workbook({"PEDE2023": sheet_2023(10)}))], settings
    ).changed


def test_failed_run_is_recorded_in_status(settings: Settings) -> None:
    with pytest.raises(Exception, match="vazio"):
        ingest([Upload("PEDE_2023.xlsx", b"")], settings)
    status = pipeline_status(settings)
    assert status["years"] == []
    assert status["last_run"]["status"] == "failed"
    assert "vazio" in status["last_run"]["summary"]["error"]


def test_legacy_xls_workbook(settings: Settings) -> None:
    import io

    import xlwt  # dev dependency: writes the old binary Excel format

    frame = sheet_2023(12).drop(columns=["Idade"])
    book = xlwt.Workbook()
    sheet = book.add_sheet("PEDE2023")
    for col, header in enumerate(frame.columns):
        sheet.write(0, col, header)
        for row, value in enumerate(frame[header], start=1):
            if not pd.isna(value):
                sheet.write(row, col, value)
    buffer = io.BytesIO()
    book.save(buffer)
    result = ingest([Upload("PEDE_2023.xls", buffer.getvalue())], settings)
    assert result.rows["silver"] == {2023: 12}
    silver = pd.read_parquet(silver_path(settings, 2023))
    assert silver[c.FASE].tolist()[:4] == [0, 1, 2, 3]

"""Actions through the pages: upload (good and bad file), promotion and revert, export."""

from __future__ import annotations

from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from config import Settings
from dashboard import audit, modelapi
from pipeline.state import load_state
from tests.conftest import sheet_2023, to_xlsx
from tests.dashboard.conftest import assert_clean, open_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_upload_good_file_previews_then_processes(
    empty: Settings, app: Callable[..., AppTest]
) -> None:
    at = app("coordenador", user="maria")
    open_page(at, "dados")
    at.file_uploader[0].upload("PEDE_2023.xlsx", to_xlsx({"PEDE2023": sheet_2023(30)}), XLSX)
    at.run()
    assert_clean(at)
    assert not load_state(empty).loaded_years  # preview writes nothing
    assert any("2023" in m.value and "30 linhas" in m.value for m in at.markdown)
    process = next(b for b in at.button if b.key == "dados_process")
    assert not process.disabled
    process.click().run()
    assert_clean(at)
    assert load_state(empty).loaded_years == {2023}
    assert any("sucesso" in s.value for s in at.success)
    log = audit.entries(empty, (audit.UPLOAD,))
    assert list(log["username"]) == ["maria"]


def test_upload_bad_file_shows_message_and_writes_nothing(
    empty: Settings, app: Callable[..., AppTest]
) -> None:
    at = app("coordenador")
    open_page(at, "dados")
    at.file_uploader[0].upload("PEDE_2024.xlsx", b"%PDF-1.4 not a workbook", XLSX)
    at.run()
    assert_clean(at)
    assert any("planilha" in e.value for e in at.error)
    assert next(b for b in at.button if b.key == "dados_process").disabled
    assert not load_state(empty).loaded_years


def test_year_selector_when_the_year_is_unknown(
    empty: Settings, app: Callable[..., AppTest]
) -> None:
    at = app("coordenador")
    open_page(at, "dados")
    sheet = sheet_2023(20).rename(columns={"INDE 2023": "INDE", "Pedra 2023": "Pedra"})
    sheet = sheet.drop(columns=["INDE 22"])
    at.file_uploader[0].upload("alunos.xlsx", to_xlsx({"Planilha1": sheet}), XLSX)
    at.run()
    year = next(s for s in at.selectbox if s.key and s.key.startswith("dados_year_"))
    year.select(2023).run()
    assert_clean(at)
    assert any("ano **2023**" in m.value for m in at.markdown)


def test_promote_and_revert_from_the_models_page(
    product_copy: Settings, app: Callable[..., AppTest]
) -> None:
    assert modelapi.production_version(product_copy) == "2"
    at = app("admin", user="chefe")
    open_page(at, "modelos")
    at.selectbox(key="modelos_challenger").select("1").run()
    assert at.button(key="modelos_promote").disabled  # no reason, no promotion
    at.text_area(key="modelos_promote_reason").input("teste de promoção pelo painel").run()
    at.button(key="modelos_promote").click().run()
    assert_clean(at)
    assert modelapi.production_version(product_copy) == "2"  # asks first, names what changes
    shown = " ".join(m.value for m in at.markdown)
    assert "passa a gerar a lista de risco no lugar da versão 2" in shown
    assert "dos 100 alunos de maior risco hoje sairiam da lista" in shown
    assert "a produção v2" in shown and "IC 95%" in shown  # paired difference with production
    verdict = " ".join(e.value for e in at.error) + " ".join(s.value for s in at.success)
    assert "versão 1" in verdict
    at.button(key="modelos_cancel").click().run()
    assert modelapi.production_version(product_copy) == "2"
    at.button(key="modelos_promote").click().run()
    at.button(key="modelos_confirm").click().run()
    assert_clean(at)
    assert modelapi.production_version(product_copy) == "1"
    assert modelapi.previous_version(product_copy) == "2"
    at.button(key="modelos_rollback").click().run()
    assert_clean(at)
    assert modelapi.production_version(product_copy) == "2"
    actions = audit.entries(product_copy, (audit.PROMOTE, audit.REVERT))
    assert sorted(actions["action"]) == ["promote", "revert"]
    assert set(actions["username"]) == {"chefe"}


def test_export_matches_the_models_export_and_is_audited(
    product: Settings, app: Callable[..., AppTest]
) -> None:
    at = app("coordenador", user="ana")
    open_page(at, "risco")
    listed = modelapi.read_predictions(product, classes=("critical", "alert"))
    mine = modelapi.risk_list_bytes(product, listed, "csv", classes=("critical", "alert"))
    rows = mine.decode("utf-8-sig").split("\r\n")
    table = rows[rows.index("") + 1 :]
    assert len([r for r in table if r]) == len(listed) + 1  # header + one row per student
    before = len(audit.entries(product, (audit.EXPORT,)))
    next(b for b in at.get("download_button") if b.key == "risco_download_csv").click().run()
    assert_clean(at)
    assert len(audit.entries(product, (audit.EXPORT,))) == before + 1

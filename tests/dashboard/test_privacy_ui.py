"""*Aluno* logs who opened a student and lets an admin erase them; *Contas* shows the access log."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from streamlit.testing.v1 import AppTest

from config import Settings
from cycle import privacy
from dashboard import audit
from pipeline import columns as c
from pipeline.state import gold_path
from tests.dashboard.conftest import assert_clean, open_page


def _ra(settings: Settings) -> str:
    return str(pd.read_parquet(gold_path(settings))[c.RA].iloc[0])


def _pick(at: AppTest, ra: str) -> AppTest:
    return at.selectbox(key="aluno_ra").select(ra).run()


def test_opening_a_student_is_logged_once_and_coordinators_cannot_erase(
    product_copy: Settings, app: Callable[..., AppTest]
) -> None:
    ra = _ra(product_copy)
    at = _pick(open_page(app("coordenador", "coord1"), "aluno"), ra)
    assert_clean(at)
    at.run()  # a rerun of the same student is not a second access
    log = audit.entries(product_copy, (privacy.VIEW_STUDENT,))
    assert log["username"].tolist() == ["coord1"]
    assert log["detail"].iloc[0] == {"ra": ra}
    assert not [f for f in at.get("form") if "aluno_erase" in str(f.proto)]
    contas = open_page(app("admin"), "contas")
    assert_clean(contas)
    shown = contas.dataframe[-1].value  # the access log is the last table of the page
    assert ra in shown.to_string()


def test_admin_erases_a_student_after_typing_the_ra(
    product_copy: Settings, app: Callable[..., AppTest]
) -> None:
    ra = _ra(product_copy)
    at = _pick(open_page(app("admin"), "aluno"), ra)
    at.text_input(key="aluno_erase_reason").input("pedido do responsável")
    at.text_input(key="aluno_erase_confirm").input("RA-errado")
    at = _submit(at)
    assert ra in set(pd.read_parquet(gold_path(product_copy))[c.RA])  # wrong RA: nothing erased
    at.text_input(key="aluno_erase_reason").input("pedido do responsável")
    at.text_input(key="aluno_erase_confirm").input(ra)
    at = _submit(at)
    assert_clean(at)
    assert ra not in set(pd.read_parquet(gold_path(product_copy))[c.RA])
    assert audit.entries(product_copy, (privacy.ERASE,))["username"].tolist() == ["tester"]


def _submit(at: AppTest) -> AppTest:
    button = next(b for b in at.get("form_submit_button") if "aluno_erase" in str(b.proto))
    return button.click().run()

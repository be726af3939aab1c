"""Every page renders for both roles, on an empty data dir and on a trained product."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from config import Settings
from tests.dashboard.conftest import ADMIN_PASSWORD, PAGES, assert_clean, open_page

ROLES = ("coordenador", "admin")


@pytest.mark.parametrize("role", ROLES)
def test_every_page_renders_on_an_empty_install(
    empty: Settings, app: Callable[..., AppTest], role: str
) -> None:
    at = app(role)
    for page in PAGES:
        open_page(at, page)
        assert_clean(at)
        assert at.title, page
        # Nothing loaded yet: each page says what to do instead of failing.
        if page not in {"dados", "experimentos", "modelos"}:
            assert at.info, page


@pytest.mark.parametrize("role", ROLES)
def test_every_page_renders_with_a_model_in_production(
    product: Settings, app: Callable[..., AppTest], role: str
) -> None:
    at = app(role)
    for page in PAGES:
        open_page(at, page)
        assert_clean(at)
    open_page(at, "risco")
    table = next(d.value for d in at.dataframe if "rank" in d.value.columns)
    assert len(table) > 0 and table["rank"].is_monotonic_increasing
    assert {"csv", "xlsx"} <= {b.key.rsplit("_", 1)[-1] for b in at.get("download_button")}


def test_admin_sees_training_promotion_and_accounts_coordinator_does_not(
    product: Settings, app: Callable[..., AppTest]
) -> None:
    coord = app("coordenador")
    open_page(coord, "experimentos")
    assert not [b for b in coord.button if b.key == "exp_train"]
    open_page(coord, "modelos")
    assert not [b for b in coord.button if b.key == "modelos_promote"]
    with pytest.raises(ValueError):
        coord.switch_page("views/contas.py")
    admin = app("admin")
    open_page(admin, "modelos")
    assert [b for b in admin.button if b.key == "modelos_promote"]
    open_page(admin, "contas")
    assert_clean(admin)


def test_english_switch_translates_the_page(product: Settings, app: Callable[..., AppTest]) -> None:
    at = app("coordenador")
    open_page(at, "inicio")
    assert at.title[0].value == "Visão geral"
    at.session_state["sidebar_lang"] = "en"
    at.run()
    assert at.title[0].value == "Overview"


def test_sign_in_with_first_start_admin(empty: Settings, app: Callable[..., AppTest]) -> None:
    at = app(None)
    at.run()
    assert at.title[0].value == "Entrar"
    at.text_input(key="signin_username").input("admin")
    at.text_input(key="signin_password").input("wrong-password")
    at.button[0].click().run()
    assert at.error and "incorretos" in at.error[0].value
    at.text_input(key="signin_username").input("admin")
    at.text_input(key="signin_password").input(ADMIN_PASSWORD)
    at.button[0].click().run()
    assert_clean(at)
    assert at.title[0].value == "Visão geral"

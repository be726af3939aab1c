"""Sessions in Debian's chromium: a student link survives sign-in and F5; a disabled account's
open tab is signed out on its next action and its download URL dies with the session."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PASSWORD, Dashboard

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]
TIMEOUT_MS = 120_000
COORDINATOR = "coord2"
COORDINATOR_PASSWORD = "caderno-de-campo-azul-3"


def _settled(page: object) -> None:
    page.wait_for_timeout(300)  # type: ignore[attr-defined]
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=TIMEOUT_MS)  # type: ignore[attr-defined]


def _sign_in(page: object, user: str, password: str) -> None:
    page.get_by_label("Usuário").fill(user)  # type: ignore[attr-defined]
    page.get_by_label("Senha").fill(password)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Entrar").click()  # type: ignore[attr-defined]


def _heading(page: object) -> str:
    return str(page.locator("h1").first.inner_text()).strip()  # type: ignore[attr-defined]


def _chosen_student(page: object) -> str:
    """What the student picker shows (its text, or its input's value)."""
    box = page.locator('[data-testid="stSelectbox"]').first  # type: ignore[attr-defined]
    box.wait_for()
    inputs = box.locator("input")
    shown = inputs.first.input_value() if inputs.count() else ""
    return f"{box.inner_text()} {shown}"


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_student_link_signs_in_to_that_student_and_survives_reload(
    dashboard: Dashboard,
) -> None:
    from playwright.sync_api import sync_playwright

    from config import Settings
    from dashboard import modelapi

    ra = str(modelapi.read_predictions(Settings(data_dir=dashboard.data_dir), top=1)["ra"].iloc[0])
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        page.set_default_timeout(TIMEOUT_MS)
        try:
            page.goto(f"{dashboard.url}/aluno?ra={ra}")
            page.get_by_role("button", name="Entrar").wait_for()
            assert _heading(page) == "Entrar"
            _sign_in(page, "admin", PASSWORD)
            page.get_by_role("heading", name="Aluno", exact=True).wait_for()
            _settled(page)
            assert page.url.endswith(f"/aluno?ra={ra}")
            assert ra in _chosen_student(page), _chosen_student(page)

            page.reload()
            page.get_by_role("heading", name="Aluno", exact=True).wait_for()
            _settled(page)
            assert page.url.endswith(f"/aluno?ra={ra}")
            assert page.get_by_role("button", name="Entrar").count() == 0
            assert ra in _chosen_student(page), _chosen_student(page)

            # Signing out ends the session for good and leaves the student's address: F5 shows
            # the sign-in form at the start address.
            page.get_by_role("button", name="Sair").click()
            page.get_by_role("button", name="Entrar").wait_for()
            _settled(page)
            assert "aluno" not in page.url and ra not in page.url
            page.reload()
            page.get_by_role("button", name="Entrar").wait_for()
            _settled(page)
            assert _heading(page) == "Entrar"
        finally:
            browser.close()


def test_disabled_account_is_signed_out_on_its_next_action(dashboard: Dashboard) -> None:
    from playwright.sync_api import sync_playwright

    from config import Settings
    from dashboard import auth

    settings = Settings(data_dir=dashboard.data_dir)
    auth.create_user(settings, COORDINATOR, COORDINATOR_PASSWORD, "coordenador", "teste")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_context(
            viewport={"width": 1400, "height": 1000}, accept_downloads=True
        ).new_page()
        page.set_default_timeout(TIMEOUT_MS)
        try:
            page.goto(f"{dashboard.url}/risco")
            _sign_in(page, COORDINATOR, COORDINATOR_PASSWORD)
            page.locator('[data-testid="stDataFrame"]').first.wait_for()
            _settled(page)
            with page.expect_download() as info:
                page.get_by_role("button", name="Baixar CSV").click()
            download_url = info.value.url
            assert _status(download_url) == 200

            auth.set_active(settings, COORDINATOR, False, "admin")  # as the admin would
            page.locator('[data-testid="stSidebarNav"]').get_by_role(
                "link", name="Início", exact=True
            ).click()
            page.get_by_role("button", name="Entrar").wait_for()
            _settled(page)
            assert _heading(page) == "Entrar"
            assert page.get_by_text("Sua sessão terminou").count()
            assert page.locator('[data-testid="stDataFrame"]').count() == 0
            assert _status(download_url) == 404

            page.reload()  # the cookie no longer signs anyone in
            page.get_by_role("button", name="Entrar").wait_for()
            _settled(page)
            assert _heading(page) == "Entrar"
        finally:
            browser.close()

"""Mudanças nos dados: a plain verdict for coordinators; statistics and Evidently for admins."""

from __future__ import annotations

from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from config import Settings
from dashboard.i18n import CATALOG, t
from pipeline import drift
from tests.dashboard.conftest import assert_clean, open_page

JARGON = ("wasserstein", "jensen", "evidently", "drift", "total_variation", "nivel_ausente")


def _page_text(at: AppTest) -> str:
    parts = [
        e.value
        for kind in ("title", "caption", "markdown", "success", "warning", "info")
        for e in getattr(at, kind)
    ]
    parts += [e.label for e in at.expander]
    return " ".join(str(p) for p in parts).lower()


def test_coordinator_reads_the_verdict_without_statistics(
    product: Settings, app: Callable[..., AppTest]
) -> None:
    at = open_page(app("coordenador"), "drift")
    assert_clean(at)
    assert at.title[0].value == "Mudanças nos dados"
    verdicts = [e.value for e in (*at.success, *at.warning)]
    assert any("Dados de 2024: normal" in v or "Mudança relevante" in v for v in verdicts)
    assert any("modelo em produção" in cap.value for cap in at.caption)  # the reference, in words
    text = _page_text(at)
    assert not [word for word in JARGON if word in text], text
    assert not [d for d in at.dataframe if t("drift.col_method") in d.value.columns]


def test_admin_sees_the_statistics_per_column(
    product: Settings, app: Callable[..., AppTest]
) -> None:
    at = open_page(app("admin"), "drift")
    assert_clean(at)
    table = next(d.value for d in at.dataframe if t("drift.col_method") in d.value.columns)
    assert set(table[t("drift.col_column")]) == {*drift.NUMERIC_COLUMNS, *drift.CATEGORICAL_COLUMNS}


def test_every_compared_column_has_a_plain_label() -> None:
    for column in (*drift.NUMERIC_COLUMNS, *drift.CATEGORICAL_COLUMNS):
        assert f"drift.col.{column}" in CATALOG, column

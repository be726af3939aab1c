"""What the *Dados* preview says about an upload beyond its rows (kept apart from the page so
that it can be tested without rendering it)."""

from __future__ import annotations

from dashboard.i18n import t
from pipeline.tables import TableLayout


def layout_line(layout: TableLayout) -> str:
    """One plain sentence of what was left out around the table ('' when nothing was)."""
    parts = []
    if layout.rows_above:
        parts.append(t("dados.layout_above", n=layout.rows_above))
    if layout.split_header:
        parts.append(t("dados.layout_split", n=len(layout.header_rows)))
    if layout.rows_below:
        parts.append(t("dados.layout_below", n=layout.rows_below))
    if layout.empty_columns:
        parts.append(t("dados.layout_empty", columns=", ".join(layout.empty_columns)))
    if not parts:
        return ""
    return t("dados.layout_skipped", parts="; ".join(parts))

"""Risco: the ranked Critical and Alert list of a year (the latest by default), filtered, cut and
exported; each student's class explained in one sentence, the order's score visible."""

from __future__ import annotations

from typing import Any, Final

import pandas as pd
import streamlit as st

from config import Settings
from dashboard import audit, data, modelapi, ui
from dashboard.i18n import t
from models import columns as pc
from pipeline import columns as c

FILTERS: Final = (c.FASE, c.TURMA, c.INSTITUICAO, c.PEDRA, c.ESCOLA)


def render() -> None:
    cfg = data.settings()
    ver = data.versions(cfg)
    st.title(t("risco.title"))
    if not ver.model:
        ui.next_step("risco.no_model")
        return
    ano = _year(cfg, ver)
    frame = data.risk_frame(cfg, ver, ano)
    if frame.empty:
        ui.next_step("risco.no_predictions")
        return
    year = int(frame[c.ANO].max())
    version = str(frame[pc.MODEL_VERSION].iloc[0])
    published = data.published(cfg.db_url, str(cfg.data_dir), ver.key, year)
    ui.copy_banner(cfg, year)
    st.caption(t("risco.caption", year=year, version=version, next_year=year + 1))
    st.caption(t("why.order"))
    chosen, classes = _filters(frame)
    listed = chosen[chosen[pc.CLASSE].isin(classes)]
    capacity = st.number_input(
        t("risco.capacity"),
        min_value=1,
        value=None,
        step=10,
        placeholder=t("risco.capacity_all"),
        help=t("risco.capacity_help"),
        key="risco_capacity",
    )
    if capacity:
        listed = listed.head(int(capacity))
    _summary(listed, len(chosen))
    _table(listed, published)
    _export(
        cfg,
        listed,
        version=version,
        year=year,
        classes=classes,
        top=int(capacity) if capacity else None,
    )


def _year(cfg: Settings, ver: data.Versions) -> int | None:
    """The year whose list to show: the latest by default, any earlier list on request."""
    years = data.published_years(cfg.db_url, str(cfg.data_dir), ver.key)
    if len(years) < 2:  # noqa: PLR2004 - a selector needs two years
        return None
    chosen: int = st.selectbox(
        t("risco.year"), options=years, index=0, help=t("risco.year_help"), key="risco_year"
    )
    return None if chosen == years[0] else int(chosen)


def _filters(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    classes = st.pills(
        t("risco.classes"),
        options=list(ui.CLASS_ORDER),
        default=list(pc.AT_RISK_CLASSES),
        selection_mode="multi",
        format_func=ui.class_label,
        key="risco_classes",
    )
    cols = st.columns(len(FILTERS))
    chosen = frame
    for col, name in zip(cols, FILTERS, strict=True):
        if name not in frame.columns:
            continue
        values = sorted(frame[name].dropna().unique().tolist(), key=str)
        picked = col.multiselect(
            t(f"col.{name}"),
            options=values,
            placeholder=t("risco.filter_all"),
            format_func=_value_label(name),
            key=f"risco_filter_{name}",
        )
        if picked:
            chosen = chosen[chosen[name].isin(picked)]
    return chosen, list(classes or pc.AT_RISK_CLASSES)


def _value_label(column: str) -> Any:
    if column == c.INSTITUICAO:
        return lambda v: t(f"instituicao.{v}")
    return str


def _summary(listed: pd.DataFrame, total: int) -> None:
    counts = listed[pc.CLASSE].value_counts()
    st.markdown(
        t(
            "risco.summary",
            n=len(listed),
            critical=int(counts.get("critical", 0)),
            alert=int(counts.get("alert", 0)),
            total=total,
        )
    )


def reasons_columns(reasons: pd.Series) -> pd.DataFrame:
    """Three reason columns from the list the model wrote for each student."""

    def pick(value: Any, i: int) -> str:
        items = list(value) if isinstance(value, list | tuple) else []
        return str(items[i]) if i < len(items) else ""

    return pd.DataFrame(
        {f"reason_{i + 1}": reasons.map(lambda v, i=i: pick(v, i)) for i in range(3)},
        index=reasons.index,
    )


def _table(listed: pd.DataFrame, published: Any) -> None:
    if listed.empty:
        st.info(t("risco.empty"))
        return
    reasons = reasons_columns(listed[pc.REASONS])
    why = [ui.why_sentence(row, published) for _, row in listed.iterrows()]
    view = pd.DataFrame(
        {
            pc.RANK: listed[pc.RANK],
            c.RA: listed[c.RA],
            c.NOME: listed.get(c.NOME),
            c.FASE: listed.get(c.FASE),
            c.TURMA: listed.get(c.TURMA),
            pc.CLASSE: listed[pc.CLASSE].map(ui.class_label),
            pc.RISK_SCORE: listed[pc.RISK_SCORE],
            pc.P_CRITICAL: listed[pc.P_CRITICAL],
            pc.P_ALERT: listed[pc.P_ALERT],
            "why": why,
            **{col: reasons[col] for col in reasons.columns},
        },
        index=listed.index,
    )
    prob = {"min_value": 0.0, "max_value": 1.0, "format": "percent"}
    st.dataframe(
        view,
        hide_index=True,
        key="risco_table",
        height=min(38 + 35 * len(view), 700),
        column_config={
            pc.RANK: st.column_config.NumberColumn(t("col.rank"), width="small", pinned=True),
            c.RA: st.column_config.TextColumn(t("col.ra"), pinned=True),
            c.NOME: st.column_config.TextColumn(t("col.nome")),
            c.FASE: st.column_config.NumberColumn(t("col.fase"), width="small"),
            c.TURMA: st.column_config.TextColumn(t("col.turma"), width="small"),
            pc.CLASSE: st.column_config.TextColumn(t("col.classe")),
            pc.RISK_SCORE: st.column_config.ProgressColumn(
                t("col.risk_score"), color="#8e44ad", **prob
            ),
            pc.P_CRITICAL: st.column_config.ProgressColumn(
                t("col.p_critical"), color="#c0392b", **prob
            ),
            pc.P_ALERT: st.column_config.ProgressColumn(t("col.p_alert"), color="#e67e22", **prob),
            "why": st.column_config.TextColumn(t("col.why"), width="large"),
            "reason_1": st.column_config.TextColumn(t("col.reason_1"), width="large"),
            "reason_2": st.column_config.TextColumn(t("col.reason_2"), width="large"),
            "reason_3": st.column_config.TextColumn(t("col.reason_3"), width="large"),
        },
    )


def _export(
    cfg: Settings,
    listed: pd.DataFrame,
    *,
    version: str,
    year: int,
    classes: list[str],
    top: int | None,
) -> None:
    if listed.empty:
        return
    username = ui.current_user().username
    cols = st.columns(2)
    for col, fmt, mime in (
        (cols[0], "csv", "text/csv"),
        (cols[1], "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ):
        content = modelapi.risk_list_bytes(cfg, listed, fmt, classes=classes, top=top)
        col.download_button(
            t(f"risco.download_{fmt}"),
            data=content,
            file_name=ui.file_name(f"lista_risco_{year}_modelo_v{version}.{fmt}"),
            mime=mime,
            key=f"risco_download_{fmt}",
            icon=":material/download:",
            on_click=audit.record,
            args=(cfg, username, audit.EXPORT),
            kwargs={"format": fmt, "rows": len(listed), pc.MODEL_VERSION: version, "year": year},
        )


render()

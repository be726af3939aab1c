"""Acompanhamento: how a year's list turned out once the next year arrived (the numbers of
``passos follow-up``, from the same function) and the students behind them."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import streamlit as st

from config.errors import PassosError
from cycle.followup import REAL, FollowUp
from dashboard import data, ui
from dashboard.i18n import t
from models import columns as pc
from pipeline import columns as c


def render() -> None:
    cfg = data.settings()
    ver = data.versions(cfg)
    st.title(t("acomp.title"))
    st.caption(t("acomp.intro"))
    gold = data.gold_for(cfg, ver)
    if gold.empty:
        ui.next_step("inicio.next_upload")
        return
    loaded = {int(y) for y in gold[c.ANO].unique()}
    published = data.published_years(cfg.db_url, str(cfg.data_dir), ver.key)
    years = [y for y in published if y + 1 in loaded]
    if not years:
        ui.next_step("acomp.none")
        return
    year = st.selectbox(t("acomp.year"), options=years, index=0, key="acomp_year")
    try:
        result: FollowUp = data.follow_up(cfg.db_url, str(cfg.data_dir), ver.key, int(year))
    except PassosError as exc:
        st.info(str(exc))
        return
    ui.copy_banner(cfg, result.ano + 1)
    st.subheader(
        t("acomp.header", year=result.ano, next_year=result.ano + 1, version=result.model_version)
    )
    _numbers(result)
    _by_class(result)
    _matrix(result.frame)
    _students(result)


def _numbers(result: FollowUp) -> None:
    cols = st.columns(5)
    cols[0].metric(t("acomp.flagged"), result.flagged)
    cols[1].metric(
        t("acomp.really_lagged"),
        f"{result.flagged_lagged} / {result.known}",
        help=t("acomp.really_lagged_help"),
    )
    cols[2].metric(
        t("acomp.precision"), ui.fmt_pct(result.precision), help=t("acomp.precision_help")
    )
    cols[3].metric(t("acomp.missed"), result.missed, help=t("acomp.missed_help"))
    cols[4].metric(t("acomp.recall"), ui.fmt_pct(result.recall), help=t("acomp.recall_help"))
    st.caption(f"{t('acomp.not_seen')}: {result.not_seen}. {t('acomp.not_seen_help')}")


def _by_class(result: FollowUp) -> None:
    st.subheader(t("acomp.by_class_title"))
    rows = list(result.by_class.values())
    st.dataframe(
        pd.DataFrame(
            {
                t("col.classe"): [ui.class_label(r.classe) for r in rows],
                t("acomp.col_flagged"): [r.flagged for r in rows],
                t("acomp.col_known"): [r.known for r in rows],
                t("acomp.col_lagged"): [r.flagged_lagged for r in rows],
                t("acomp.col_exact"): [r.exact for r in rows],
                t("acomp.precision"): [ui.fmt_pct(r.precision) for r in rows],
                t("acomp.recall"): [ui.fmt_pct(r.recall) for r in rows],
                t("acomp.col_missed"): [r.missed for r in rows],
            }
        ),
        hide_index=True,
        key="acomp_by_class",
    )


def _people(rows: pd.DataFrame, key: str) -> None:
    st.dataframe(
        pd.DataFrame(
            {
                t("col.rank"): rows[pc.RANK],
                t("col.ra"): rows[c.RA],
                t("col.nome"): rows.get(c.NOME),
                t("col.fase"): rows.get(c.FASE),
                t("acomp.predicted"): rows[pc.CLASSE].map(ui.class_label),
                t("acomp.real"): rows[REAL].map(ui.class_label),
            }
        ),
        hide_index=True,
        key=key,
    )


def _students(result: FollowUp) -> None:
    flagged = result.flagged_rows
    hits = flagged[flagged[REAL].isin(pc.AT_RISK_CLASSES)]
    st.subheader(t("acomp.hits_title", n=len(hits)))
    if not hits.empty:
        _people(hits, "acomp_hits")
    missed = result.missed_rows
    st.subheader(t("acomp.missed_title", n=len(missed)))
    if missed.empty:
        st.success(t("acomp.missed_none"))
    else:
        _people(missed, "acomp_missed")


def _matrix(frame: pd.DataFrame) -> None:
    known = frame[frame[REAL].notna()]
    if known.empty:
        return
    table = pd.crosstab(known[REAL], known[pc.CLASSE]).reindex(
        index=list(ui.CLASS_ORDER), columns=list(ui.CLASS_ORDER), fill_value=0
    )
    labels = [ui.class_label(k) for k in ui.CLASS_ORDER]
    fig = px.imshow(
        table.to_numpy(), x=labels, y=labels, text_auto=True, color_continuous_scale="Blues"
    )
    fig.update_layout(title=t("acomp.matrix_title"), coloraxis_showscale=False)
    ui.chart(ui.style_figure(fig, t("axis.predicted"), t("axis.real")), "acomp_chart_matrix")


render()

"""Acompanhamento: how last year's production list turned out once the new year arrived."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import streamlit as st

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
    years = sorted(gold[c.ANO].unique().tolist())
    outcome = data.past_list_outcome(cfg, ver, years)
    if outcome is None:
        ui.next_step("acomp.none")
        return
    year, version, frame = outcome
    st.subheader(t("acomp.header", year=year, next_year=year + 1, version=version))
    flagged = frame[frame[pc.CLASSE].isin(pc.AT_RISK_CLASSES)]
    known = flagged[flagged["real"].notna()]
    lagged = known[known["real"].isin(pc.AT_RISK_CLASSES)]
    truly = frame[frame["real"].isin(pc.AT_RISK_CLASSES)]
    missed = truly[~truly[pc.CLASSE].isin(pc.AT_RISK_CLASSES)]
    cols = st.columns(4)
    cols[0].metric(t("acomp.flagged"), len(flagged))
    cols[1].metric(
        t("acomp.really_lagged"),
        f"{len(lagged)} / {len(known)}",
        help=t("acomp.really_lagged_help"),
    )
    cols[2].metric(t("acomp.missed"), len(missed), help=t("acomp.missed_help"))
    cols[3].metric(
        t("acomp.not_seen"), int(frame["real"].isna().sum()), help=t("acomp.not_seen_help")
    )
    _matrix(frame)
    st.subheader(t("acomp.missed_title", n=len(missed)))
    if missed.empty:
        st.success(t("acomp.missed_none"))
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    t("col.rank"): missed[pc.RANK],
                    t("col.ra"): missed[c.RA],
                    t("col.nome"): missed.get(c.NOME),
                    t("col.fase"): missed.get(c.FASE),
                    t("acomp.predicted"): missed[pc.CLASSE].map(ui.class_label),
                    t("acomp.real"): missed["real"].map(ui.class_label),
                }
            ),
            hide_index=True,
            key="acomp_missed",
        )


def _matrix(frame: pd.DataFrame) -> None:
    known = frame[frame["real"].notna()]
    if known.empty:
        return
    table = pd.crosstab(known["real"], known[pc.CLASSE]).reindex(
        index=list(ui.CLASS_ORDER), columns=list(ui.CLASS_ORDER), fill_value=0
    )
    labels = [ui.class_label(k) for k in ui.CLASS_ORDER]
    fig = px.imshow(
        table.to_numpy(), x=labels, y=labels, text_auto=True, color_continuous_scale="Blues"
    )
    fig.update_layout(title=t("acomp.matrix_title"), coloraxis_showscale=False)
    ui.chart(ui.style_figure(fig, t("axis.predicted"), t("axis.real")), "acomp_chart_matrix")


render()

"""Aluno: one student's history, current prediction and reasons, compared with the phase."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from config import Settings
from dashboard import data, privacy_ui, ui
from dashboard.i18n import t
from models import columns as pc
from pipeline import columns as c
from pipeline.gold import risk_class


def render() -> None:
    cfg = data.settings()
    ver = data.versions(cfg)
    st.title(t("aluno.title"))
    gold = data.gold_for(cfg, ver)
    if gold.empty:
        ui.next_step("inicio.next_upload")
        return
    latest = gold.sort_values(c.ANO).groupby(c.RA).tail(1)
    names = dict(zip(latest[c.RA], latest[c.NOME].fillna(""), strict=True))
    options = sorted(names, key=_ra_order)
    preset = st.query_params.get("ra")
    ra = st.selectbox(
        t("aluno.search"),
        options=options,
        index=options.index(preset) if preset in names else None,
        placeholder=t("aluno.search_placeholder"),
        format_func=lambda r: f"{r} — {names[r]}" if names.get(r) else r,
        key="aluno_ra",
    )
    if ra is None:
        ui.next_step("aluno.pick")
        return
    privacy_ui.student_opened(cfg, ra)
    history = gold[gold[c.RA] == ra].sort_values(c.ANO)
    _prediction(cfg, ver, ra)
    _history_charts(history)
    _phase_comparison(gold, history.iloc[-1])


def _ra_order(ra: str) -> tuple[int, str]:
    digits = "".join(ch for ch in ra if ch.isdigit())
    return (int(digits) if digits else 0, ra)


def _prediction(cfg: Settings, ver: data.Versions, ra: str) -> None:
    if not ver.model:
        ui.next_step("inicio.next_model")
        return
    risk = data.risk_frame(cfg, ver)
    row = risk[risk[c.RA] == ra]
    if row.empty:
        st.info(t("aluno.not_scored"))
        return
    r = row.iloc[0]
    ui.copy_banner(cfg, int(r[c.ANO]))
    st.subheader(t("aluno.prediction_title", year=int(r[c.ANO]) + 1))
    cols = st.columns(4)
    cols[0].metric(t("col.classe"), ui.class_label(r[pc.CLASSE]))
    cols[1].metric(t("col.rank"), int(r[pc.RANK]))
    cols[2].metric(t("col.p_critical"), ui.fmt_pct(r[pc.P_CRITICAL]))
    cols[3].metric(t("col.p_alert"), ui.fmt_pct(r[pc.P_ALERT]))
    published = data.published(cfg.db_url, str(cfg.data_dir), ver.key, int(r[c.ANO]))
    st.markdown(t("aluno.why_title") + " " + ui.why_sentence(r, published))
    st.caption(t("why.order"))
    reasons = r[pc.REASONS] if isinstance(r[pc.REASONS], list | tuple) else []
    if len(reasons):
        st.markdown(t("aluno.reasons") + "\n" + "\n".join(f"- {x}" for x in reasons))


def _history_charts(history: pd.DataFrame) -> None:
    st.subheader(t("aluno.history_title"))
    left, right = st.columns(2)
    indicators = [col for col in c.INDICATORS if history[col].notna().any()]
    long = history.melt(id_vars=[c.ANO], value_vars=indicators, var_name="ind", value_name="v")
    long["ind"] = long["ind"].str.upper()
    fig = px.line(long.dropna(), x=c.ANO, y="v", color="ind", markers=True)
    fig.update_xaxes(dtick=1)
    fig.update_yaxes(range=[0, 10.5])
    with left:
        ui.chart(
            ui.style_figure(fig, t("axis.year"), t("axis.score"), legend=t("axis.indicator")),
            "aluno_chart_indicators",
        )
    defas = history[[c.ANO, c.DEFASAGEM, c.PEDRA]].copy()
    risk = data.settings().risk
    classes = risk_class(defas[c.DEFASAGEM].fillna(0), risk)
    colors = [ui.CLASS_COLORS[str(k)] for k in classes]
    bar = go.Figure(
        go.Bar(
            x=defas[c.ANO],
            y=defas[c.DEFASAGEM],
            marker_color=colors,
            text=defas[c.PEDRA].fillna(""),
            textposition="outside",
        )
    )
    bar.update_xaxes(dtick=1)
    bar.update_layout(title=t("aluno.defasagem_chart"))
    with right:
        ui.chart(ui.style_figure(bar, t("axis.year"), t("axis.defasagem")), "aluno_chart_defasagem")
    st.caption(t("aluno.pedra_caption", critical=risk.critical_at_most, alert=risk.alert_at_most))


def _phase_comparison(gold: pd.DataFrame, current: pd.Series) -> None:
    year, fase = int(current[c.ANO]), current[c.FASE]
    peers = gold[(gold[c.ANO] == year) & (gold[c.FASE] == fase)]
    if peers.empty or pd.isna(fase):
        return
    st.subheader(t("aluno.phase_title", fase=int(fase), year=year, n=len(peers)))
    indicators = list(c.INDICATORS)
    table = pd.DataFrame(
        {
            "ind": [i.upper() for i in indicators],
            t("aluno.student"): [current[i] for i in indicators],
            t("aluno.phase_median"): [peers[i].median() for i in indicators],
        }
    ).melt(id_vars="ind", var_name="serie", value_name="v")
    fig = px.bar(table, x="ind", y="v", color="serie", barmode="group")
    fig.update_yaxes(range=[0, 10.5])
    ui.chart(
        ui.style_figure(fig, t("axis.indicator"), t("axis.score"), legend=""),
        "aluno_chart_phase",
    )


render()

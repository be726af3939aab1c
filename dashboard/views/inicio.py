"""Início: the state of things at a glance, and what to do next when something is missing."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import streamlit as st

from config import Settings
from dashboard import cases_ui, data, ui
from dashboard.i18n import t
from models import columns as pc
from models import names as mn
from pipeline import columns as c


def render() -> None:
    cfg = data.settings()
    ver = data.versions(cfg)
    st.title(t("inicio.title"))
    cases_ui.render_my_cases(ui.current_user())
    gold = data.gold_for(cfg, ver)
    if gold.empty:
        ui.next_step("inicio.next_upload")
        return
    latest = int(gold[c.ANO].max())
    students = gold[gold[c.ANO] == latest]
    risk = data.risk_frame(cfg, ver)
    counts = risk[pc.CLASSE].value_counts() if not risk.empty else pd.Series(dtype=int)
    ui.copy_banner(cfg, int(risk[c.ANO].max()) if not risk.empty else latest)

    cols = st.columns(4)
    cols[0].metric(t("inicio.students", year=latest), f"{len(students):,}".replace(",", "."))
    cols[1].metric(t("class.critical"), int(counts.get("critical", 0)) if ver.model else "—")
    cols[2].metric(t("class.alert"), int(counts.get("alert", 0)) if ver.model else "—")
    cols[3].metric(t("inicio.model"), ver.model or "—")

    if not ver.model:
        ui.next_step("inicio.next_model")
    else:
        _risk_by_phase(risk)
        _model_summary(cfg, ver)
    _pipeline_summary(cfg, ver)


def _risk_by_phase(risk: pd.DataFrame) -> None:
    flagged = risk[risk[pc.CLASSE].isin(pc.AT_RISK_CLASSES)]
    if flagged.empty:
        st.success(t("inicio.nobody_flagged"))
        return
    by_phase = flagged.groupby([c.FASE, pc.CLASSE]).size().reset_index(name="alunos")
    by_phase["classe_label"] = by_phase[pc.CLASSE].map(ui.class_label)
    fig = px.bar(
        by_phase,
        x=c.FASE,
        y="alunos",
        color="classe_label",
        color_discrete_map={ui.class_label(k): v for k, v in ui.CLASS_COLORS.items()},
        title=t("inicio.chart_by_phase"),
        barmode="stack",
    )
    fig.update_xaxes(dtick=1)
    ui.chart(
        ui.style_figure(fig, t("axis.fase"), t("axis.students"), legend=t("axis.class")),
        "inicio_chart_phase",
    )


def _model_summary(cfg: Settings, ver: data.Versions) -> None:
    st.subheader(t("inicio.model_title", version=ver.model))
    metrics = data.version_metrics(str(cfg.data_dir), cfg.db_url, ver.model)
    if not metrics:
        st.caption(t("inicio.model_no_metrics"))
        return
    cols = st.columns(4)
    for col, name in zip(
        cols, (mn.MACRO_F1, mn.RECALL_CRITICAL, mn.PRECISION_AT_100, mn.BRIER), strict=True
    ):
        value = metrics.get(name)
        col.metric(t(f"metric.{name}"), ui.fmt_num(value), help=t(f"metric_help.{name}"))
    base = metrics.get(mn.baseline_metric(mn.MACRO_F1))
    if base is not None:
        st.caption(t("inicio.vs_baseline", value=ui.fmt_num(base)))


def _pipeline_summary(cfg: Settings, ver: data.Versions) -> None:
    status = data.status_for(cfg, ver)
    st.subheader(t("inicio.pipeline_title"))
    last = status.get("last_run")
    years = ", ".join(str(y) for y in status.get("years", []))
    st.write(t("inicio.years_loaded", years=years or "—"))
    if last:
        st.write(
            t(
                "inicio.last_run",
                when=ui.fmt_when(last["finished_at"]),
                who=last["triggered_by"],
                status=t(f"run_status.{last['status']}"),
            )
        )
    drift = status.get("drift", [])
    if drift:
        newest = drift[-1]
        if newest["status"] == "pending":
            st.info(t("inicio.drift_pending", year=newest["ano"]))
        elif newest["status"] == "failed":
            st.warning(t("inicio.drift_failed", year=newest["ano"]))
        else:
            verdict = t("drift.verdict_yes") if newest["dataset_drift"] else t("drift.verdict_no")
            st.write(
                t(
                    "inicio.drift_verdict",
                    year=newest["ano"],
                    share=ui.fmt_pct(newest["drift_share"]),
                    verdict=verdict,
                )
            )
    for flag in status.get("flags", []):
        if not flag.get("accepted"):
            st.warning(ui.plain(flag["detail"]), icon=":material/warning:")


render()

"""Drift: how each new year differs from the earlier ones, column by column and over time."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.express as px
import streamlit as st

from config import Settings
from dashboard import data, ui
from dashboard.i18n import t
from models import columns as pc
from pipeline import columns as c


def render() -> None:
    cfg = data.settings()
    ver = data.versions(cfg)
    st.title(t("drift.title"))
    st.caption(t("drift.intro"))
    runs, columns = data.drift(cfg.db_url, ver.data)
    if runs.empty:
        ui.next_step("drift.none")
        return
    latest_runs = runs.sort_values("id").groupby("ano").tail(1).sort_values("ano")
    years = latest_runs["ano"].astype(int).tolist()
    year = st.selectbox(t("drift.year"), options=years, index=len(years) - 1, key="drift_year")
    run = latest_runs[latest_runs["ano"] == year].iloc[0]
    _year_summary(run)
    if run["status"] == "done":
        _columns(columns[columns["drift_run_id"] == run["id"]], year)
        _report(run)
    _trend(latest_runs)
    _class_mix(cfg, ver)


def _year_summary(run: pd.Series) -> None:
    refs = ", ".join(str(y) for y in run["reference_years"])
    if run["status"] == "pending":
        st.info(t("drift.pending", year=run["ano"]), icon=":material/hourglass_top:")
        if st.button(t("drift.finish_now"), key="drift_finish"):
            from pipeline.drift import run_pending_drift

            with st.spinner(t("drift.finishing")):
                run_pending_drift(data.settings())
            st.rerun()
        return
    if run["status"] == "failed":
        st.error(t("drift.failed", year=run["ano"]), icon=":material/error:")
        return
    cols = st.columns(3)
    cols[0].metric(t("drift.share"), ui.fmt_pct(run["drift_share"]))
    cols[1].metric(
        t("drift.drifted_columns"), f"{int(run['n_drifted'] or 0)} / {int(run['n_columns'] or 0)}"
    )
    verdict = t("drift.verdict_yes") if run["dataset_drift"] else t("drift.verdict_no")
    cols[2].metric(t("drift.verdict"), verdict)
    st.caption(t("drift.reference", year=run["ano"], refs=refs))


def _columns(cols: pd.DataFrame, year: int) -> None:
    if cols.empty:
        return
    st.subheader(t("drift.columns_title"))
    table = pd.DataFrame(
        {
            t("drift.col_column"): cols["column_name"],
            t("drift.col_method"): cols["method"],
            t("drift.col_score"): cols["score"],
            t("drift.col_threshold"): cols["threshold"],
            t("drift.col_drifted"): cols["drifted"].astype(bool),
        }
    ).sort_values(t("drift.col_score"), ascending=False, na_position="last")
    st.dataframe(
        table,
        hide_index=True,
        key="drift_columns_table",
        column_config={
            t("drift.col_score"): st.column_config.NumberColumn(format="%.3f"),
            t("drift.col_threshold"): st.column_config.NumberColumn(format="%.2f"),
        },
    )
    measured = cols[cols["score"].notna()].sort_values("score")
    if measured.empty:
        return
    measured = measured.assign(
        estado=measured["drifted"].map({True: t("drift.drifted"), False: t("drift.stable")})
    )
    fig = px.bar(
        measured,
        x="score",
        y="column_name",
        orientation="h",
        color="estado",
        color_discrete_map={t("drift.drifted"): "#c0392b", t("drift.stable"): "#2e86c1"},
        title=t("drift.chart_scores", year=year),
    )
    threshold = measured["threshold"].dropna()
    if not threshold.empty:
        fig.add_vline(x=float(threshold.iloc[0]), line_dash="dash", line_color="gray")
    ui.chart(ui.style_figure(fig, t("axis.drift_score"), t("axis.column")), "drift_chart_scores")


def _report(run: pd.Series) -> None:
    path = run.get("html_path")
    if not path or not Path(str(path)).exists():
        return
    with st.expander(t("drift.report_title"), expanded=False):
        st.iframe(Path(str(path)), height=900)


def _trend(runs: pd.DataFrame) -> None:
    done = runs[runs["status"] == "done"]
    if len(done) < 1:
        return
    st.subheader(t("drift.trend_title"))
    fig = px.line(done, x="ano", y="drift_share", markers=True)
    fig.update_xaxes(dtick=1)
    fig.update_yaxes(tickformat=".0%", range=[0, 1])
    ui.chart(ui.style_figure(fig, t("axis.year"), t("axis.drift_share")), "drift_chart_trend")


def _class_mix(cfg: Settings, ver: data.Versions) -> None:
    """Current-year classes per year (observed) and the predicted mix of the latest year."""
    gold = data.gold_for(cfg, ver)
    if gold.empty:
        return
    st.subheader(t("drift.mix_title"))
    observed = gold.groupby([c.ANO, c.CLASSE_ATUAL]).size().reset_index(name="n")
    observed["share"] = observed["n"] / observed.groupby(c.ANO)["n"].transform("sum")
    observed["serie"] = t("drift.mix_observed")
    frames = [observed.rename(columns={c.CLASSE_ATUAL: pc.CLASSE})]
    preds = data.predictions_for(cfg, ver)
    if not preds.empty:
        mix = preds.groupby([c.ANO, pc.CLASSE]).size().reset_index(name="n")
        mix["share"] = mix["n"] / mix.groupby(c.ANO)["n"].transform("sum")
        mix[c.ANO] = mix[c.ANO] + 1  # a prediction made on year t is about year t+1
        mix["serie"] = t("drift.mix_predicted")
        frames.append(mix)
    both = pd.concat(frames, ignore_index=True)
    both["classe_label"] = both[pc.CLASSE].map(ui.class_label)
    fig = px.bar(
        both,
        x=c.ANO,
        y="share",
        color="classe_label",
        facet_col="serie",
        color_discrete_map={ui.class_label(k): v for k, v in ui.CLASS_COLORS.items()},
        category_orders={"classe_label": [ui.class_label(k) for k in ui.CLASS_ORDER]},
    )
    fig.update_xaxes(dtick=1, title_text=t("axis.year"))
    fig.update_yaxes(tickformat=".0%")
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=")[-1]))
    ui.chart(
        ui.style_figure(fig, t("axis.year"), t("axis.share_students"), legend=t("axis.class")),
        "drift_chart_mix",
    )
    st.caption(t("drift.mix_caption"))


render()

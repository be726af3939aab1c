"""Mudanças nos dados: does each year look like the data the production model learned from?

Coordinators read a verdict in plain words and which columns changed; the statistics per column
and Evidently's report are for admins (the thresholds and why: pipeline/drift.py, README).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import plotly.express as px
import streamlit as st

from config import Settings
from dashboard import data, ui
from dashboard.i18n import t
from models import columns as pc
from pipeline import columns as c
from pipeline import drift as pd_drift


def render() -> None:
    cfg = data.settings()
    ver = data.versions(cfg)
    st.title(t("drift.title"))
    st.caption(t("drift.intro"))
    status = data.status_for(cfg, ver)
    by_year = {int(entry["ano"]): entry for entry in status.get("drift", [])}
    if not by_year:
        ui.next_step("drift.none")
        return
    years = sorted(by_year)
    year = st.selectbox(t("drift.year"), options=years, index=len(years) - 1, key="drift_year")
    entry = by_year[year]
    if _progress(entry):
        _year_summary(entry)
        _year_over_year(cfg, ver, year)
        if ui.is_admin():
            _admin_details(cfg, ver, entry)
    _trend(by_year)
    _class_mix(cfg, ver)


def _progress(entry: dict[str, Any]) -> bool:
    """Pending or failed requests; True when a verdict can be shown."""
    if entry["status"] == "pending":
        st.info(t("drift.pending", year=entry["ano"]), icon=":material/hourglass_top:")
        if st.button(t("drift.finish_now"), key="drift_finish"):
            with st.spinner(t("drift.finishing")):
                pd_drift.run_pending_drift(data.settings())
            st.rerun()
    elif entry["status"] == "failed":
        st.error(t("drift.failed", year=entry["ano"]), icon=":material/error:")
    return entry.get("verdict") is not None


def _column_label(column: str) -> str:
    return t(f"drift.col.{column}")


def _changed_sentence(col: dict[str, Any]) -> str:
    """One plain sentence per changed column (no statistic names)."""
    label = _column_label(col["column"])
    if col["method"] == pd_drift.VANISHED_METHOD:
        return t("drift.changed_vanished", col=label, share=ui.fmt_pct(col["score"]))
    if col["method"] == pd_drift.CATEGORICAL_METHOD:
        return t("drift.changed_category", col=label, share=ui.fmt_pct(col["score"]))
    return t("drift.changed_numeric", col=label, times=ui.fmt_num(col["score"], 1))


def _reference_text(entry: dict[str, Any]) -> str:
    ref = entry["reference"]
    years = ", ".join(str(y) for y in ref["years"])
    if ref["source"] == pd_drift.SOURCE_PRODUCTION:
        return t("drift.reference_model", year=entry["ano"], refs=years, v=ref["model_version"])
    return t("drift.reference_earlier", year=entry["ano"], refs=years)


def _year_summary(entry: dict[str, Any]) -> None:
    changed = [col for col in entry["columns"] if col["changed"]]
    if entry["verdict"] == pd_drift.RELEVANT:
        st.warning(t("drift.verdict_relevant", year=entry["ano"]), icon=":material/warning:")
        st.markdown("\n".join(f"- {_changed_sentence(col)}" for col in changed))
        st.caption(t("drift.what_to_do"))
    else:
        st.success(t("drift.verdict_normal", year=entry["ano"]), icon=":material/check_circle:")
    st.caption(_reference_text(entry))


@st.cache_data(show_spinner=False, max_entries=16)
def _compare_with_previous(
    data_dir: str, data_version: str, year: int, limits: pd_drift.DriftLimits
) -> list[dict[str, Any]]:
    """Year-over-year context: the year against the one before (fast, no Evidently)."""
    gold = data.gold(data_dir, data_version)
    if not (gold[c.ANO] == year - 1).any():
        return []
    columns = pd_drift.compare_years(gold, year, [year - 1], limits)
    return [
        {"column": col.column, "method": col.method, "score": col.score, "changed": col.drifted}
        for col in columns
    ]


def _year_over_year(cfg: Settings, ver: data.Versions, year: int) -> None:
    limits = pd_drift.DriftLimits.from_settings(cfg)
    columns = _compare_with_previous(str(cfg.data_dir), ver.data, year, limits)
    if not columns:
        return
    changed = [col for col in columns if col["changed"]]
    with st.expander(t("drift.yoy_title", year=year, prev=year - 1), expanded=False):
        st.caption(t("drift.yoy_caption"))
        if not changed:
            st.write(t("drift.yoy_none", year=year, prev=year - 1))
        else:
            st.markdown("\n".join(f"- {_changed_sentence(col)}" for col in changed))


def _admin_details(cfg: Settings, ver: data.Versions, entry: dict[str, Any]) -> None:
    st.subheader(t("drift.columns_title"))
    cols = pd.DataFrame(entry["columns"])
    if not cols.empty:
        table = pd.DataFrame(
            {
                t("drift.col_column"): cols["column"],
                t("drift.col_method"): cols["method"],
                t("drift.col_score"): cols["score"],
                t("drift.col_threshold"): cols["threshold"],
                t("drift.col_drifted"): cols["changed"].astype(bool),
            }
        ).sort_values(t("drift.col_score"), ascending=False, na_position="last")
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            key="drift_columns_table",
            column_config={
                t("drift.col_score"): st.column_config.NumberColumn(format="%.2f"),
                t("drift.col_threshold"): st.column_config.NumberColumn(format="%.2f"),
            },
        )
        st.caption(t("drift.methods_caption"))
    _report(cfg, ver, int(entry["ano"]))


def _report(cfg: Settings, ver: data.Versions, year: int) -> None:
    """The year's latest Evidently report (a promotion re-measures without writing one)."""
    runs, _ = data.drift(cfg.db_url, ver.data)
    if runs.empty:
        return
    with_report = runs[(runs["ano"] == year) & runs["html_path"].notna()]
    if with_report.empty:
        return
    run = with_report.sort_values("id").iloc[-1]
    path = Path(str(run["html_path"]))
    if not path.exists():
        return
    refs = ", ".join(str(y) for y in run["reference_years"])
    with st.expander(t("drift.report_title", refs=refs), expanded=False):
        st.iframe(path, width="stretch", height=900)


def _trend(by_year: dict[int, dict[str, Any]]) -> None:
    done = pd.DataFrame(
        [
            {"ano": year, "share": entry["share"]}
            for year, entry in sorted(by_year.items())
            if entry.get("share") is not None
        ]
    )
    if done.empty:
        return
    st.subheader(t("drift.trend_title"))
    fig = px.line(done, x="ano", y="share", markers=True)
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

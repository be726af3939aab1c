"""Experimentos: MLflow runs side by side (metrics, classes, confusion, top-k, audit)."""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd
import plotly.express as px
import streamlit as st

from config import Settings
from dashboard import audit, data, modelapi, ui
from dashboard.i18n import t
from models import columns as pc
from models import names as mn

HEADLINE: Final = (
    mn.MACRO_F1,
    mn.RECALL_CRITICAL,
    "precision_critical",
    "recall_alert",
    "precision_at_25",
    mn.PRECISION_AT_100,
    "recall_critical_at_100",
    mn.BRIER,
    mn.ECE_CRITICAL,
    mn.CV_MACRO_F1,
    mn.baseline_metric(mn.MACRO_F1),
    mn.baseline_metric(mn.MACRO_F1, mn.RULE),
)
NOT_BARS: Final = (mn.BRIER, mn.ECE_CRITICAL)  # lower is better: not on the 0-1 bar chart
PER_CLASS: Final = tuple(
    f"{kind}_{cls}" for cls in ("critical", "alert", "expected") for kind in ("recall", "precision")
)


def render() -> None:
    cfg = data.settings()
    ver = data.versions(cfg)
    st.title(t("exp.title"))
    if cfg.tracking_uri.startswith(("http://", "https://")):
        st.link_button(t("exp.mlflow_ui"), cfg.tracking_uri, icon=":material/open_in_new:")
    if ui.is_admin():
        _train(cfg)
    if not modelapi.tracking_ready(cfg):
        ui.next_step("exp.none")
        return
    runs = data.runs(str(cfg.data_dir), cfg.db_url, data.tracking_key(cfg, ver))
    if runs.empty:
        ui.next_step("exp.none")
        return
    _runs_table(runs)
    labels = {r.run_id: _run_label(r) for r in runs.itertuples()}
    default = runs.sort_values(mn.MACRO_F1, ascending=False)["run_id"].head(2).tolist()
    chosen = st.multiselect(
        t("exp.compare"),
        options=list(labels),
        default=default,
        format_func=labels.__getitem__,
        key="exp_compare",
    )
    if len(chosen) < 2:
        st.info(t("exp.pick_two"))
        if not chosen:
            return
    picked = runs.set_index("run_id").loc[chosen]
    picked["label"] = [labels[r] for r in chosen]
    _metric_bars(picked)
    preds = {
        run_id: data.run_csv(str(cfg.data_dir), cfg.db_url, run_id, modelapi.TEST_PREDICTIONS)
        for run_id in chosen
    }
    _differences(picked, preds)
    _per_class(picked)
    _confusions(picked, preds)
    _top_k(picked, preds)
    _calibration(picked, preds)
    _group_audit(cfg, picked)


def _run_label(run: object) -> str:
    version = getattr(run, "version", None)
    suffix = f" · v{version}" if isinstance(version, str) and version else ""
    return f"{getattr(run, 'preset', '')} ({str(getattr(run, 'run_id', ''))[:6]}){suffix}"


def _runs_table(runs: pd.DataFrame) -> None:
    shown = [m for m in HEADLINE if m in runs.columns]
    table = runs[["preset", "estimator", "test_year", "version", "start_time", *shown]].copy()
    table["start_time"] = table["start_time"].map(ui.fmt_when)
    intervals = [m for m in mn.UNCERTAIN_METRICS if mn.ci_low(m) in runs.columns]
    for m in intervals:  # "0.620 [0.577 – 0.662]" right after the metric's own column
        text = [modelapi.with_interval(row, m) for row in runs.to_dict("records")]
        table.insert(
            table.columns.get_loc(m) + 1 if m in table else len(table.columns), f"{m}_ci", text
        )
    config = {m: st.column_config.NumberColumn(t(f"metric.{m}"), format="%.3f") for m in shown}
    config |= {
        f"{m}_ci": st.column_config.TextColumn(t("cmp.ci_col", metric=t(f"metric.{m}")))
        for m in intervals
    }
    config |= {
        "preset": st.column_config.TextColumn(t("exp.preset")),
        "estimator": st.column_config.TextColumn(t("exp.estimator")),
        "test_year": st.column_config.TextColumn(t("exp.test_year")),
        "version": st.column_config.TextColumn(t("exp.version")),
        "start_time": st.column_config.TextColumn(t("col.when")),
    }
    st.dataframe(table, hide_index=True, key="exp_runs", column_config=config)


def _metric_bars(picked: pd.DataFrame) -> None:
    shown = [m for m in HEADLINE if m in picked.columns and m not in NOT_BARS]
    long = picked.melt(id_vars="label", value_vars=shown, var_name="m", value_name="v")
    # 95% intervals as error bars where the run logged them
    low = {
        (r, m): picked.at[i, mn.ci_low(m)]
        for i, r in zip(picked.index, picked["label"], strict=True)
        for m in shown
        if mn.ci_low(m) in picked.columns
    }
    high = {
        (r, m): picked.at[i, mn.ci_high(m)]
        for i, r in zip(picked.index, picked["label"], strict=True)
        for m in shown
        if mn.ci_high(m) in picked.columns
    }
    long["plus"] = [
        high.get((r, m), np.nan) - v
        for r, m, v in zip(long["label"], long["m"], long["v"], strict=True)
    ]
    long["minus"] = [
        v - low.get((r, m), np.nan)
        for r, m, v in zip(long["label"], long["m"], long["v"], strict=True)
    ]
    long["m"] = long["m"].map(lambda m: t(f"metric.{m}"))
    fig = px.bar(
        long,
        x="m",
        y="v",
        color="label",
        barmode="group",
        error_y="plus",
        error_y_minus="minus",
        title=t("exp.metrics_title"),
    )
    fig.update_yaxes(range=[0, 1])
    ui.chart(
        ui.style_figure(fig, t("axis.metric"), t("axis.value"), legend=t("exp.run")),
        "exp_chart_metrics",
    )


def _differences(picked: pd.DataFrame, preds: dict[str, pd.DataFrame]) -> None:
    """Each picked run against the first one, on the same students: told apart or not."""
    runs = [str(r) for r in picked.index]
    if len(runs) < 2 or preds.get(runs[0], pd.DataFrame()).empty:
        return
    st.subheader(t("modelos.vs_title"))
    st.caption(t("modelos.vs_caption"))
    first_label = str(picked.loc[runs[0], "label"])
    for other in runs[1:]:
        frame = preds.get(other, pd.DataFrame())
        label = str(picked.loc[other, "label"])
        gains = modelapi.paired_gains(preds[runs[0]], frame) if not frame.empty else {}
        if not gains:
            st.caption(t("exp.not_paired", a=first_label, b=label))
            continue
        for metric in mn.UNCERTAIN_METRICS:
            line = modelapi.difference_text(gains, metric, modelapi.PAIRED, first_label, label)
            if line:
                st.markdown(f"- {line}")


def _per_class(picked: pd.DataFrame) -> None:
    shown = [m for m in PER_CLASS if m in picked.columns]
    long = picked.melt(id_vars="label", value_vars=shown, var_name="m", value_name="v")
    long["tipo"] = long["m"].str.split("_").str[0].map(lambda k: t(f"exp.{k}"))
    long[pc.CLASSE] = long["m"].str.split("_").str[1].map(ui.class_label)
    fig = px.bar(
        long,
        x=pc.CLASSE,
        y="v",
        color="label",
        facet_col="tipo",
        barmode="group",
        title=t("exp.per_class_title"),
    )
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=")[-1]))
    fig.update_yaxes(range=[0, 1])
    ui.chart(
        ui.style_figure(fig, t("axis.class"), t("axis.value"), legend=t("exp.run")),
        "exp_chart_class",
    )


def _confusions(picked: pd.DataFrame, preds: dict[str, pd.DataFrame]) -> None:
    st.subheader(t("exp.confusion_title"))
    order = list(ui.CLASS_ORDER)
    labels = [ui.class_label(k) for k in order]
    cols = st.columns(min(len(picked), 3))
    for i, (run_id, row) in enumerate(picked.iterrows()):
        frame = preds.get(str(run_id), pd.DataFrame())
        if frame.empty:
            continue
        table = pd.crosstab(frame["y_true"], frame["y_pred"]).reindex(
            index=order, columns=order, fill_value=0
        )
        fig = px.imshow(
            table.to_numpy(), x=labels, y=labels, text_auto=True, color_continuous_scale="Blues"
        )
        fig.update_layout(title=str(row["label"]), coloraxis_showscale=False)
        with cols[i % len(cols)]:
            ui.chart(
                ui.style_figure(fig, t("axis.predicted"), t("axis.real"), height=320),
                f"exp_chart_cm_{run_id}",
            )


def precision_at_k(frame: pd.DataFrame) -> pd.DataFrame:
    """Share of Critical-or-Alert among the top-k by risk, for every k."""
    risk = frame[pc.P_CRITICAL] + frame[pc.P_ALERT]
    ordered = frame.assign(risk=risk).sort_values(["risk", pc.P_CRITICAL], ascending=False)
    hits = ordered["y_true"].isin(pc.AT_RISK_CLASSES).to_numpy().cumsum()
    k = np.arange(1, len(ordered) + 1)
    return pd.DataFrame({"k": k, "precision": hits / k})


def _top_k(picked: pd.DataFrame, preds: dict[str, pd.DataFrame]) -> None:
    curves = [
        precision_at_k(preds[str(run_id)]).assign(label=row["label"])
        for run_id, row in picked.iterrows()
        if not preds.get(str(run_id), pd.DataFrame()).empty
    ]
    if not curves:
        return
    frame = pd.concat(curves)
    frame = frame[frame["k"] <= 300]
    fig = px.line(frame, x="k", y="precision", color="label", title=t("exp.topk_title"))
    fig.update_yaxes(range=[0, 1.05], tickformat=".0%")
    ui.chart(
        ui.style_figure(fig, t("axis.k"), t("axis.precision"), legend=t("exp.run")),
        "exp_chart_topk",
    )


def _calibration(picked: pd.DataFrame, preds: dict[str, pd.DataFrame]) -> None:
    rows = []
    for run_id, row in picked.iterrows():
        frame = preds.get(str(run_id), pd.DataFrame())
        if frame.empty:
            continue
        risk = frame[pc.P_CRITICAL] + frame[pc.P_ALERT]
        decile = pd.qcut(risk.rank(method="first"), q=min(10, len(frame)), labels=False) + 1
        grouped = (
            pd.DataFrame(
                {"d": decile, "pred": risk, "obs": frame["y_true"].isin(pc.AT_RISK_CLASSES)}
            )
            .groupby("d")
            .mean()
            .reset_index()
        )
        rows.append(grouped.assign(label=row["label"]))
    if not rows:
        return
    frame = pd.concat(rows)
    fig = px.line(
        frame, x="pred", y="obs", color="label", markers=True, title=t("exp.calibration_title")
    )
    fig.add_shape(type="line", x0=0, y0=0, x1=1, y1=1, line={"dash": "dash", "color": "gray"})
    fig.update_xaxes(range=[0, 1], tickformat=".0%")
    fig.update_yaxes(range=[0, 1], tickformat=".0%")
    ui.chart(
        ui.style_figure(
            fig, t("axis.predicted_risk"), t("axis.observed_share"), legend=t("exp.run")
        ),
        "exp_chart_calibration",
    )


def _group_audit(cfg: Settings, picked: pd.DataFrame) -> None:
    st.subheader(t("exp.audit_title"))
    st.caption(t("exp.audit_caption"))
    for run_id, row in picked.iterrows():
        table = data.run_csv(str(cfg.data_dir), cfg.db_url, str(run_id), modelapi.GROUP_AUDIT)
        if table.empty:
            continue
        with st.expander(str(row["label"])):
            st.dataframe(table, hide_index=True, key=f"exp_audit_{run_id}")


def _train(cfg: Settings) -> None:
    with st.expander(t("exp.train_title"), icon=":material/model_training:"):
        options = modelapi.presets()
        chosen = st.multiselect(
            t("exp.train_presets"), options, default=options, key="exp_train_presets"
        )
        if not st.button(
            t("exp.train_button"), key="exp_train", type="primary", disabled=not chosen
        ):
            return
        user = ui.current_user().username
        bar = st.progress(0.0, text=t("exp.training_start"))
        done = []
        for i, preset in enumerate(chosen):
            bar.progress(
                i / len(chosen), text=t("exp.training", preset=preset, i=i + 1, n=len(chosen))
            )
            result = modelapi.train(cfg, preset)
            done.append(getattr(result, "version", None))
        bar.progress(1.0, text=t("exp.training_done"))
        audit.record(cfg, user, audit.TRAIN, presets=list(chosen), versions=[v for v in done if v])
        st.session_state["tracking_bump"] = st.session_state.get("tracking_bump", 0) + 1
        st.success(t("exp.trained", n=len(chosen)))


render()

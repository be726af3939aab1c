"""Modelos: registered versions, the challenger next to production, promotion and rollback."""

from __future__ import annotations

from typing import Any, Final

import pandas as pd
import plotly.express as px
import streamlit as st

from config import Settings
from dashboard import audit, data, modelapi, ui
from dashboard.i18n import t
from models import names as mn

COMPARED: Final = (
    mn.MACRO_F1,
    mn.RECALL_CRITICAL,
    "precision_critical",
    "recall_alert",
    mn.PRECISION_AT_100,
    "recall_critical_at_100",
)


def render() -> None:
    cfg = data.settings()
    ver = data.versions(cfg)
    st.title(t("modelos.title"))
    if not modelapi.tracking_ready(cfg):
        ui.next_step("modelos.none")
        _audit_log(cfg)
        return
    versions = data.versions_table(str(cfg.data_dir), cfg.db_url, data.tracking_key(cfg, ver))
    if not versions:
        ui.next_step("modelos.none")
        _audit_log(cfg)
        return
    _versions_table(versions)
    production = next((v for v in versions if mn.PRODUCTION in v["aliases"]), None)
    if production is None:
        st.warning(t("modelos.no_production"), icon=":material/warning:")
    others = [v for v in versions if v is not production]
    if others:
        challenger = _pick_challenger(others)
        _compare(cfg, ver, challenger, production)
        if ui.is_admin():
            _promote(cfg, challenger)
    if ui.is_admin() and modelapi.previous_version(cfg):
        _rollback(cfg)
    _audit_log(cfg)


def _versions_table(versions: list[dict[str, Any]]) -> None:
    table = pd.DataFrame(
        {
            t("modelos.version"): [v["version"] for v in versions],
            t("exp.preset"): [v["preset"] for v in versions],
            t("modelos.aliases"): [
                ", ".join(t(f"alias.{a}") for a in v["aliases"]) for v in versions
            ],
            t("metric.macro_f1"): [v["metrics"].get(mn.MACRO_F1) for v in versions],
            t("metric.recall_critical"): [v["metrics"].get(mn.RECALL_CRITICAL) for v in versions],
            t("metric.precision_at_100"): [v["metrics"].get(mn.PRECISION_AT_100) for v in versions],
            t("modelos.gate"): [
                t("modelos.gate_ok") if v["gate_passed"] else t("modelos.gate_fail")
                for v in versions
            ],
            t("col.when"): [ui.fmt_when(v["created"]) for v in versions],
        }
    )
    number = st.column_config.NumberColumn(format="%.3f")
    st.dataframe(
        table,
        hide_index=True,
        key="modelos_versions",
        column_config={
            t("metric.macro_f1"): number,
            t("metric.recall_critical"): number,
            t("metric.precision_at_100"): number,
        },
    )


def _pick_challenger(others: list[dict[str, Any]]) -> dict[str, Any]:
    by_version = {v["version"]: v for v in others}
    best = max(others, key=lambda v: (v["gate_passed"], v["metrics"].get(mn.MACRO_F1, 0)))
    options = list(by_version)
    chosen = st.selectbox(
        t("modelos.challenger"),
        options=options,
        index=options.index(best["version"]),
        format_func=lambda v: f"v{v} · {by_version[v]['preset']}",
        key="modelos_challenger",
    )
    return by_version[chosen]


def _compare(
    cfg: Settings,
    ver: data.Versions,
    challenger: dict[str, Any],
    production: dict[str, Any] | None,
) -> None:
    st.subheader(t("modelos.compare_title"))
    series = [(t("modelos.challenger_label", v=challenger["version"]), challenger["metrics"])]
    if production is not None:
        series.append(
            (t("modelos.production_label", v=production["version"]), production["metrics"])
        )
    baseline = {m: challenger["metrics"].get(mn.baseline_metric(m)) for m in COMPARED}
    series.append((t("modelos.baseline_label"), baseline))
    rows = [
        {"serie": name, "m": t(f"metric.{m}"), "v": metrics.get(m)}
        for name, metrics in series
        for m in COMPARED
    ]
    frame = pd.DataFrame(rows).dropna()
    fig = px.bar(frame, x="m", y="v", color="serie", barmode="group")
    fig.update_yaxes(range=[0, 1])
    ui.chart(
        ui.style_figure(fig, t("axis.metric"), t("axis.value"), legend=""), "modelos_chart_compare"
    )
    if challenger["gate_passed"]:
        st.success(t("modelos.gate_passed", v=challenger["version"]), icon=":material/verified:")
    else:
        st.error(
            t(
                "modelos.gate_failed",
                v=challenger["version"],
                reasons="; ".join(challenger["gate_reasons"]),
            ),
            icon=":material/gpp_bad:",
        )
    if production is not None:
        try:
            with st.spinner(t("modelos.scoring_candidate")):
                change = data.top_change(
                    str(cfg.data_dir), cfg.db_url, challenger["version"], ver.key
                )
        except Exception as exc:  # an old or broken version: the rest of the page still works
            ui.log_failure(exc, "modelos.top_change")
            change = None
            st.caption(t("modelos.top_change_failed"))
        if change is not None:
            st.metric(
                t("modelos.top_change"), ui.fmt_pct(change), help=t("modelos.top_change_help")
            )
    audit_table = data.run_csv(
        str(cfg.data_dir), cfg.db_url, challenger["run_id"], modelapi.GROUP_AUDIT
    )
    if not audit_table.empty:
        with st.expander(t("modelos.group_audit", v=challenger["version"])):
            st.dataframe(audit_table, hide_index=True, key="modelos_audit_table")


def _promote(cfg: Settings, challenger: dict[str, Any]) -> None:
    version = challenger["version"]
    with st.container(border=True):
        st.markdown(f"**{t('modelos.promote_title', v=version)}**")
        if not challenger["gate_passed"]:
            st.warning(t("modelos.override_hint"))
        reason = st.text_area(
            t("modelos.reason"),
            key="modelos_promote_reason",
            placeholder=t("modelos.reason_placeholder"),
        )
        needs_reason = not challenger["gate_passed"]
        label = t("modelos.override_button") if needs_reason else t("modelos.promote_button")
        clicked = st.button(
            label,
            key="modelos_promote",
            type="primary",
            disabled=needs_reason and not reason.strip(),
        )
        if clicked:
            user = ui.current_user().username
            with st.spinner(t("modelos.promoting")):
                result = modelapi.promote(cfg, version, reason.strip(), user)
            audit.record(
                cfg,
                user,
                audit.PROMOTE,
                version=version,
                outcome=getattr(result, "action", "promote"),
                reason=reason.strip(),
                gate_passed=challenger["gate_passed"],
            )
            st.session_state["modelos_flash"] = t("modelos.promoted", v=version)
            st.rerun()
    flash = st.session_state.pop("modelos_flash", None)
    if flash:
        st.success(flash)


def _rollback(cfg: Settings) -> None:
    previous = modelapi.previous_version(cfg)
    with st.container(border=True):
        st.markdown(f"**{t('modelos.rollback_title', v=previous)}**")
        reason = st.text_input(t("modelos.reason"), key="modelos_rollback_reason")
        if st.button(t("modelos.rollback_button"), key="modelos_rollback"):
            user = ui.current_user().username
            with st.spinner(t("modelos.promoting")):
                result = modelapi.rollback(cfg, reason.strip(), user)
            audit.record(
                cfg,
                user,
                audit.REVERT,
                version=getattr(result, "version", previous),
                reason=reason.strip(),
            )
            st.session_state["modelos_flash"] = t("modelos.rolled_back", v=previous)
            st.rerun()


def _audit_log(cfg: Settings) -> None:
    st.subheader(t("modelos.audit_title"))
    log = modelapi.model_audit_log(cfg)
    if log.empty:
        st.caption(t("modelos.audit_empty"))
        return
    st.dataframe(
        pd.DataFrame(
            {
                t("col.when"): log["at"].map(ui.fmt_when),
                t("col.who"): log["user"],
                t("contas.action"): log["action"].map(lambda a: t(f"action.{a}")),
                t("modelos.version"): log["version"],
                t("modelos.previous"): log["previous_version"],
                t("modelos.reason"): log["reason"],
                t("modelos.gate"): log["gate_detail"],
            }
        ),
        hide_index=True,
        key="modelos_audit",
    )


render()

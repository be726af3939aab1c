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
        preview = modelapi.promotion_preview(cfg, challenger["version"])
        change = _compare(cfg, ver, challenger, production, preview)
        if ui.is_admin():
            _promote(cfg, challenger, preview, change)
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
            t("cmp.ci_col", metric=t("metric.macro_f1")): [
                modelapi.with_interval(v["metrics"], mn.MACRO_F1) for v in versions
            ],
            t("metric.recall_critical"): [v["metrics"].get(mn.RECALL_CRITICAL) for v in versions],
            t("cmp.ci_col", metric=t("metric.recall_critical")): [
                modelapi.with_interval(v["metrics"], mn.RECALL_CRITICAL) for v in versions
            ],
            t("metric.cv_macro_f1"): [v["metrics"].get(mn.CV_MACRO_F1) for v in versions],
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
            t("metric.cv_macro_f1"): number,
        },
    )


def _pick_challenger(others: list[dict[str, Any]]) -> dict[str, Any]:
    by_version = {v["version"]: v for v in others}
    # chosen like the CLI's best version: on the training years, never on the test year
    best = max(others, key=lambda v: (v["gate_passed"], v["metrics"].get(mn.CV_MACRO_F1, -1)))
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
    preview: dict[str, Any],
) -> int | None:
    """Chart, verdict and the plain comparisons; returns how many leave the top 100."""
    st.subheader(t("modelos.compare_title"))
    metrics = challenger["metrics"]
    series = [(t("modelos.challenger_label", v=challenger["version"]), metrics)]
    if production is not None:
        series.append(
            (t("modelos.production_label", v=production["version"]), production["metrics"])
        )
    for label, key in ((mn.PERSISTENCE, "modelos.baseline_label"), (mn.RULE, "modelos.rule_label")):
        series.append((t(key), {m: metrics.get(mn.baseline_metric(m, label)) for m in COMPARED}))
    rows = [
        {"serie": name, "m": t(f"metric.{m}"), "v": values.get(m)}
        for name, values in series
        for m in COMPARED
    ]
    frame = pd.DataFrame(rows).dropna()
    fig = px.bar(frame, x="m", y="v", color="serie", barmode="group")
    fig.update_yaxes(range=[0, 1])
    ui.chart(
        ui.style_figure(fig, t("axis.metric"), t("axis.value"), legend=""), "modelos_chart_compare"
    )
    _verdict(challenger["version"], preview)
    _told_apart(challenger, preview)
    change = None
    if production is not None:
        try:
            with st.spinner(t("modelos.scoring_candidate")):
                change = data.top_change(
                    str(cfg.data_dir), cfg.db_url, challenger["version"], ver.key
                )
        except Exception as exc:  # an old or broken version: the rest of the page still works
            ui.log_failure(exc, "modelos.top_change")
            st.caption(t("modelos.top_change_failed"))
        if change is not None:
            st.metric(t("modelos.top_change"), int(change), help=t("modelos.top_change_help"))
    audit_table = data.run_csv(
        str(cfg.data_dir), cfg.db_url, challenger["run_id"], modelapi.GROUP_AUDIT
    )
    if not audit_table.empty:
        with st.expander(t("modelos.group_audit", v=challenger["version"])):
            st.dataframe(audit_table, hide_index=True, key="modelos_audit_table")
    return None if change is None else int(change)


def _verdict(version: str, preview: dict[str, Any]) -> None:
    """The gate's verdict, production included: says plainly when the candidate is worse."""
    if preview["gate_passed"]:
        st.success(t("modelos.gate_passed", v=version), icon=":material/verified:")
    else:
        st.error(
            t("modelos.gate_failed", v=version, reasons="; ".join(preview["gate_reasons"])),
            icon=":material/gpp_bad:",
        )


def _gain_lines(challenger: dict[str, Any], preview: dict[str, Any]) -> list[str]:
    """Plain sentences: the candidate against each baseline and against production."""
    name = t("modelos.candidate_name", v=challenger["version"])
    lines = []
    for label, key in (
        (mn.RULE, "modelos.rule_name"),
        (mn.PERSISTENCE, "modelos.persistence_name"),
    ):
        line = modelapi.difference_text(challenger["metrics"], mn.MACRO_F1, label, name, t(key))
        if line:
            lines.append(line)
    if preview["comparable"]:
        production = t("modelos.production_name", v=preview["production"])
        for metric in mn.UNCERTAIN_METRICS:
            line = modelapi.difference_text(
                preview["gains"], metric, mn.PRODUCTION, name, production
            )
            if line:
                lines.append(line)
    return lines


def _told_apart(challenger: dict[str, Any], preview: dict[str, Any]) -> None:
    lines = _gain_lines(challenger, preview)
    if not lines:
        return
    st.markdown(f"**{t('modelos.vs_title')}**")
    st.caption(t("modelos.vs_caption"))
    st.markdown("\n".join(f"- {line}" for line in lines))
    if preview["production"] and not preview["comparable"]:
        if preview["production"] != challenger["version"]:
            st.caption(t("modelos.not_comparable", v=preview["production"]))


def _promote(
    cfg: Settings, challenger: dict[str, Any], preview: dict[str, Any], change: int | None
) -> None:
    """Reason first, then a confirmation that names what changes; nothing moves before it."""
    version = challenger["version"]
    with st.container(border=True):
        st.markdown(f"**{t('modelos.promote_title', v=version)}**")
        if not preview["gate_passed"]:
            st.warning(t("modelos.override_hint"))
        reason = st.text_area(
            t("modelos.reason"),
            key="modelos_promote_reason",
            placeholder=t("modelos.reason_placeholder"),
        ).strip()
        if not reason:
            st.caption(t("modelos.reason_required"))
        label = (
            t("modelos.promote_button") if preview["gate_passed"] else t("modelos.override_button")
        )
        if st.button(label, key="modelos_promote", type="primary", disabled=not reason):
            st.session_state["modelos_pending"] = {"version": version, "reason": reason}
        pending = st.session_state.get("modelos_pending")
        if pending and pending["version"] == version:
            _confirm(cfg, challenger, preview, change, str(pending["reason"]))
    flash = st.session_state.pop("modelos_flash", None)
    if flash:
        st.success(flash)


def _confirm(
    cfg: Settings,
    challenger: dict[str, Any],
    preview: dict[str, Any],
    change: int | None,
    reason: str,
) -> None:
    version = challenger["version"]
    with st.container(border=True):
        st.markdown(f"**{t('modelos.confirm_title', v=version)}**")
        if preview["production"]:
            st.markdown(t("modelos.confirm_replaces", v=version, prod=preview["production"]))
        else:
            st.markdown(t("modelos.confirm_first", v=version))
        lines = _gain_lines(challenger, preview)
        if change is not None:
            lines.append(t("modelos.confirm_top", n=change))
        if lines:
            st.markdown("\n".join(f"- {line}" for line in lines))
        _verdict(version, preview)
        st.caption(t("modelos.confirm_reason", reason=reason))
        confirm, cancel = st.columns(2)
        if cancel.button(t("modelos.cancel_button"), key="modelos_cancel"):
            st.session_state.pop("modelos_pending", None)
            st.rerun()
        if confirm.button(t("modelos.confirm_button"), key="modelos_confirm", type="primary"):
            user = ui.current_user().username
            with st.spinner(t("modelos.promoting")):
                result = modelapi.promote(cfg, version, reason, user)
            audit.record(
                cfg,
                user,
                audit.PROMOTE,
                version=version,
                outcome=getattr(result, "action", "promote"),
                reason=reason,
                gate_passed=preview["gate_passed"],
            )
            st.session_state.pop("modelos_pending", None)
            st.session_state["modelos_flash"] = t("modelos.promoted", v=version)
            st.rerun()


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

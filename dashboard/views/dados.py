"""Dados: upload yearly files, preview what they become, process them, and the history."""

from __future__ import annotations

from datetime import date
from typing import Any, Final

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from config import Settings
from config.errors import PassosError
from cycle.finish import FinishStatus, finish_status
from cycle.ingest import FilePreview, Preview, ProcessResult, process
from dashboard import audit, copy_review, data, ui
from dashboard.auth import User
from dashboard.i18n import t
from dashboard.upload_notes import layout_line
from pipeline.ingest import small_years
from pipeline.plan import SheetPlan
from pipeline.state import PublishedState, load_state

RESULT_KEY: Final = "dados_last_result"
JOB_KEY: Final = "dados_finish_job"  # the background job this session started
POLL_SECONDS: Final = 2.0
UPLOADER_GEN: Final = "dados_uploader_gen"
# Share of the bar reached when each stage starts (the pipeline reports its stage names).
STAGES: Final = {
    "landing": 0.05,
    "bronze": 0.15,
    "silver": 0.25,
    "gold": 0.45,
    "publish": 0.6,
    "drift": 0.7,
    "scoring": 0.9,
}


def render() -> None:
    cfg = data.settings()
    ver = data.versions(cfg)
    user = ui.current_user()
    st.title(t("dados.title"))
    _finishing(cfg)
    _last_result(cfg)
    st.caption(t("dados.limit", mb=cfg.max_upload_mb))
    generation = st.session_state.setdefault(UPLOADER_GEN, 0)
    files = st.file_uploader(
        t("dados.uploader"),
        type=["xlsx", "xls", "csv"],
        accept_multiple_files=True,
        key=f"dados_files_{generation}",
        max_upload_size=cfg.max_upload_mb,
        help=t("dados.uploader_help"),
    )
    if files:
        _preview_and_process(cfg, user, list(files))
    copy_review.render(cfg, user)
    _history(cfg, ver)


def _preview_and_process(cfg: Settings, user: User, files: list[UploadedFile]) -> None:
    state = load_state(cfg)
    previews = []
    for file in files:
        content = file.getvalue()
        preview = data.preview(file.name, content, None, cfg.max_upload_mb, state.content_hashes)
        if preview.needs_year:
            year = _ask_year(preview)
            if year is not None:
                preview = data.preview(
                    file.name, content, year, cfg.max_upload_mb, state.content_hashes
                )
        previews.append(preview)
        _show_preview(preview)
    batch = Preview(tuple(previews), state.loaded_years)

    to_replace = batch.years_to_replace
    confirmed = True
    if to_replace:
        listed = ", ".join(map(str, to_replace))
        st.warning(t("dados.replace_warning", years=listed), icon=":material/warning:")
        confirmed = st.checkbox(t("dados.replace_confirm", years=listed), key="dados_replace")
    force = _confirm_small_years(cfg, batch, state)
    if batch.errors:
        st.error(t("dados.fix_errors"), icon=":material/block:")
    if batch.nothing_new and not batch.errors:
        st.info(t("dados.nothing_new"))
    disabled = bool(batch.errors) or batch.nothing_new or not confirmed or force is None
    if st.button(t("dados.process"), key="dados_process", type="primary", disabled=disabled):
        _process(cfg, user, batch, replace=bool(to_replace), force=bool(force))


def _confirm_small_years(cfg: Settings, batch: Preview, state: PublishedState) -> bool | None:
    """A new year much smaller than the last one loads only once confirmed (``force``).

    ``False``: nothing to confirm; ``True``: confirmed; ``None``: waiting for the confirmation.
    """
    sheets = [s for f in batch.files if not f.already_ingested for s in f.sheets]
    small = small_years(sheets, state, cfg.small_year_share)
    if not small:
        return False
    for year in small:
        st.warning(
            t(
                "dados.small_year",
                year=year["ano"],
                n_new=year["n_new"],
                n_previous=year["n_previous"],
                previous=year["previous"],
            ),
            icon=":material/warning:",
        )
    if st.checkbox(t("dados.small_year_confirm"), key="dados_small_year"):
        return True
    return None


def _ask_year(preview: FilePreview) -> int | None:
    st.warning(ui.plain(preview.error or ""), icon=":material/event:")
    this_year = date.today().year
    return st.selectbox(
        t("dados.year_select", name=ui.plain(preview.name)),
        options=list(range(this_year + 1, 2015, -1)),
        index=None,
        placeholder=t("dados.year_placeholder"),
        key=f"dados_year_{preview.content_hash[:12]}",
    )


def _show_preview(preview: FilePreview) -> None:
    size_mb = preview.size / 1_000_000
    header = t("dados.preview_header", name=ui.plain(preview.name), size=f"{size_mb:.1f}")
    with st.container(border=True):
        st.markdown(f"**{header}**")
        if preview.already_ingested:
            st.info(t("dados.already_ingested"), icon=":material/content_copy:")
            return
        if preview.error:
            if not preview.needs_year:
                st.error(ui.plain(preview.error), icon=":material/error:")
            return
        for sheet in preview.sheets:
            _show_sheet(preview, sheet)


def _show_sheet(preview: FilePreview, sheet: SheetPlan) -> None:
    """Everything from the file (sheet name, headers, values) goes out as plain text."""
    quarantined = len(sheet.quarantine)
    st.markdown(
        t(
            "dados.sheet_line",
            sheet=ui.plain(sheet.sheet),
            year=sheet.year,
            rows=sheet.rows,
            kept=len(sheet.silver),
            quarantined=quarantined,
        )
    )
    skipped = layout_line(sheet.layout)
    if skipped:
        st.caption(skipped)
    key = f"{preview.content_hash[:10]}_{sheet.year}"
    with st.expander(t("dados.mapping_title", sheet=ui.plain(sheet.sheet))):
        mapping = pd.DataFrame(
            {
                t("dados.col_standard"): list(sheet.mapping),
                t("dados.col_source"): [v or t("dados.not_found") for v in sheet.mapping.values()],
            }
        )
        st.dataframe(mapping, hide_index=True, key=f"dados_mapping_{key}")
        if sheet.ignored_headers:
            st.caption(t("dados.ignored", headers=ui.plain(", ".join(sheet.ignored_headers))))
    if quarantined:
        with st.expander(t("dados.quarantine_title", n=quarantined)):
            st.dataframe(
                _quarantine_labels(sheet.quarantine[["source_row", "ra", "reason"]]),
                hide_index=True,
                key=f"dados_q_{key}",
            )


def _quarantine_labels(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(
        columns={
            "ano": t("col.ano"),
            "source_file": t("col.file"),
            "source_sheet": t("col.sheet"),
            "source_row": t("col.source_row"),
            "ra": t("col.ra"),
            "reason": t("col.reason"),
        }
    )


def _process(cfg: Settings, user: User, batch: Preview, *, replace: bool, force: bool) -> None:
    """Publish the previewed plans; drift and scoring now, or in the background (setting)."""
    with st.status(t("dados.processing"), expanded=True) as box:
        bar = st.progress(0.0, text=t("dados.stage_start"))

        def progress(stage: str, message: str) -> None:
            text = t(f"dados.stage_{stage}") if stage in ("drift", "scoring") else message
            bar.progress(STAGES.get(stage, 0.5), text=text)

        try:
            result = process(
                batch,
                cfg,
                replace=replace,
                user=user.username,
                finish="background" if cfg.drift_in_background else "wait",
                progress=progress,
                force=force,
            )
        except PassosError as exc:
            box.update(label=t("dados.failed"), state="error")
            st.error(ui.plain(exc), icon=":material/error:")
            return
        audit.record(
            cfg,
            user.username,
            audit.UPLOAD,
            files=[f.name for f in batch.files if not f.already_ingested],
            years=result.ingest.years_loaded,
            replace=replace,
            forced_small_year=force,
            run_id=result.ingest.run_id,
        )
        bar.progress(1.0, text=t("dados.stage_done"))
        box.update(label=t("dados.done"), state="complete", expanded=False)
    st.session_state[RESULT_KEY] = _summary(result)
    if result.job_id is not None:
        st.session_state[JOB_KEY] = result.job_id
    st.session_state[UPLOADER_GEN] = st.session_state.get(UPLOADER_GEN, 0) + 1
    st.rerun()


def _summary(result: ProcessResult) -> dict[str, Any]:
    summary: dict[str, Any] = result.ingest.summary()
    summary["flag_details"] = [f.detail for f in result.ingest.flags]
    return summary


def _finishing(cfg: Settings) -> None:
    """The drift reports and scoring after a publish: live while running, then their outcome."""
    status = finish_status(cfg)
    if status.busy:
        _finishing_live(cfg)
        return
    started_here = st.session_state.pop(JOB_KEY, None) is not None
    if status.state == "done" and started_here:
        st.success(t("dados.finish_ready"), icon=":material/task_alt:")
    elif status.state in ("failed", "interrupted"):
        _finishing_problem(status)


@st.fragment(run_every=POLL_SECONDS)
def _finishing_live(cfg: Settings) -> None:
    """Polls the job's record; when it ends, the whole page reruns (fresh lists, 'pronto')."""
    status = finish_status(cfg)
    if not status.busy:
        st.rerun(scope="app")
    stage = t(f"dados.finish_stage_{status.stage or 'queued'}")
    # Not a ``with`` block: leaving one marks the status complete, and this one is still running.
    box = st.status(t("dados.finish_running"), state="running", expanded=True)
    box.markdown(t("dados.finish_now", stage=stage))
    for year in status.pending_drift:
        box.markdown(t("dados.finish_drift_pending", year=year))
    box.markdown(t("dados.finish_scoring_waiting"))
    box.caption(t("dados.finish_risk_note"))


def _finishing_problem(status: FinishStatus) -> None:
    stage = t(f"dados.finish_stage_{status.stage or 'queued'}")
    if status.state == "interrupted":
        st.error(t("dados.finish_interrupted", stage=stage), icon=":material/error:")
        return
    error = ui.plain(status.error or "")
    st.error(t("dados.finish_failed", stage=stage, error=error), icon=":material/error:")


def _last_result(cfg: Settings) -> None:
    summary = st.session_state.get(RESULT_KEY)
    if not summary:
        return
    with st.container(border=True):
        st.success(t("dados.summary_title"), icon=":material/check_circle:")
        for name in summary["skipped_files"]:
            st.info(t("dados.skipped", name=ui.plain(name)))
        rows = summary["rows"]
        if rows:
            layers = ["bronze", "silver", "quarantine", "gold"]
            years = sorted({y for layer in layers for y in rows.get(layer, {})})
            table = pd.DataFrame(
                {
                    t("col.ano"): years,
                    **{
                        t(f"layer.{layer}"): [rows.get(layer, {}).get(y) for y in years]
                        for layer in layers
                    },
                }
            )
            st.dataframe(table, hide_index=True, key="dados_summary_rows")
        for detail in summary.get("flag_details", []):
            st.warning(ui.plain(detail), icon=":material/warning:")
        q = data.quarantine_rows(cfg, summary["run_id"])
        if not q.empty:
            st.download_button(
                t("dados.download_quarantine", n=len(q)),
                data=ui.csv_bytes(_quarantine_labels(q)),
                file_name=ui.file_name(f"quarentena_{summary['run_id'][:8]}.csv"),
                mime="text/csv",
                key="dados_download_quarantine",
                on_click="ignore",
            )
        if st.button(t("dados.summary_close"), key="dados_summary_close"):
            st.session_state.pop(RESULT_KEY, None)
            st.rerun()


def _history(cfg: Settings, ver: data.Versions) -> None:
    st.subheader(t("dados.history_title"))
    history = data.history(cfg.db_url, ver.data)
    if history.empty:
        ui.next_step("dados.history_empty")
        return
    table = pd.DataFrame(
        {
            t("col.ano"): history["ano"],
            t("col.file"): history["file_name"],
            t("col.sheet"): history["sheet"],
            t("col.rows_read"): history["rows_bronze"],
            t("col.rows_kept"): history["rows_silver"],
            t("col.rows_quarantined"): history["rows_quarantined"],
            t("col.hash"): history["content_hash"].str[:12],
            t("col.who"): history["ingested_by"],
            t("col.when"): history["ingested_at"].map(ui.fmt_when),
            t("col.current"): history["superseded_at"].isna(),
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        key="dados_history",
        column_config={t("col.current"): st.column_config.CheckboxColumn()},
    )


render()

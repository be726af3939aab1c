"""Small UI helpers shared by the pages: the signed-in user, the error boundary, chart styling."""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from config.clock import local_text, zone_city
from config.errors import PassosError
from dashboard.auth import User
from dashboard.i18n import LANG_KEY, t
from pipeline import columns as c

log = logging.getLogger(__name__)

USER_KEY: Final = "auth_user"
SESSION_KEY: Final = "auth_session"  # the random session token (its hash is in the database)
NOTICE_KEY: Final = "auth_notice"  # a catalog key shown once on the sign-in page
LAST_ERROR_KEY: Final = "_passos_last_error"  # read by the tests: no unexpected failure on a page
CLASS_COLORS: Final = {c.CRITICAL: "#c0392b", c.ALERT: "#e67e22", c.EXPECTED: "#27ae60"}
CLASS_ORDER: Final = ("critical", "alert", "expected")
# Markdown punctuation (links, images, emphasis, headings, tables, Streamlit's :directives:,
# LaTeX, entities, autolinks), escaped one by one so that the text renders exactly as written.
_MARKDOWN_PUNCTUATION: Final = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'])")


def current_user() -> User:
    user = st.session_state.get(USER_KEY)
    if not isinstance(user, User):  # the router signs in before any page runs
        raise PermissionError("not signed in")
    return user


def is_admin() -> bool:
    user = st.session_state.get(USER_KEY)
    return isinstance(user, User) and user.is_admin


def plain(text: object) -> str:
    """Text read from a file (names, headers, values, reasons quoting them) as literal Markdown.

    Whatever a workbook holds is shown as written: ``[x](https://…)`` stays text, never a link,
    and ``![p](…)`` never makes the browser fetch an address. Line breaks become spaces.
    """
    flat = " ".join(str(text).split())
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", flat)


def end_browser_session(notice: str | None = None) -> None:
    """Forget everything this browser session held (user, token, every page's state) but the
    language, and unlink its download files so that their URLs die with the session.

    The files are only marked here; the rerun that follows (the sign-in page, which offers no
    download) deletes them, which is how Streamlit ends any download a page stops offering.
    """
    keep = {key: st.session_state[key] for key in (LANG_KEY,) if key in st.session_state}
    st.session_state.clear()
    st.session_state.update(keep)
    if notice:
        st.session_state[NOTICE_KEY] = notice
    from streamlit import runtime

    if runtime.exists():
        files = runtime.get_instance().media_file_mgr
        files.clear_session_refs()
        files.remove_orphaned_files()


def log_failure(exc: BaseException, where: str) -> None:
    """Log a failure by type and code location only: messages may hold a student's data."""
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error("page %s failed with %s\n%s", where, type(exc).__name__, frames)


@contextmanager
def boundary(where: str) -> Iterator[None]:
    """Turn any failure inside into a Portuguese message that says what to do; never a traceback.

    Streamlit's own control flow (``st.rerun``, ``st.stop``, page switches) derives from
    ``BaseException`` and passes through untouched.
    """
    try:
        yield
    except PassosError as exc:  # typed errors already say what to do, in Portuguese
        st.error(plain(exc), icon=":material/error:")  # they may quote a file's names
    except Exception as exc:
        log_failure(exc, where)
        st.session_state[LAST_ERROR_KEY] = f"{where}: {type(exc).__name__}"
        st.error(t("common.unexpected_error"), icon=":material/error:")


def style_figure(
    fig: go.Figure, x_title: str, y_title: str, height: int = 360, legend: str | None = None
) -> go.Figure:
    """Axis titles in the user's language, compact margins, consistent font."""
    fig.update_layout(
        xaxis_title=x_title,
        yaxis_title=y_title,
        height=height,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend_title_text=legend or "",
        separators=",." if st.session_state.get("lang", "pt") == "pt" else ".,",
    )
    return fig


def chart(fig: go.Figure, key: str) -> None:
    st.plotly_chart(fig, key=key, config={"displaylogo": False})


def class_label(cls: Any) -> str:
    return t(f"class.{cls}") if cls in CLASS_ORDER else str(cls)


def next_step(key: str, **kwargs: Any) -> None:
    """A friendly 'what to do next' box."""
    st.info(t(key, **kwargs), icon=":material/arrow_forward:")


def fmt_pct(value: float | None) -> str:
    if value is None or pd.isna(value):
        return "—"
    text = f"{value:.0%}"
    return text


def fmt_num(value: float | None, digits: int = 2) -> str:
    if value is None or pd.isna(value):
        return "—"
    text = f"{value:,.{digits}f}"
    if st.session_state.get("lang", "pt") == "pt":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def timezone() -> str:
    """The configured time zone (``PASSOS_TIMEZONE``) of every time the pages show."""
    from config import get_settings

    return get_settings().timezone


def fmt_when(value: Any) -> str:
    """A stored (UTC) time in the configured zone, labelled: ``04/12/2026 14:15 (…)``."""
    zone = timezone()
    text = local_text(value, zone, with_zone=False)
    if not text:
        return "—"
    return f"{text} ({t('common.tz_label', city=zone_city(zone))})"


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV as a pt-BR Excel opens it, formulas neutralised (the product's one CSV writer)."""
    from models.export import table_csv_bytes

    return table_csv_bytes(frame)


def file_name(name: str) -> str:
    """A download's file name, safe for spreadsheets and file systems (``models.export``)."""
    from models.export import safe_file_name

    return safe_file_name(name)


def copy_banner(settings: Any, year: int | None) -> None:
    """A warning while ``year``'s data are flagged as a probable copy and not reviewed."""
    if year is None:
        return
    from cycle.copies import copy_flags

    for flag in copy_flags(settings):
        if flag.ano == int(year) and not flag.accepted:
            st.warning(
                t("copy.banner", year=flag.ano, previous=flag.ano - 1, share=fmt_pct(flag.share)),
                icon=":material/content_copy:",
            )


def why_sentence(row: Any, published: Any) -> str:
    """One sentence: why this student is in this class (the model's decision rule, in numbers)."""
    from models import columns as pc
    from models.decision import class_reason, percent

    reason = class_reason(
        str(row[pc.CLASSE]),
        float(row[pc.P_CRITICAL]),
        float(row[pc.RISK_SCORE]),
        None if published is None else published.threshold_critical,
        None if published is None else published.threshold_lagging,
    )
    return t(
        f"why.{reason.kind}",
        label=class_label(reason.classe),
        p_critical=percent(reason.p_critical),
        p_lagging=percent(reason.risk_score),
        t_critical=percent(reason.threshold_critical),
        t_lagging=percent(reason.threshold_lagging),
    )

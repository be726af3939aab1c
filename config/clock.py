"""The one clock of what people read: stored times are UTC, shown and exported times are local.

Every time a coordinator reads (pages, exports, CLI lines) goes through :func:`local_text`, which
converts to the configured ``PASSOS_TIMEZONE`` and names the zone, so that a screen and a file
never show two different clocks without saying which.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

import pandas as pd

DATE_TIME_FORMAT: Final = "%d/%m/%Y %H:%M"


def to_local(moment: Any, timezone: str) -> datetime | None:
    """``moment`` (datetime, Timestamp or ISO text; naive means UTC) in ``timezone``."""
    if moment is None or (not isinstance(moment, str) and pd.isna(moment)):
        return None
    stamp = pd.Timestamp(moment)
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize(UTC)
    local: datetime = stamp.tz_convert(ZoneInfo(timezone)).to_pydatetime()
    return local


def zone_city(timezone: str) -> str:
    """The zone's place name: ``America/Sao_Paulo`` → ``Sao Paulo``; ``UTC`` stays ``UTC``."""
    return timezone.rsplit("/", 1)[-1].replace("_", " ")


def zone_label(timezone: str) -> str:
    """How the zone is named next to a time in Portuguese: ``horário de Sao Paulo``."""
    return f"horário de {zone_city(timezone)}"


def local_text(moment: Any, timezone: str, *, with_zone: bool = True) -> str:
    """``04/12/2026 14:15 (horário de Sao Paulo)``; empty text for no time."""
    local = to_local(moment, timezone)
    if local is None:
        return ""
    text = local.strftime(DATE_TIME_FORMAT)
    return f"{text} ({zone_label(timezone)})" if with_zone else text

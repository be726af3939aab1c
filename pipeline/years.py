"""Find the PEDE year of a sheet: from its name, the file name, or its headers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from config import Settings

FIRST_YEAR = 2000
LAST_YEAR = 2100

_FOUR_DIGITS = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_YEAR_RANGE = re.compile(r"(?<!\d)20\d{2}\s*[-_a]\s*(20)?\d{2}(?!\d)")
_YEAR_HEADER = re.compile(r"^(?:inde|pedra|idade)\s+(\d{4}|\d{2})$", re.IGNORECASE)


def year_from_text(text: str) -> int | None:
    """The single 20xx year written in a sheet or file name; None when absent or ambiguous."""
    if _YEAR_RANGE.search(text):
        return None
    years = {int(y) for y in _FOUR_DIGITS.findall(text)}
    return years.pop() if len(years) == 1 else None


def year_from_headers(headers: Iterable[object]) -> int | None:
    """The latest year named by year-stamped headers (``INDE 2023``, ``Pedra 22``, ``Idade 22``).

    Later sheets also carry earlier years' columns as history, so the latest one is the sheet's.
    """
    years = []
    for header in headers:
        match = _YEAR_HEADER.match(" ".join(str(header).split()))
        if match:
            value = int(match.group(1))
            years.append(value if value > 99 else 2000 + value)
    return max(years) if years else None


def plausible_years(settings: Settings, current_year: int) -> tuple[int, int]:
    """(first, last) year a PEDE sheet may have: the first PEDE year … next year by default."""
    return settings.first_pede_year, current_year + settings.years_ahead


def detect_year(
    sheet_name: str, file_name: str, headers: Iterable[object], n_sheets: int
) -> int | None:
    """Sheet name first, then the file name (only for a one-sheet file), then the headers."""
    for candidate in (
        year_from_text(sheet_name),
        year_from_text(file_name) if n_sheets == 1 else None,
        year_from_headers(headers),
    ):
        if candidate is not None and FIRST_YEAR <= candidate <= LAST_YEAR:
            return candidate
    return None

"""Find the table in a sheet made by hand: the header row by its content, not its position.

Staff spreadsheets put a title and blank lines above the header, notes or totals below the
table, leave the first column empty, or split a header over two rows ("Nota" over "Mat" and
"Por"). ``locate_table`` finds the row (or pair of rows) that names the most PEDE columns and
the rows that hold students, and says what it skipped so the preview can tell the user.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline import columns as c
from pipeline.silver import BIRTH_DATE_HEADERS, BIRTH_YEAR_HEADERS, HEADER_CANDIDATES, fold

HEADER_SCAN_ROWS = 30  # the header is looked for among the first rows only
MIN_HEADER_MATCHES = 2  # fewer known names than this: keep the first row (the old behaviour)
FOOTER_WORDS = ("total", "media", "soma", "fonte", "obs", "nota:", "observ")


def _header_pattern() -> re.Pattern[str]:
    names = [cand for cands in HEADER_CANDIDATES.values() for cand in cands]
    names += [*BIRTH_YEAR_HEADERS, *BIRTH_DATE_HEADERS]
    folded = {
        re.escape(fold(name)).replace(r"\{y\}", r"\d{4}").replace(r"\{yy\}", r"\d{2}")
        for name in names
    }
    return re.compile("^(?:" + "|".join(sorted(folded)) + ")$")


HEADER_PATTERN = _header_pattern()
RA_HEADER = fold(HEADER_CANDIDATES[c.RA][0])


@dataclass(frozen=True)
class TableLayout:
    """Where the table sits in its sheet (0-based rows of the sheet) and what was left out."""

    header_rows: tuple[int, ...] = (0,)
    first_data_row: int = 1
    end_row: int | None = None  # exclusive; None: to the end of the sheet
    rows_above: int = 0  # sheet lines above the header (titles, blank lines)
    rows_below: int = 0  # non-blank lines after the last student (notes, totals)
    empty_columns: list[str] = field(default_factory=list)  # letters of columns with nothing

    @property
    def split_header(self) -> bool:
        return len(self.header_rows) > 1

    @property
    def skipped_anything(self) -> bool:
        return bool(self.rows_above or self.rows_below or self.empty_columns or self.split_header)


def is_blank(value: Any) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or (isinstance(value, float) and math.isnan(value))


def column_letters(index: int) -> str:
    """0 → ``A``, 25 → ``Z``, 26 → ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def header_matches(row: Sequence[Any]) -> int:
    """How many cells of a row are names of PEDE columns."""
    return sum(
        1
        for value in row
        if isinstance(value, str) and len(value) < 40 and HEADER_PATTERN.match(fold(value))
    )


def merge_header(top: Sequence[Any], bottom: Sequence[Any]) -> list[Any]:
    """A header split over two rows: the lower name where there is one, else the upper."""
    width = max(len(top), len(bottom))
    padded_top = [*top, *[""] * (width - len(top))]
    padded_bottom = [*bottom, *[""] * (width - len(bottom))]
    return [
        low if not is_blank(low) else up for up, low in zip(padded_top, padded_bottom, strict=True)
    ]


def _header_rows(grid: Sequence[Sequence[Any]]) -> tuple[int, ...]:
    scores = [header_matches(row) for row in grid[:HEADER_SCAN_ROWS]]
    if not scores or max(scores) < MIN_HEADER_MATCHES:
        return (0,)
    best = scores.index(max(scores))
    for top in (best - 1, best):
        bottom = top + 1
        if top < 0 or bottom >= len(grid) or min(scores[top : bottom + 1] or [0]) < 1:
            continue
        if header_matches(merge_header(grid[top], grid[bottom])) > max(scores[top], scores[bottom]):
            return (top, bottom)
    return (best,)


def _is_footer(row: Sequence[Any], ra_column: int | None) -> bool:
    """A line under the table: no RA, or a total/note label where the RA goes (without an RA
    column: a single cell, or a label)."""
    filled = [value for value in row if not is_blank(value)]
    if not filled:
        return True
    if ra_column is not None:
        ra = row[ra_column] if ra_column < len(row) else None
        return is_blank(ra) or fold(ra).startswith(FOOTER_WORDS)
    return len(filled) == 1 or fold(filled[0]).startswith(FOOTER_WORDS)


def locate_table(grid: Sequence[Sequence[Any]]) -> tuple[list[Any], TableLayout]:
    """The header names and where the students are; unchanged for a header in the first row
    followed only by students."""
    if not grid:
        return [], TableLayout(end_row=0)
    header_rows = _header_rows(grid)
    header = (
        merge_header(grid[header_rows[0]], grid[header_rows[1]])
        if len(header_rows) > 1
        else list(grid[header_rows[0]])
    )
    first_data = header_rows[-1] + 1
    folded = [fold(h) if isinstance(h, str) else "" for h in header]
    ra_column = folded.index(RA_HEADER) if RA_HEADER in folded else None
    end = len(grid)
    while end > first_data and _is_footer(grid[end - 1], ra_column):
        end -= 1
    rows_below = sum(1 for row in grid[end:] if any(not is_blank(value) for value in row))
    body = grid[first_data:end]
    named = [j for j, name in enumerate(header) if not is_blank(name)]
    # Columns inside the table that hold nothing at all (an empty first column, a spacer);
    # trailing formatting columns past the last header are not worth reporting.
    empty_columns = [
        column_letters(j)
        for j in range(max(named, default=-1))
        if is_blank(header[j]) and all(is_blank(row[j]) for row in body if j < len(row))
    ]
    layout = TableLayout(
        header_rows=header_rows,
        first_data_row=first_data,
        end_row=end,
        rows_above=header_rows[0],
        rows_below=rows_below,
        empty_columns=empty_columns,
    )
    return header, layout

"""Raw sheet → bronze: the values as read plus lineage, in a form Parquet can store."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from pipeline import columns as c

EXCEL_FIRST_DATA_ROW = 2  # row 1 is the header in the spreadsheet the coordinator sees


def to_bronze(
    raw: pd.DataFrame, file_name: str, sheet: str, content_hash: str, ingested_at: datetime
) -> pd.DataFrame:
    """The sheet with lineage columns; headers as strings, nothing else changed.

    Columns that mix types in one column (text and integers in ``Fase``, numbers and dates in
    ``Idade``) keep each value's text, and missing values stay missing (never the text "nan").
    """
    frame = raw.copy()
    frame.columns = [str(col) for col in frame.columns]
    for col in frame.columns:
        if frame[col].dtype == object:
            frame[col] = _text_if_mixed(frame[col])
    lineage: dict[str, Any] = {
        c.SOURCE_FILE: file_name,
        c.SOURCE_SHEET: sheet,
        c.SOURCE_HASH: content_hash,
        c.SOURCE_ROW: raw.index.to_numpy() + EXCEL_FIRST_DATA_ROW,
        c.INGESTED_AT: pd.Timestamp(ingested_at),
    }
    return frame.assign(**lineage)


def _text_if_mixed(values: pd.Series) -> pd.Series:
    kinds = {type(v) for v in values.dropna()}
    if len(kinds) <= 1 and not kinds & {datetime, pd.Timestamp}:
        return values
    return values.map(str, na_action="ignore")

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
    if raw.shape[1] == 0:
        return raw.assign(**_lineage(raw, file_name, sheet, content_hash, ingested_at))
    # Built in one step: assigning column by column is quadratic in the number of columns.
    frame = pd.concat(
        [
            _text_if_mixed(raw.iloc[:, i])
            if pd.api.types.is_object_dtype(raw.dtypes.iloc[i])
            else raw.iloc[:, i]
            for i in range(raw.shape[1])
        ],
        axis=1,
        ignore_index=True,
    )
    frame.columns = [str(col) for col in raw.columns]
    return frame.assign(**_lineage(raw, file_name, sheet, content_hash, ingested_at))


def _lineage(
    raw: pd.DataFrame, file_name: str, sheet: str, content_hash: str, ingested_at: datetime
) -> dict[str, Any]:
    return {
        c.SOURCE_FILE: file_name,
        c.SOURCE_SHEET: sheet,
        c.SOURCE_HASH: content_hash,
        c.SOURCE_ROW: raw.index.to_numpy() + EXCEL_FIRST_DATA_ROW,
        c.INGESTED_AT: pd.Timestamp(ingested_at),
    }


def _text_if_mixed(values: pd.Series) -> pd.Series:
    kinds = {type(v) for v in values.dropna()}
    if len(kinds) <= 1 and not kinds & {datetime, pd.Timestamp}:
        return values
    return values.map(str, na_action="ignore")

"""Small helpers on whole frames shared by the layers."""

from __future__ import annotations

from typing import Any, cast

import pandas as pd


def with_none(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns where every missing value is ``None`` (what drivers and Evidently accept)."""
    return frame.astype(object).where(frame.notna(), None)  # type: ignore[call-overload,no-any-return]


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain Python values (``astype(object)`` unboxes numpy), missing as ``None``."""
    return cast(list[dict[str, Any]], with_none(frame).to_dict(orient="records"))

"""The input example logged with each model: invented rows, never real students' features.

MLflow keeps the example (``input_example.json``, ``serving_input_example.json``) beside the
model for anyone who can read the store. Each column gets values spread over its own range
(quantiles, shifted per row), so no row is any student's row, the types and ranges are
realistic, and the signature inferred from it matches the real inputs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

EXAMPLE_ROWS = 5


def synthetic_input_example(features: pd.DataFrame, rows: int = EXAMPLE_ROWS) -> pd.DataFrame:
    """``rows`` invented rows with the columns and dtypes of ``features``."""
    quantiles = np.linspace(0.1, 0.9, rows)
    columns: dict[str, object] = {}
    for offset, name in enumerate(features.columns):
        values = pd.to_numeric(features[name], errors="coerce").dropna()
        if values.empty:
            column = np.full(rows, np.nan)
        else:
            # Each column walks its quantiles from a different start: rows mix levels.
            picks = np.roll(values.quantile(quantiles).to_numpy(dtype="float64"), offset)
            column = np.round(picks, 1)
        columns[str(name)] = column
    example = pd.DataFrame(columns)
    return example.astype(features.dtypes.to_dict(), errors="ignore")

"""Synthetic PEDE workbooks: the real yearly layouts and quirks, every value generated.

Tooling beside the product (``passos demo``, ``passos demo-data``, tests and benchmarks), not a
pipeline stage: it lives outside ``pipeline`` so the medallion stages never depend on it. The
generator simulates a population of students across consecutive years (``population``), renders
each year with the layout of the real sheet of that year (``layouts``, ``render``) and writes
XLSX or pt-BR CSV files (``writers``).
"""

from synthetic.layouts import headers_for, sheet_name
from synthetic.render import generate_years
from synthetic.writers import write_csv, write_workbook, write_workbooks_per_year

__all__ = [
    "generate_years",
    "headers_for",
    "sheet_name",
    "write_csv",
    "write_workbook",
    "write_workbooks_per_year",
]

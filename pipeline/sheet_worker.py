"""Read an uploaded workbook's cells in a separate process with memory and time limits.

The spreadsheet parser (calamine, in Rust) aborts the whole process when an allocation fails:
a 5 KB workbook with a cell at ``XFD1048576`` asks for 512 GB. Python cannot catch an abort, so
the parsing runs in a child process (``python -m pipeline.sheet_worker``: the standard library
and ``python_calamine`` only, so it starts in a few tens of milliseconds) with an address-space
limit (``RLIMIT_AS``) and a deadline. If it dies or overruns, the upload is refused with a
one-line message and the server (CLI, dashboard) goes on. Bytes go in on stdin and the cells
come back pickled on stdout.
"""

from __future__ import annotations

import pickle
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

from pipeline.errors import FileLimitError, InputFileError
from pipeline.limits import ParseLimits, check_shape

Grid = list[list[Any]]  # cell values as calamine gives them; "" for an empty cell
PROJECT_ROOT = Path(__file__).resolve().parents[1]


def read_grids(name: str, content: bytes, limits: ParseLimits) -> list[tuple[str, Grid]]:
    """Every worksheet of an .xlsx/.xls as (sheet name, rows of cells), parsed out of process."""
    try:
        done = subprocess.run(  # noqa: S603 - our own module, fixed arguments
            [sys.executable, "-m", "pipeline.sheet_worker"],
            input=pickle.dumps((name, content, limits)),
            capture_output=True,
            timeout=limits.timeout_seconds,
            cwd=PROJECT_ROOT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise FileLimitError(
            f"A leitura do arquivo '{name}' passou de {limits.timeout_seconds:.0f} s e foi "
            "interrompida. Copie só a tabela do PEDE para uma planilha nova e envie de novo."
        ) from None
    if done.returncode != 0 or not done.stdout:  # out of memory, or the parser aborted
        raise FileLimitError(
            f"O arquivo '{name}' não pôde ser lido dentro do limite de memória "
            f"({limits.memory_bytes // (1024 * 1024)} MB): ele é grande demais ou está "
            "corrompido. Copie só a tabela do PEDE para uma planilha nova e envie de novo."
        )
    outcome, payload = pickle.loads(done.stdout)  # noqa: S301 - written by our own child
    if outcome == "limit":
        raise FileLimitError(payload)
    if outcome == "error":
        raise InputFileError(payload)
    return payload  # type: ignore[no-any-return]


def main() -> int:
    """The child: limits first, then parse; the outcome is pickled to stdout."""
    name, content, limits = pickle.loads(sys.stdin.buffer.read())  # noqa: S301 - our parent
    _limit_memory(limits.memory_bytes)
    try:
        outcome: tuple[str, Any] = ("ok", parse_grids(name, content, limits))
    except FileLimitError as exc:
        outcome = ("limit", str(exc))
    except InputFileError as exc:
        outcome = ("error", str(exc))
    except MemoryError:
        return 1  # the parent reports the memory limit
    except Exception:  # noqa: BLE001 - any parser failure means an unreadable file
        outcome = (
            "error",
            f"Não foi possível ler o arquivo '{name}': ele parece corrompido ou incompleto. "
            "Abra-o no Excel, salve de novo e envie outra vez.",
        )
    sys.stdout.buffer.write(pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))
    return 0


def _limit_memory(extra_bytes: int) -> None:
    """Address space = what the process already maps + ``extra_bytes``."""
    try:
        with open("/proc/self/statm") as statm:
            mapped = int(statm.read().split()[0]) * resource.getpagesize()
    except OSError:  # not Linux: /proc is absent; the limit is then the budget alone
        mapped = 0
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = mapped + extra_bytes
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def parse_grids(name: str, content: bytes, limits: ParseLimits) -> list[tuple[str, Grid]]:
    """The parsing itself (runs in the child): shapes checked before a sheet's cells are read."""
    from io import BytesIO

    from python_calamine import CalamineWorkbook, SheetTypeEnum

    if name.lower().endswith(".xls"):
        _check_xls_shapes(name, content, limits)
    book = CalamineWorkbook.from_filelike(BytesIO(content))
    grids = []
    for meta in book.sheets_metadata:
        if meta.typ != SheetTypeEnum.WorkSheet:
            continue
        sheet = book.get_sheet_by_name(meta.name)
        check_shape(name, meta.name, sheet.total_height, sheet.total_width, limits)
        grids.append((meta.name, sheet.to_python(skip_empty_area=False)))
    return grids


def _check_xls_shapes(name: str, content: bytes, limits: ParseLimits) -> None:
    import xlrd

    book = xlrd.open_workbook(file_contents=content, on_demand=True)
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            check_shape(name, sheet.name, sheet.nrows, sheet.ncols, limits)
            book.unload_sheet(index)
    finally:
        book.release_resources()


if __name__ == "__main__":
    sys.exit(main())

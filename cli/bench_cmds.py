"""``passos bench …``: benchmarks that print JSON (method and results in the README)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cli.output import echo

BENCH_FROM_A_CLONE = (
    "Os benchmarks rodam a partir de um clone do repositório: "
    "'uv sync' e depois 'uv run passos bench …'."
)


@contextmanager
def bench_package() -> Iterator[None]:
    """Imports of ``bench``, which is dev tooling left out of the wheel and the image on purpose."""
    from config.errors import PassosError

    try:
        yield
    except ModuleNotFoundError as exc:
        if exc.name != "bench" and not str(exc.name).startswith("bench."):
            raise  # a dependency missing inside a benchmark: its own reason is the right one
        raise PassosError(BENCH_FROM_A_CLONE) from exc


def register(subparsers: Any) -> None:
    bench = subparsers.add_parser("bench", help="benchmarks (JSON on stdout)")
    sub = bench.add_subparsers(dest="bench_command", metavar="TARGET", required=True)
    pipeline = sub.add_parser(
        "pipeline", help="ingest: real workbook vs plain read; synthetic sizes"
    )
    pipeline.add_argument(
        "--real", type=Path, help="real PEDE workbook (../shared/data/pede/PEDE_2022-24.xlsx)"
    )
    pipeline.add_argument("--sizes", default="10000,100000,1000000", help="synthetic student-years")
    pipeline.add_argument("--repeats", type=int, default=3)
    pipeline.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    pipeline.set_defaults(handler=cmd_bench_pipeline)
    models = sub.add_parser("models", help="training and scoring times")
    models.set_defaults(handler=cmd_bench_models)
    sidecar = sub.add_parser("sidecar", help="sidecar vs a bare FastAPI app under the same load")
    sidecar.add_argument("--seconds", type=float, default=10.0)
    sidecar.add_argument("--connections", type=int, default=16)
    sidecar.set_defaults(handler=cmd_bench_sidecar)
    dashboard = sub.add_parser(
        "dashboard", help="browser: upload→list vs CLI, cold page vs bare Streamlit, page switches"
    )
    dashboard.add_argument(
        "--real", type=Path, help="real PEDE workbook (../shared/data/pede/PEDE_2022-24.xlsx)"
    )
    dashboard.add_argument("--repeats", type=int, default=2)
    dashboard.set_defaults(handler=cmd_bench_dashboard)


def cmd_bench_pipeline(args: argparse.Namespace) -> int:
    from config import REAL_WORKBOOK

    with bench_package():
        from bench.pipeline import run_pipeline_bench

    sizes = [int(size) for size in args.sizes.split(",") if size]
    report = run_pipeline_bench(args.real or REAL_WORKBOOK, sizes, args.repeats, args.format)
    echo(json.dumps(report, indent=1))
    return 0


def cmd_bench_models(_args: argparse.Namespace) -> int:
    from config import get_settings

    with bench_package():
        from bench.models import run_models_bench

    report = run_models_bench(get_settings())
    echo(json.dumps(report, indent=1, default=str))
    return 0


def cmd_bench_sidecar(args: argparse.Namespace) -> int:
    from config import get_settings

    with bench_package():
        from bench.sidecar import run_sidecar_bench

    report = run_sidecar_bench(get_settings(), seconds=args.seconds, connections=args.connections)
    echo(json.dumps(report, indent=1, default=str))
    return 0


def cmd_bench_dashboard(args: argparse.Namespace) -> int:
    from config import REAL_WORKBOOK

    with bench_package():
        from bench.dashboard import run_dashboard_bench

    report = run_dashboard_bench(args.real or REAL_WORKBOOK, repeats=args.repeats)
    echo(json.dumps(report, indent=1))
    return 0

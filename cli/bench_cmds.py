"""``passos bench …``: benchmarks that print JSON (method and results in the README)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from cli.output import echo

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REAL = PROJECT_ROOT.parent / "shared" / "data" / "pede" / "PEDE_2022-24.xlsx"


def register(subparsers: Any) -> None:
    bench = subparsers.add_parser("bench", help="benchmarks (JSON on stdout)")
    sub = bench.add_subparsers(dest="bench_command", metavar="TARGET", required=True)
    pipeline = sub.add_parser(
        "pipeline", help="ingest: real workbook vs plain read; synthetic sizes"
    )
    pipeline.add_argument("--real", type=Path, default=DEFAULT_REAL, help="real PEDE workbook")
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


def cmd_bench_pipeline(args: argparse.Namespace) -> int:
    from pipeline.bench import run_pipeline_bench

    sizes = [int(size) for size in args.sizes.split(",") if size]
    report = run_pipeline_bench(args.real, sizes, args.repeats, args.format)
    echo(json.dumps(report, indent=1))
    return 0


def cmd_bench_models(_args: argparse.Namespace) -> int:
    from config import get_settings
    from models.bench import run_models_bench

    echo(json.dumps(run_models_bench(get_settings()), indent=1, default=str))
    return 0


def cmd_bench_sidecar(args: argparse.Namespace) -> int:
    from config import get_settings
    from sidecar.bench import run_sidecar_bench

    report = run_sidecar_bench(get_settings(), seconds=args.seconds, connections=args.connections)
    echo(json.dumps(report, indent=1, default=str))
    return 0

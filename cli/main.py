"""Entry point of ``passos``: parse, dispatch, and turn typed errors into one-line reasons.

Each command group lives in its own module with a ``register(subparsers)`` function; heavy
libraries (MLflow, Evidently, Streamlit) are imported inside the command that uses them so
that ``passos ingest`` does not pay for them.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence

from cli import (
    bench_cmds,
    cycle_cmds,
    dashboard_cmds,
    data_cmds,
    model_cmds,
    privacy_cmds,
    serve_cmds,
)

COMMAND_MODULES = (
    data_cmds,
    model_cmds,
    cycle_cmds,
    serve_cmds,
    dashboard_cmds,
    bench_cmds,
    privacy_cmds,
)

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="passos",
        description="Passos Mágicos early-warning: PEDE data → ranked lists of students at risk.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMAND_MODULES:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if not args.debug:
        # MLflow logs every registration and pickle advice at INFO/WARNING; users see our lines.
        os.environ.setdefault("MLFLOW_LOGGING_LEVEL", "ERROR")
    handler: Handler = args.handler
    try:
        return handler(args)
    except KeyboardInterrupt:
        print("passos: interrompido.", file=sys.stderr)  # noqa: T201
        return 130
    except Exception as exc:  # the one place that turns any failure into a one-line reason
        if args.debug:
            raise
        print(f"passos: erro: {_one_line(exc)}", file=sys.stderr)  # noqa: T201
        return 1


def _one_line(exc: BaseException) -> str:
    from config.errors import PassosError

    if isinstance(exc, PassosError):
        return str(exc)
    detail = " ".join(str(exc).split())[:300]
    return f"{type(exc).__name__}: {detail} (rode de novo com --debug para os detalhes)"


if __name__ == "__main__":
    sys.exit(main())

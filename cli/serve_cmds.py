"""``passos serve``: the sidecar HTTP service (predictions, model info, reload, metrics)."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    serve = subparsers.add_parser(
        "serve", help="HTTP service with the production predictions and Prometheus metrics"
    )
    serve.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port to bind (default 8000)")
    serve.add_argument(
        "--insecure-dev",
        action="store_true",
        help="run without PASSOS_API_TOKEN/PASSOS_ADMIN_TOKEN, on loopback only (development)",
    )
    serve.set_defaults(handler=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    from config import get_settings
    from sidecar.server import serve

    serve(get_settings(), host=args.host, port=args.port, insecure_dev=args.insecure_dev)
    return 0

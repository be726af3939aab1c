"""``passos dashboard``: start the staff dashboard (Streamlit) in this interpreter."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("dashboard", help="open the staff dashboard (Streamlit)")
    parser.add_argument("--port", type=int, default=8501, help="port to listen on (8501)")
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (127.0.0.1: this machine only)"
    )
    parser.set_defaults(handler=cmd_dashboard)


def streamlit_flags(args: argparse.Namespace) -> dict[str, Any]:
    """Command-line options for Streamlit; the rest comes from ``.streamlit/config.toml``."""
    from config import get_settings

    return {
        "server.port": args.port,
        "server.address": args.host,
        "server.headless": True,
        "server.maxUploadSize": get_settings().max_upload_mb,
        "browser.gatherUsageStats": False,
    }


def cmd_dashboard(args: argparse.Namespace) -> int:
    import os

    from streamlit.web import bootstrap

    from cli.output import echo
    from config import PROJECT_ROOT, get_settings

    # Streamlit reads .streamlit/config.toml from the working directory: pin the data dir
    # first so that a relative PASSOS_DATA_DIR keeps meaning what the user meant.
    os.environ["PASSOS_DATA_DIR"] = str(get_settings().data_dir)
    os.chdir(PROJECT_ROOT)
    echo(f"Painel em http://{args.host}:{args.port} (Ctrl+C para parar)")
    bootstrap.load_config_options(flag_options=streamlit_flags(args))
    from dashboard.warmup import start_warmup

    start_warmup()
    bootstrap.run(str(PROJECT_ROOT / "dashboard" / "app.py"), False, [], streamlit_flags(args))
    return 0

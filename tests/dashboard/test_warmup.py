"""The dashboard process warms the first page's imports in the background, never the model stack."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from config import PROJECT_ROOT


def test_warm_imports_the_first_page_modules_and_no_model_library() -> None:
    code = (
        "import sys; from dashboard.warmup import warm; failed = warm(); "
        "heavy = [m for m in ('mlflow', 'evidently', 'lightgbm', 'xgboost') if m in sys.modules]; "
        "print(failed, heavy, 'dashboard.data' in sys.modules, 'plotly.express' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "[] [] True True"


def test_a_failing_import_is_reported_not_raised() -> None:
    from dashboard.warmup import warm

    assert warm(["dashboard.i18n", "modulo_que_nao_existe"]) == ["modulo_que_nao_existe"]


def test_passos_dashboard_starts_the_warmup_before_serving(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from streamlit.web import bootstrap

    from cli import dashboard_cmds
    from dashboard import warmup

    order: list[str] = []
    monkeypatch.setattr(warmup, "start_warmup", lambda: order.append("warmup"))
    monkeypatch.setattr(bootstrap, "load_config_options", lambda **_kw: None)
    monkeypatch.setattr(bootstrap, "run", lambda *_a, **_kw: order.append("serve"))
    monkeypatch.chdir(PROJECT_ROOT)
    monkeypatch.setenv("PASSOS_DATA_DIR", str(tmp_path))  # the command pins it in os.environ
    dashboard_cmds.cmd_dashboard(argparse.Namespace(port=8599, host="127.0.0.1"))
    assert order == ["warmup", "serve"]

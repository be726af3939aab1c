"""``passos bench`` from an installed wheel, where the dev-only ``bench`` package is absent."""

from __future__ import annotations

import sys

import pytest

from cli.bench_cmds import BENCH_FROM_A_CLONE
from cli.main import main


@pytest.mark.parametrize("target", ["pipeline", "models", "sidecar"])
def test_bench_without_the_package_says_to_run_from_a_clone(
    target: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in [n for n in sys.modules if n == "bench" or n.startswith("bench.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "bench", None)  # what an installed wheel looks like

    assert main(["bench", target]) == 1
    err = capsys.readouterr().err.strip()
    assert err == f"passos: erro: {BENCH_FROM_A_CLONE}"
    assert "\n" not in err

"""Every Prometheus alert rule has a ``promtool test rules`` unit test, and they pass.

promtool comes with Debian's ``prometheus`` package (installed by ``.ci/run``); without it locally
the promtool run is skipped with the reason, the coverage check still runs.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

PROMETHEUS = Path(__file__).resolve().parents[2] / "deploy" / "prometheus"
RULE_FILES = sorted(
    p for p in PROMETHEUS.glob("*.yml") if "groups" in yaml.safe_load(p.read_text())
)
TEST_FILES = sorted(PROMETHEUS.glob("*.test.yml"))


def _alerts(path: Path) -> set[str]:
    groups = yaml.safe_load(path.read_text(encoding="utf-8"))["groups"]
    return {rule["alert"] for group in groups for rule in group["rules"] if "alert" in rule}


def _tested(path: Path) -> tuple[set[str], set[str]]:
    """(rule files loaded, alerts with at least one expected firing) of one test file."""
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    rule_files = {str((path.parent / f).resolve()) for f in spec["rule_files"]}
    firing = {
        case["alertname"]
        for test in spec["tests"]
        for case in test.get("alert_rule_test", [])
        if case.get("exp_alerts")
    }
    return rule_files, firing


def test_every_alert_rule_has_a_unit_test_that_makes_it_fire() -> None:
    assert RULE_FILES and TEST_FILES
    loaded: set[str] = set()
    firing: set[str] = set()
    for path in TEST_FILES:
        files, alerts = _tested(path)
        loaded |= files
        firing |= alerts
    for rules in RULE_FILES:
        assert str(rules.resolve()) in loaded, f"{rules.name} has no promtool test file"
        untested = _alerts(rules) - firing
        assert not untested, f"alerts without a firing test in *.test.yml: {sorted(untested)}"


@pytest.mark.skipif(
    shutil.which("promtool") is None,
    reason="promtool not installed (Debian package 'prometheus'; .ci/run installs it)",
)
@pytest.mark.parametrize("test_file", TEST_FILES, ids=lambda p: p.name)
def test_promtool_unit_tests_pass(test_file: Path) -> None:
    result = subprocess.run(
        ["promtool", "test", "rules", test_file.name],
        cwd=test_file.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr

"""Every catalog key the dashboard uses exists in Portuguese and English."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from dashboard.i18n import CATALOG, t
from pipeline import columns as c
from tests.dashboard.conftest import PAGES

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"
KEY = re.compile(r"^[a-z_]+\.[a-z_0-9]+$")


def _literal_keys() -> set[str]:
    """String literals that look like catalog keys, in t(...), next_step(...) and errors."""
    keys: set[str] = set()
    for path in DASHBOARD.rglob("*.py"):
        if path.name == "i18n.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in {"t", "next_step", "AccountError"}:
                continue
            for arg in node.args[:1]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    if KEY.match(arg.value):
                        keys.add(arg.value)
    return keys


def test_every_used_key_is_in_the_catalog() -> None:
    missing = sorted(_literal_keys() - set(CATALOG))
    assert not missing, f"missing catalog keys: {missing}"


def test_both_languages_have_the_same_placeholders() -> None:
    formatter = string.Formatter()
    for key, (pt, en) in CATALOG.items():
        fields_pt = {f for _, f, _, _ in formatter.parse(pt) if f}
        fields_en = {f for _, f, _, _ in formatter.parse(en) if f}
        assert fields_pt == fields_en, key
        assert pt.strip() and en.strip(), key


def test_dynamic_keys_exist() -> None:
    for prefix, values in {
        "class": c.CLASSES,
        "role": ("coordenador", "admin"),
        "nav": (*PAGES, "contas"),
        "risco.download": ("csv", "xlsx"),
        "layer": ("bronze", "silver", "quarantine", "gold"),
        "action": ("upload", "export", "promote", "revert", "train", "accept_copy", "rollback"),
    }.items():
        for value in values:
            sep = "_" if prefix == "risco.download" else "."
            assert f"{prefix}{sep}{value}" in CATALOG


def test_t_formats_and_defaults_to_portuguese() -> None:
    assert t("inicio.students", year=2024) == "Alunos em 2024"
    assert t("no.such_key") == "no.such_key"

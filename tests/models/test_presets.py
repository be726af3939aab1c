"""Presets: every YAML parses; typos are refused with the file and the field named."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.training_presets import PresetError, available_presets, load_all_presets, load_preset


def test_all_presets_parse() -> None:
    names = {p.name for p in load_all_presets()}
    assert names == {
        "random_forest",
        "xgboost",
        "lightgbm",
        "logistic_regression",
        "persistence",
        "domain_rule",
    }


def test_unknown_key_is_refused_naming_file_and_field(tmp_path: Path) -> None:
    (tmp_path / "lightgbm.yaml").write_text(
        "name: lightgbm\nmodel:\n  kind: lightgbm\n  n_estimator: 10\n", encoding="utf-8"
    )
    with pytest.raises(PresetError, match=r"lightgbm\.yaml.*model\.lightgbm\.n_estimator"):
        load_preset("lightgbm", tmp_path)


def test_unknown_top_level_key_and_name_mismatch(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("name: a\nmodel: {kind: persistence}\nfoo: 1\n")
    with pytest.raises(PresetError, match="campo 'foo'"):
        load_preset("a", tmp_path)
    (tmp_path / "b.yaml").write_text("name: c\nmodel: {kind: persistence}\n")
    with pytest.raises(PresetError, match="nome do arquivo"):
        load_preset("b", tmp_path)


def test_missing_preset_lists_the_available_ones() -> None:
    with pytest.raises(PresetError, match="random_forest"):
        load_preset("nope")
    assert "persistence" in available_presets()


def test_with_model_params_validates_again() -> None:
    preset = load_preset("random_forest").with_model_params(n_estimators=7)
    assert preset.model.kind == "random_forest" and preset.model.n_estimators == 7
    with pytest.raises(ValueError):
        load_preset("random_forest").with_model_params(n_estimators=0)

"""Errors the pages turn into messages (kept apart so ``modelapi`` needs no Streamlit)."""

from __future__ import annotations


class ModelFeatureMissing(Exception):
    """A function of the models package the page needs is not available (yet)."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(name)

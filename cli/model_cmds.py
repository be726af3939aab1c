"""Placeholder until the models issue lands."""

from typing import Any


def register(subparsers: Any) -> None:
    return None

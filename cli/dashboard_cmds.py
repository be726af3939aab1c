"""Placeholder until the dashboard issue lands."""

from typing import Any


def register(subparsers: Any) -> None:
    return None

"""Where the CLI talks to its user (stdout), kept apart from logging (stderr)."""

from __future__ import annotations

import sys


def echo(message: str) -> None:
    """One line for the person at the terminal."""
    sys.stdout.write(message + "\n")
    sys.stdout.flush()

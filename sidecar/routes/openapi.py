"""Helpers the route modules share: documented error answers and 422s for settings limits."""

from __future__ import annotations

from typing import Any

from fastapi.exceptions import RequestValidationError

from sidecar.schemas import ErrorResponse


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route: each code answered with :class:`ErrorResponse`."""
    return {code: {"model": ErrorResponse} for code in codes}


def unprocessable(where: str, field: str, problem: str) -> RequestValidationError:
    """A 422 for a rule the request model cannot express (a limit read from settings)."""
    return RequestValidationError([{"type": "value_error", "loc": (where, field), "msg": problem}])

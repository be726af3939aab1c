"""Validation errors in Portuguese, naming each field the way a client wrote it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

MAX_LISTED = 5


def field_path(loc: Sequence[str | int]) -> str:
    """``("body", "students", 0, "iaa")`` → ``students[0].iaa``."""
    parts = list(loc[1:]) if loc and loc[0] in {"body", "query", "path", "header"} else list(loc)
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "corpo do pedido"


def _problem(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    messages = {
        "missing": "campo obrigatório",
        "extra_forbidden": "campo desconhecido",
        "int_parsing": "deve ser um número inteiro",
        "int_type": "deve ser um número inteiro",
        "int_from_float": "deve ser um número inteiro",
        "float_parsing": "deve ser um número",
        "float_type": "deve ser um número",
        "string_type": "deve ser um texto",
        "list_type": "deve ser uma lista",
        "model_attributes_type": "deve ser um objeto JSON",
        "dict_type": "deve ser um objeto JSON",
        "json_invalid": "JSON inválido",
        "string_pattern_mismatch": "formato inválido",
        "finite_number": "deve ser um número finito",
    }
    if kind in messages:
        return messages[kind]
    bounds = {
        "less_than_equal": ("deve ser no máximo", "le", ""),
        "greater_than_equal": ("deve ser no mínimo", "ge", ""),
        "less_than": ("deve ser menor que", "lt", ""),
        "greater_than": ("deve ser maior que", "gt", ""),
        "too_short": ("deve ter pelo menos", "min_length", " item(ns)"),
        "too_long": ("deve ter no máximo", "max_length", " itens"),
        "string_too_long": ("deve ter no máximo", "max_length", " caracteres"),
    }
    if kind in bounds:
        words, key, unit = bounds[kind]
        return f"{words} {ctx.get(key)}{unit}"
    if kind == "literal_error":
        return f"valor não permitido (use {ctx.get('expected')})"
    if kind == "value_error":
        return str(error.get("msg", "")).removeprefix("Value error, ")
    return str(error.get("msg", "valor inválido"))


def describe(errors: Sequence[Mapping[str, Any]]) -> tuple[str, list[str]]:
    """One sentence naming the invalid fields, and the list of field paths (never the values)."""
    fields: list[str] = []
    parts: list[str] = []
    for error in errors:
        path = field_path(tuple(error.get("loc", ())))
        fields.append(path)
        if len(parts) < MAX_LISTED:
            parts.append(f"{path}: {_problem(error)}")
    more = len(errors) - len(parts)
    suffix = f" (e mais {more} problema(s))" if more > 0 else ""
    return "Dados inválidos — " + "; ".join(parts) + suffix + ".", fields

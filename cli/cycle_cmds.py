"""Yearly-cycle commands: follow-up of a year's list, review of a probable copy."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from cli.output import echo


def register(subparsers: Any) -> None:
    follow = subparsers.add_parser(
        "follow-up",
        help="how a year's list turned out: who really lagged the next year, whom it missed",
    )
    follow.add_argument(
        "--ano", type=int, default=None, help="year of the list (default: newest with a next year)"
    )
    follow.add_argument("--json", action="store_true", help="print the numbers as JSON")
    follow.set_defaults(handler=cmd_follow_up)

    accept = subparsers.add_parser(
        "accept-copy",
        help="accept a year flagged as a probable copy (its labels enter training), with a reason",
    )
    accept.add_argument("year", type=int)
    accept.add_argument("--reason", required=True, help="why the year is accepted (audited)")
    accept.add_argument("--user", default=os.environ.get("USER") or "cli", help="who (audit)")
    accept.set_defaults(handler=cmd_accept_copy)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def cmd_follow_up(args: argparse.Namespace) -> int:
    from config import get_settings
    from cycle.followup import follow_up_year
    from pipeline import columns as c

    result = follow_up_year(get_settings(), args.ano)
    if args.json:
        echo(json.dumps(result.summary(), ensure_ascii=False, indent=1))
        return 0
    echo(f"Lista de {result.ano} (versão {result.model_version}) comparada com {result.ano + 1}:")
    echo(
        f"  apontados (Crítico ou Alerta): {result.flagged}; presentes em {result.ano + 1}: "
        f"{result.known}; realmente Crítico ou Alerta: {result.flagged_lagged} "
        f"(precisão {_pct(result.precision)})"
    )
    echo(
        f"  não apontados que ficaram Crítico ou Alerta: {result.missed} "
        f"(recall {_pct(result.recall)}); fora do ano seguinte: {result.not_seen}"
    )
    labels = {c.CRITICAL: "Crítico", c.ALERT: "Alerta"}
    for classe, one in result.by_class.items():
        echo(
            f"  {labels.get(classe, classe)}: {one.flagged} apontados, {one.exact} acertos exatos "
            f"(precisão {_pct(one.precision)}, recall {_pct(one.recall)}), "
            f"{one.missed} não apontados"
        )
    for student in result.summary()["missed_students"]:
        echo(
            f"  deixado de fora: RA {student[c.RA]} {student[c.NOME] or ''} "
            f"(posição {student['rank']}) → {labels.get(student['real'], student['real'])}"
        )
    for warning in result.warnings:
        echo(f"AVISO: {warning}")
    return 0


def cmd_accept_copy(args: argparse.Namespace) -> int:
    from config import get_settings
    from cycle.copies import ACCEPT, review_copy

    review_copy(get_settings(), args.year, ACCEPT, user=args.user, reason=args.reason)
    echo(f"Ano {args.year} aceito: as transições {args.year - 1}→{args.year} entram no treino.")
    return 0

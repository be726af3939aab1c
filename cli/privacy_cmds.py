"""LGPD commands: erase one student, export what is held about one, apply retention."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from cli.model_cmds import _user
from cli.output import echo


def register(subparsers: Any) -> None:
    erase = subparsers.add_parser(
        "erase", help="remove one student from every file and table the product holds"
    )
    erase.add_argument("ra", help="the student's RA, e.g. RA-1234")
    erase.add_argument("--reason", required=True, help="why (e.g. the guardian's request)")
    erase.add_argument("--user", default=None, help="who asks (audit; default: $PASSOS_USER)")
    erase.set_defaults(handler=cmd_erase)

    export = subparsers.add_parser(
        "export-student", help="write everything held about one student (.xlsx or .json)"
    )
    export.add_argument("ra", help="the student's RA, e.g. RA-1234")
    export.add_argument("--out", type=Path, required=True, help="file to write (.xlsx/.json)")
    export.add_argument("--user", default=None, help="who asks (access log)")
    export.set_defaults(handler=cmd_export_student)

    retention = subparsers.add_parser("retention", help="retention periods of LGPD data")
    actions = retention.add_subparsers(dest="retention_command", metavar="ACTION", required=True)
    apply = actions.add_parser("apply", help="remove what is older than its period")
    apply.add_argument("--dry-run", action="store_true", help="only count, remove nothing")
    apply.add_argument("--user", default=None, help="who applies (audit)")
    apply.set_defaults(handler=cmd_retention_apply)


def audit_writer(settings: Any) -> Any:
    """The product audit log as the cycle's ``AuditWriter``."""
    from dashboard import audit

    def write(user: str, action: str, detail: dict[str, Any]) -> None:
        audit.record(settings, user, action, **detail)

    return write


def cmd_erase(args: argparse.Namespace) -> int:
    from config import get_settings
    from cycle.privacy import erase_student

    settings = get_settings()
    report = erase_student(settings, args.ra, args.reason, _user(args.user), audit_writer(settings))
    deleted = sum(report.rows_deleted.values())
    echo(
        f"Aluno apagado: {len(report.files_rewritten)} arquivos reescritos, "
        f"{len(report.files_removed)} removidos, {deleted} linhas apagadas em "
        f"{len(report.rows_deleted)} tabelas, {sum(report.rows_scrubbed.values())} registros "
        "anonimizados. O apagamento foi registrado na auditoria (sem o RA)."
    )
    return 0


def cmd_export_student(args: argparse.Namespace) -> int:
    from config import get_settings
    from cycle.privacy import export_student

    settings = get_settings()
    counts = export_student(settings, args.ra, args.out, _user(args.user), audit_writer(settings))
    parts = ", ".join(f"{name}: {n}" for name, n in counts.items())
    echo(f"Dados do aluno gravados em {args.out} ({parts}).")
    return 0


def _keep(years: int | None) -> str:
    return "guardadas para sempre" if years is None else f"anos além dos últimos {years}"


def cmd_retention_apply(args: argparse.Namespace) -> int:
    from config import get_settings
    from cycle.retention import apply_retention

    settings = get_settings()
    result = apply_retention(
        settings, audit_writer(settings), _user(args.user), dry_run=args.dry_run
    )
    verb = "seriam removidos" if result.dry_run else "removidos"
    echo(
        f"Retenção ({verb}): {result.access_log} registros de acesso "
        f"(mais de {settings.access_log_retention_days} dias), {result.audit} registros de "
        f"auditoria (mais de {settings.audit_retention_days} dias), {result.predictions} "
        f"predições ({_keep(settings.predictions_keep_years)})."
    )
    return 0

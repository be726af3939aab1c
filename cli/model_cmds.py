"""Model commands: train, promote, rollback, score, risk-list (heavy imports inside handlers)."""

from __future__ import annotations

import argparse
import getpass
import os
from pathlib import Path
from typing import Any

from cli.output import echo

CLASS_ALIASES = {
    "critical": "critical",
    "critico": "critical",
    "crítico": "critical",
    "alert": "alert",
    "alerta": "alert",
    "expected": "expected",
    "esperado": "expected",
}


def register(subparsers: Any) -> None:
    train = subparsers.add_parser(
        "train", help="train presets with temporal validation and log them to MLflow"
    )
    which = train.add_mutually_exclusive_group()
    which.add_argument("--preset", action="append", help="preset name (repeatable)")
    which.add_argument("--all", action="store_true", help="every preset (the default)")
    train.set_defaults(handler=cmd_train)

    promote = subparsers.add_parser(
        "promote", help="put a model version in production (best gate-passing one by default)"
    )
    promote.add_argument("version", nargs="?", help="version number (default: best that passes)")
    promote.add_argument("--reason", help="why (required; recorded with who and when)")
    promote.add_argument("--user", default=None, help="who promotes (default: system user)")
    promote.set_defaults(handler=cmd_promote)

    report = subparsers.add_parser(
        "report", help="the model card table (metrics with 95%% intervals) read from MLflow"
    )
    report.add_argument("--out", type=Path, default=None, help="Markdown file (default: print)")
    report.set_defaults(handler=cmd_report)

    rollback = subparsers.add_parser("rollback", help="go back to the previous production version")
    rollback.add_argument("--reason", help="why")
    rollback.add_argument("--user", default=None, help="who (default: system user)")
    rollback.set_defaults(handler=cmd_rollback)

    score = subparsers.add_parser(
        "score", help="score every student of the latest year with the production version"
    )
    score.set_defaults(handler=cmd_score)

    risk = subparsers.add_parser("risk-list", help="export the ranked list of students at risk")
    risk.add_argument(
        "--classe", default=None, help="classes to keep, e.g. critical,alert (default: all)"
    )
    risk.add_argument("--top", type=int, default=None, help="keep the first K students")
    risk.add_argument(
        "--ano", type=int, default=None, help="data year of the list (default: the latest)"
    )
    risk.add_argument("--format", choices=("csv", "xlsx"), default=None)
    risk.add_argument("--out", type=Path, required=True, help="file to write")
    risk.set_defaults(handler=cmd_risk_list)


def _user(value: str | None) -> str:
    if value:
        return value
    try:
        return os.environ.get("PASSOS_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def cmd_train(args: argparse.Namespace) -> int:
    from config import get_settings
    from models.names import MACRO_F1, PERSISTENCE, RECALL_CRITICAL, RULE, baseline_metric
    from models.registry import gate_verdict
    from models.report import with_interval
    from models.training import train_presets

    settings = get_settings()
    results = train_presets(settings, args.preset or None)
    for r in results:
        logged = r.logged_metrics
        verdict = gate_verdict(logged, r.harmful_disparities, settings.gate_significant_metrics)
        echo(
            f"{r.preset}: versão {r.version or '—'} | teste {r.test_year} "
            f"(treino {','.join(map(str, r.train_years))}) | "
            f"macro_f1 {with_interval(logged, MACRO_F1)} | "
            f"recall_critical {with_interval(logged, RECALL_CRITICAL)} | "
            f"persistência {_fmt(logged.get(baseline_metric(MACRO_F1, PERSISTENCE)))} | "
            f"regra da fase {_fmt(logged.get(baseline_metric(MACRO_F1, RULE)))} | "
            f"{r.seconds:.1f}s | gate: {verdict.describe()}"
        )
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from config import get_settings
    from models.registry import list_versions
    from models.report import model_card_table

    table = model_card_table(list_versions(get_settings()))
    if args.out is None:
        echo(table)
    else:
        args.out.write_text(table + "\n", encoding="utf-8")
        echo(f"Tabela do cartão do modelo gravada em {args.out}.")
    return 0


def cmd_promote(args: argparse.Namespace) -> int:
    from config import get_settings
    from models.errors import ModelsError
    from models.registry import promote

    if not (args.reason or "").strip():
        raise ModelsError(
            'Informe o motivo da promoção com --reason "..." (fica registrado). Nada foi alterado.'
        )
    result = promote(get_settings(), args.version, reason=args.reason, user=_user(args.user))
    if result.action == "unchanged":
        echo(f"A versão {result.version} já está em produção; nada mudou.")
        return 0
    override = ""
    if result.action == "override":
        override = f" (verificação contornada com motivo: {result.gate.describe()})"
    echo(
        f"Versão {result.version} em produção{override}; anterior: {result.previous or 'nenhuma'}."
    )
    if result.score is not None:
        echo(score_line(result.score))
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    from config import get_settings
    from models.registry import rollback

    result = rollback(get_settings(), reason=args.reason, user=_user(args.user))
    echo(f"Voltou para a versão {result.version}; a versão {result.previous} ficou como anterior.")
    if result.score is not None:
        echo(score_line(result.score))
    return 0


def score_line(score: Any) -> str:
    """One line on a scoring run for the terminal."""
    return (
        f"{score.n_students} alunos de {score.ano} pontuados com a versão {score.model_version}: "
        f"{score.n_critical} críticos, {score.n_alert} em alerta ({score.seconds:.1f}s)."
    )


def cmd_score(_args: argparse.Namespace) -> int:
    from config import get_settings
    from models.scoring import score_latest

    echo(score_line(score_latest(get_settings())))
    return 0


def parse_classes(value: str | None) -> list[str] | None:
    """``critical,alert`` (or Portuguese ``critico,alerta``) → class codes."""
    from models.errors import ModelsError

    if not value:
        return None
    classes = []
    for token in value.split(","):
        key = token.strip().lower()
        if key not in CLASS_ALIASES:
            raise ModelsError(
                f"Classe '{token.strip()}' desconhecida: use critical, alert ou expected."
            )
        classes.append(CLASS_ALIASES[key])
    return classes


def _audit_list_export(args: argparse.Namespace, fmt: str, meta: Any) -> None:
    """The access log records who exported which list, from the CLI as from *Risco*."""
    from cli.privacy_cmds import audit_writer
    from config import get_settings
    from cycle.privacy import LIST_EXPORT
    from models import columns as pc

    detail = {"format": fmt, "year": meta.data_year, "classes": list(meta.classes), "top": args.top}
    detail[pc.MODEL_VERSION] = meta.model_version
    audit_writer(get_settings())(_user(None), LIST_EXPORT, detail)


def cmd_risk_list(args: argparse.Namespace) -> int:
    from config import get_settings
    from models.export import build_risk_list, write_export

    fmt = args.format or ("xlsx" if args.out.suffix.lower() == ".xlsx" else "csv")
    content, meta = build_risk_list(
        get_settings(), fmt, classes=parse_classes(args.classe), top=args.top, ano=args.ano
    )
    path = write_export(args.out, content)
    _audit_list_export(args, fmt, meta)
    echo(f"Lista da versão {meta.model_version} (dados de {meta.data_year}) gravada em {path}.")
    for warning in meta.warnings:
        echo(f"AVISO: {warning}")
    return 0

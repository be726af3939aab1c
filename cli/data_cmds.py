"""Data commands: demo-data, ingest, pipeline run/finish/status, demo."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cli.output import echo

DEFAULT_DEMO_STUDENTS = 3000
DEFAULT_DEMO_YEARS = "2022-2024"


def register(subparsers: Any) -> None:
    demo_data = subparsers.add_parser(
        "demo-data", help="write synthetic PEDE workbooks with the real layouts and quirks"
    )
    demo_data.add_argument(
        "--students",
        type=int,
        default=DEFAULT_DEMO_STUDENTS,
        help="total student-years across all years",
    )
    demo_data.add_argument("--years", default=DEFAULT_DEMO_YEARS, help="e.g. 2022-2024")
    demo_data.add_argument("--out", type=Path, required=True, help="output folder")
    demo_data.add_argument("--seed", type=int, default=42)
    demo_data.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    demo_data.add_argument(
        "--split",
        action="store_true",
        help="one file per year (PEDE_<year>.xlsx) instead of one workbook",
    )
    demo_data.set_defaults(handler=cmd_demo_data)

    ingest = subparsers.add_parser("ingest", help="load yearly PEDE files: landing → gold")
    _ingest_arguments(ingest)
    finish_when = ingest.add_mutually_exclusive_group()
    finish_when.add_argument(
        "--wait", action="store_true", help="finish drift reports and scoring before returning"
    )
    finish_when.add_argument(
        "--defer",
        action="store_true",
        help="publish and return; finish later with 'passos pipeline finish'",
    )
    ingest.set_defaults(handler=cmd_ingest)

    pipeline = subparsers.add_parser("pipeline", help="pipeline runs and their state")
    sub = pipeline.add_subparsers(dest="pipeline_command", metavar="ACTION", required=True)
    run = sub.add_parser("run", help="ingest files and wait for drift reports and scoring")
    _ingest_arguments(run)
    run.set_defaults(handler=cmd_pipeline_run)
    finish = sub.add_parser("finish", help="finish pending drift reports and score students")
    finish.set_defaults(handler=cmd_pipeline_finish)
    status = sub.add_parser("status", help="years loaded, last run, flags, pending reports")
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=cmd_pipeline_status)

    demo = subparsers.add_parser(
        "demo", help="the main job on embedded defaults: data → pipeline → model → lists"
    )
    demo.add_argument("--data", type=Path, help="your own PEDE file instead of synthetic data")
    demo.add_argument("--students", type=int, default=DEFAULT_DEMO_STUDENTS)
    demo.add_argument(
        "--no-serve",
        action="store_true",
        help="stop after the data and model; no sidecar/dashboard",
    )
    demo.set_defaults(handler=cmd_demo)


def _ingest_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help=".xlsx, .xls or .csv")
    parser.add_argument("--year", type=int, help="year of a sheet whose year cannot be detected")
    parser.add_argument(
        "--replace",
        action="store_true",
        help="replace years already loaded (the old version is archived)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="load a new year even if it has far fewer students than the latest one",
    )
    parser.add_argument("--user", default=_default_user(), help="who is loading (audit)")
    parser.add_argument("--json", action="store_true", help="print the run summary as JSON")


def _default_user() -> str:
    return os.environ.get("USER") or "cli"


def parse_years(text: str) -> list[int]:
    """``2022-2024`` → [2022, 2023, 2024]; ``2022,2024`` → [2022, 2024]."""
    from config.errors import PassosError

    try:
        if "-" in text:
            first, last = (int(part) for part in text.split("-", 1))
            years = list(range(first, last + 1))
        else:
            years = [int(part) for part in text.split(",")]
    except ValueError:
        raise PassosError(f"Anos inválidos: '{text}'. Use por exemplo 2022-2024.") from None
    if not years:
        raise PassosError(f"Anos inválidos: '{text}'. Use por exemplo 2022-2024.")
    return years


def cmd_demo_data(args: argparse.Namespace) -> int:
    import synthetic
    from config.errors import PassosError

    try:
        sheets = synthetic.generate_years(args.students, parse_years(args.years), seed=args.seed)
    except ValueError as exc:
        raise PassosError(str(exc)) from exc
    args.out.mkdir(parents=True, exist_ok=True)
    if args.split or args.format == "csv":
        paths = synthetic.write_workbooks_per_year(sheets, args.out, fmt=args.format)
    else:
        first, last = min(sheets), max(sheets)
        name = f"PEDE_{first}-{last % 100:02d}.xlsx" if first != last else f"PEDE_{first}.xlsx"
        paths = [synthetic.write_workbook(sheets, args.out / name)]
    total = sum(len(frame) for frame in sheets.values())
    for path in paths:
        echo(str(path))
    echo(f"{total} alunos-ano sintéticos em {len(paths)} arquivo(s).")
    return 0


def _progress(_stage: str, message: str) -> None:
    echo(f"… {message}")


def _run_ingest(args: argparse.Namespace, finish: str) -> Any:
    """Preview the files (parsed once), then publish those plans and finish as asked."""
    from config import get_settings
    from cycle.ingest import preview, process
    from pipeline.plan import Upload

    settings = get_settings()
    uploads = [Upload.from_path(path, settings.max_upload_mb) for path in args.files]
    previewed = preview(uploads, settings, year=args.year, progress=_progress)
    return process(
        previewed,
        settings,
        replace=args.replace,
        force=args.force,
        user=args.user,
        finish=finish,
        progress=_progress,
        on_published=lambda result: _print_result(result, args.json),
    )


def _print_result(result: Any, as_json: bool) -> None:
    if as_json:
        echo(json.dumps(result.summary(), ensure_ascii=False, indent=1))
        return
    for name in result.skipped_files:
        echo(f"'{name}' já foi carregado antes (mesmo conteúdo): nada a carregar.")
    if result.unfinished_runs:
        echo("Concluindo o que a execução anterior deixou pendente (drift e pontuação).")
    if not result.changed:
        return
    rows = result.rows
    for year in result.years_loaded:
        echo(
            f"{year}: {rows['bronze'][year]} linhas lidas, "
            f"{rows['silver'][year]} na camada silver, "
            f"{rows['quarantine'][year]} em quarentena."
        )
    echo("gold: " + ", ".join(f"{y}: {n} alunos" for y, n in sorted(rows["gold"].items())))
    for flag in result.flags:
        echo(f"AVISO: {flag.detail}")


def drift_line(year: int, relevant: bool, reference: Sequence[int], changed: Sequence[Any]) -> str:
    """One line per year: the verdict, against which years, and which columns changed."""
    names = [getattr(col, "column", col) for col in changed if getattr(col, "drifted", True)]
    refs = ", ".join(str(y) for y in reference) or "nenhum"
    verdict = f"mudança relevante em {', '.join(names)}" if relevant else "normal"
    return f"mudanças nos dados de {year} (comparado com {refs}): {verdict}"


def _print_finished(finished: Any) -> None:
    """Drift results and the scoring line; a failed scoring fails the command (exit 1)."""
    from cli.model_cmds import score_line
    from config.errors import PassosError

    for outcome in finished.drift:
        echo(drift_line(outcome.ano, outcome.relevant, outcome.reference.years, outcome.columns))
    for error in finished.drift_errors:
        echo(f"AVISO: {error}")
    if finished.scoring_error:
        raise PassosError(finished.scoring_error)
    if finished.scoring is not None:
        echo(score_line(finished.scoring))


def _report(processed: Any) -> None:
    if processed.finished is not None:
        _print_finished(processed.finished)
    elif processed.finishing == "detach":
        echo(
            "Relatórios de drift e pontuação em preparo em segundo plano "
            "(acompanhe com 'passos pipeline status')."
        )


def cmd_ingest(args: argparse.Namespace) -> int:
    from config import get_settings

    if args.defer:
        finish = "defer"
    elif args.wait or not get_settings().drift_in_background:
        finish = "wait"
    else:
        finish = "detach"
    _report(_run_ingest(args, finish))
    return 0


def cmd_pipeline_run(args: argparse.Namespace) -> int:
    _report(_run_ingest(args, "wait"))
    return 0


def cmd_pipeline_finish(_args: argparse.Namespace) -> int:
    from config import get_settings
    from cycle.finish import finish

    _print_finished(finish(get_settings(), progress=_progress))
    return 0


def cmd_pipeline_status(args: argparse.Namespace) -> int:
    from config import get_settings
    from config.clock import local_text
    from cycle.finish import finish_status
    from pipeline.status import pipeline_status

    settings = get_settings()
    status = pipeline_status(settings)
    if args.json:
        echo(json.dumps(status, ensure_ascii=False, indent=1, default=str))
        return 0
    echo(f"anos carregados: {', '.join(map(str, status['years'])) or 'nenhum'}")
    last = status["last_run"]
    if last:
        echo(
            f"última execução: {local_text(last['finished_at'], settings.timezone)} "
            f"({last['status']}, por {last['triggered_by']})"
        )
    for forced in status["forced_small"]:
        echo(
            f"aviso {forced['ano']}: carregado com --force com só {forced['n_new']} aluno(s) "
            f"(contra {forced['n_previous']} em {forced['previous']})"
        )
    if status["unfinished_runs"]:
        echo("etapas pendentes (drift e pontuação): rode 'passos pipeline finish'")
    for flag in status["flags"]:
        accepted = " (aceito)" if flag["accepted"] else ""
        echo(f"aviso {flag['ano']}: {flag['detail']}{accepted}")
    for drift in status["drift"]:
        if drift["verdict"] is None:
            failed = drift["status"] == "failed" and drift["error"]
            error = f" ({drift['error']})" if failed else ""
            echo(f"mudanças nos dados de {drift['ano']}: {drift['status']}{error}")
            continue
        changed = [col["column"] for col in drift["columns"] if col["changed"]]
        relevant = drift["verdict"] == "relevant"
        echo(drift_line(drift["ano"], relevant, drift["reference"]["years"], changed))
    line = finish_line(finish_status(settings), settings.timezone)
    if line:
        echo(line)
    return 0


FINISH_STAGES = {"drift": "relatórios de drift", "scoring": "pontuação dos alunos"}


def finish_line(state: Any, timezone: str) -> str | None:
    """One line on the drift reports and scoring after the last publish (None before any)."""
    from config.clock import local_text

    stage = FINISH_STAGES.get(state.stage or "", "início")
    if state.state in ("queued", "running"):
        return (
            f"etapas finais: em andamento ({stage}), desde {local_text(state.started_at, timezone)}"
        )
    if state.state == "interrupted":
        return (
            f"etapas finais: INTERROMPIDAS em {stage} (o processo parou); "
            "rode 'passos pipeline finish'"
        )
    if state.state == "failed":
        return f"etapas finais: FALHARAM em {stage}: {state.error}"
    if state.state == "done":
        return f"etapas finais: prontas em {local_text(state.finished_at, timezone)}"
    return None


DEMO_FOLDER = "demo"


def demo_workbook(data_dir: Path, students: int) -> Path:
    """The synthetic workbook of ``make run``, generated once per data dir (deterministic)."""
    import synthetic

    path = data_dir / DEMO_FOLDER / f"PEDE_demo_{students}.xlsx"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        sheets = synthetic.generate_years(students, parse_years(DEFAULT_DEMO_YEARS), seed=42)
        synthetic.write_workbook(sheets, path)
    return path


def cmd_demo(args: argparse.Namespace) -> int:
    from config import get_settings
    from cycle.finish import finish

    settings = get_settings()
    settings.ensure_dirs()
    source = args.data or demo_workbook(settings.data_dir, args.students)
    echo(f"Dados: {source}" + ("" if args.data else " (sintéticos)"))
    args = argparse.Namespace(
        files=[source],
        year=None,
        replace=args.data is not None,
        force=False,
        user=_default_user(),
        json=False,
        no_serve=args.no_serve,
    )
    processed = _run_ingest(args, "wait")
    finished = processed.finished or finish(settings, progress=_progress)
    _print_finished(finished)
    _ensure_production_model(settings, processed.ingest.gold)
    if not args.no_serve:
        _serve_sidecar_and_dashboard(settings)
    return 0


def _serve_sidecar_and_dashboard(settings: Any) -> None:
    """The sidecar in a child process and the dashboard in this one, until Ctrl+C."""
    from cli.dashboard_cmds import cmd_dashboard
    from config import PROJECT_ROOT
    from config.network import is_loopback

    secure = settings.api_token is not None and settings.admin_token is not None
    host, port = settings.sidecar_host, str(settings.sidecar_port)
    if not secure and not is_loopback(host):
        host = "127.0.0.1"  # without tokens the sidecar only ever listens on this machine
    command = [sys.executable, "-m", "cli.main", "serve", "--host", host, "--port", port]
    if not secure:
        command.append("--insecure-dev")
        echo(
            "AVISO: PASSOS_API_TOKEN/PASSOS_ADMIN_TOKEN não definidos: a API roda sem token "
            f"(--insecure-dev), só nesta máquina ({host})."
        )
    log_path = settings.layer("reports") / "sidecar.log"
    with log_path.open("ab") as log_file:
        sidecar = subprocess.Popen(  # noqa: S603 - our own CLI, fixed arguments
            command,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=PROJECT_ROOT,
        )
    echo(f"API (sidecar) em http://{host}:{port}/docs (log: {log_path})")
    try:
        cmd_dashboard(argparse.Namespace(host="127.0.0.1", port=8501))
    finally:
        sidecar.terminate()
        try:
            sidecar.wait(timeout=10)
        except subprocess.TimeoutExpired:
            sidecar.kill()


def _ensure_production_model(settings: Any, gold: Any = None) -> None:
    """Train every preset and promote the best gate-passing version when none is in production."""
    from cycle.bootstrap import ensure_production_model

    boot = ensure_production_model(
        settings,
        _default_user(),
        gold=gold,
        on_training=lambda: echo(
            "… Treinando os modelos (validação temporal, registrados no MLflow)"
        ),
    )
    if boot.existing_version is not None:
        echo(f"Modelo em produção: versão {boot.existing_version}.")
        return
    for trained in boot.trained:
        echo(
            f"   {trained.preset}: macro-F1 {trained.macro_f1:.3f}, "
            f"recall Crítico {trained.recall_critical:.3f} (versão {trained.version})"
        )
    if boot.refusal is not None:
        echo(f"AVISO: {boot.refusal}")
    if boot.override is not None:
        echo(f"AVISO: {boot.override}")
        echo(
            f"AVISO: versão {boot.promoted_version} promovida como exceção registrada "
            "(ver Modelos)."
        )
        return
    echo(f"Versão {boot.promoted_version} promovida para produção e alunos pontuados.")

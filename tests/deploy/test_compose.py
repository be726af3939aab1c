"""The deployment files agree with the code, checked without a Docker engine.

Parses ``docker-compose.yml``, the ``Dockerfile``, ``.env.example``, the Prometheus config and rules
and the Grafana provisioning, and checks them against the code: every command a container runs is a
real ``passos`` sub-command, ports and URLs match the settings, every ``PASSOS_*`` variable is a
setting the code reads, every metric a panel or an alert queries is one the sidecar exports, every
mounted file exists, every image is pinned.
"""

from __future__ import annotations

import ast
import fnmatch
import functools
import importlib
import importlib.util
import json
import re
import shlex
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
ENV_EXAMPLE = ROOT / ".env.example"
SETTINGS_ENV = ROOT / "deploy" / "passos.env"
DEPLOY = ROOT / "deploy"
PROMETHEUS_CONFIG = DEPLOY / "prometheus" / "prometheus.yml"
ALERT_RULES = DEPLOY / "prometheus" / "alerts.yml"
GRAFANA_DATASOURCES = DEPLOY / "grafana" / "provisioning" / "datasources"
GRAFANA_PROVIDERS = DEPLOY / "grafana" / "provisioning" / "dashboards"
GRAFANA_DASHBOARDS = DEPLOY / "grafana" / "dashboards"
POSTGRES_INIT = DEPLOY / "postgres" / "init"
DEPLOY_README = DEPLOY / "README.md"

# Where each service listens inside the stack (issue 6).
PORTS = {"sidecar": 8000, "dashboard": 8501, "mlflow": 5000, "prometheus": 9090, "grafana": 3000}
SERVICES = {"postgres", "mlflow", "sidecar", "dashboard", "prometheus", "grafana", "cli"}
# Services that run the product image (built from this repository).
PRODUCT_SERVICES = ("mlflow", "sidecar", "dashboard", "cli")
# Services that run product code and therefore need the data dir, the database and MLflow.
PASSOS_SERVICES = ("sidecar", "dashboard", "cli")
# No login of their own: never published beyond this machine.
LOOPBACK_ONLY = ("mlflow", "prometheus")
PACKAGE_DIRS = ("config", "pipeline", "models", "cycle", "sidecar", "dashboard", "cli", "synthetic")
# Dev tooling: in the repository, never in the wheel, the build context or the image.
DEV_ONLY_DIRS = ("bench", "tests")
SECRET_WORDS = ("PASSWORD", "TOKEN", "SECRET")


@dataclass(frozen=True)
class MetricSpec:
    kind: str  # counter | gauge | histogram
    labels: frozenset[str]


def _spec(kind: str, *labels: str) -> MetricSpec:
    return MetricSpec(kind, frozenset(labels))


# The sidecar's metrics as documented in issue 4: the contract Grafana and the alert rules rely on.
# test_metric_contract_matches_the_sidecar_code checks it against sidecar/metrics.py.
SIDECAR_METRICS: dict[str, MetricSpec] = {
    "passos_http_requests_total": _spec("counter", "endpoint", "method", "status"),
    "passos_http_request_duration_seconds": _spec("histogram", "endpoint"),
    "passos_predictions_served_total": _spec("counter", "classe"),
    "passos_model_info": _spec("gauge", "version", "preset"),
    "passos_students_at_risk": _spec("gauge", "classe"),
    "passos_drift_share": _spec("gauge", "ano"),
    "passos_pipeline_last_success_timestamp_seconds": _spec("gauge"),
    "passos_model_reload_failures_total": _spec("counter"),
}
# Series Prometheus itself attaches to every scrape target, and the labels it adds to every series.
PROMETHEUS_SERIES = {"up": frozenset({"job", "instance"})}
TARGET_LABELS = frozenset({"job", "instance"})


# --------------------------------------------------------------------------------------------
# Loading the files
# --------------------------------------------------------------------------------------------


def read_env_file(path: Path, *, commented: bool = False) -> dict[str, str]:
    """``KEY=value`` lines of an env file; with ``commented``, also ``# KEY=value`` examples."""
    pattern = re.compile(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$")
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = pattern.match(line.strip())
        if match and (commented or not match.group(1)):
            values[match.group(2)] = match.group(3).strip()
    return values


class MissingVariableError(Exception):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name


INTERPOLATION = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\})"
)


def interpolate(text: str, env: Mapping[str, str]) -> str:
    """Compose's ``${VAR}``, ``${VAR:-default}``, ``${VAR:?message}`` and ``$$`` rules."""

    def replace(match: re.Match[str]) -> str:
        if match.group("escaped"):
            return "$"
        name, op, arg = match.group("name"), match.group("op"), match.group("arg") or ""
        value = env.get(name)
        if op in (":?", "?") and (value is None or (op == ":?" and value == "")):
            raise MissingVariableError(name, arg)
        if op == ":-" and not value:
            return arg
        if op == "-" and value is None:
            return arg
        return value or ""

    return INTERPOLATION.sub(replace, text)


def interpolate_tree(node: Any, env: Mapping[str, str]) -> Any:
    if isinstance(node, str):
        return interpolate(node, env)
    if isinstance(node, list):
        return [interpolate_tree(item, env) for item in node]
    if isinstance(node, dict):
        return {key: interpolate_tree(value, env) for key, value in node.items()}
    return node


def strings_in(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for item in node:
            yield from strings_in(item)
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings_in(value)


def filled_env() -> dict[str, str]:
    """``.env.example`` with every empty (secret) value filled in, as in an operator's ``.env``."""
    return {
        key: value or f"x{key.lower().replace('_', '')}"
        for key, value in read_env_file(ENV_EXAMPLE).items()
    }


def raw_compose() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(scope="module")
def env() -> dict[str, str]:
    return filled_env()


@pytest.fixture(scope="module")
def compose(env: dict[str, str]) -> dict[str, Any]:
    """docker-compose.yml as ``docker compose config`` would see it with a filled-in .env."""
    resolved = interpolate_tree(raw_compose(), env)
    assert isinstance(resolved, dict)
    return resolved


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    result = compose["services"]
    assert isinstance(result, dict)
    return result


def as_argv(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return shlex.split(value) if isinstance(value, str) else [str(item) for item in value]


def service_argv(service: Mapping[str, Any]) -> list[str]:
    return as_argv(service.get("entrypoint")) + as_argv(service.get("command"))


def environment(service: Mapping[str, Any]) -> dict[str, str]:
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) for item in raw)
    return {str(key): "" if value is None else str(value) for key, value in raw.items()}


@dataclass(frozen=True)
class Mount:
    source: str
    target: str
    read_only: bool

    @property
    def is_bind(self) -> bool:
        return self.source.startswith((".", "/"))


def mounts(service: Mapping[str, Any]) -> list[Mount]:
    result = []
    for spec in service.get("volumes", []):
        if isinstance(spec, dict):
            result.append(Mount(spec["source"], spec["target"], bool(spec.get("read_only"))))
        else:
            source, target, *mode = spec.split(":")
            result.append(Mount(source, target, mode == ["ro"]))
    return result


def published(service: Mapping[str, Any]) -> dict[int, str]:
    """Container port → host address it is published on."""
    result = {}
    for spec in service.get("ports", []):
        *host, container = str(spec).split(":")
        result[int(container)] = host[0] if len(host) == 2 else "0.0.0.0"  # noqa: S104
    return result


def healthcheck_urls(service: Mapping[str, Any]) -> list[str]:
    test = service.get("healthcheck", {}).get("test", [])
    text = test if isinstance(test, str) else " ".join(map(str, test))
    return re.findall(r"https?://[^\s'\"]+", text)


# --------------------------------------------------------------------------------------------
# The Dockerfile
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instruction:
    keyword: str
    args: str


@dataclass
class Stage:
    image: str
    name: str | None
    instructions: list[Instruction]

    def all(self, keyword: str) -> list[str]:
        return [item.args for item in self.instructions if item.keyword == keyword]


def dockerfile_stages() -> list[Stage]:
    """Stages of the Dockerfile: continuation lines joined, comments and directives dropped."""
    logical: list[str] = []
    pending = ""
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        logical.append(pending + stripped)
        pending = ""
    assert not pending, "Dockerfile ends inside a continued line"
    stages: list[Stage] = []
    for text in logical:
        keyword, _, args = text.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            match = re.fullmatch(
                r"(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?", args.strip(), flags=re.IGNORECASE
            )
            assert match, f"cannot read FROM {args}"
            stages.append(Stage(match.group(1), match.group(2), []))
        else:
            assert stages, f"{keyword} before the first FROM"
            stages[-1].instructions.append(Instruction(keyword, " ".join(args.split())))
    return stages


def copy_parts(args: str) -> tuple[dict[str, str], list[str], str]:
    """``COPY --flag=v src… dest`` → flags, sources, destination."""
    words = json.loads(args) if args.startswith("[") else args.split()
    flags = {}
    while words and words[0].startswith("--"):
        key, _, value = words.pop(0)[2:].partition("=")
        flags[key] = value
    return flags, words[:-1], words[-1]


def exec_form(args: str) -> list[str]:
    assert args.startswith("["), f"use the exec (JSON) form: {args}"
    value = json.loads(args)
    assert isinstance(value, list)
    return [str(item) for item in value]


def is_pinned(image: str) -> bool:
    """A tag with a full version (``x.y`` at least), never ``latest``; a digest also counts."""
    if "@sha256:" in image:
        return True
    name, _, tag = image.rpartition(":")
    if not name or "/" in tag or tag == "latest":
        return False
    return re.match(r"v?\d+\.\d+", tag) is not None


def dockerignore_allows(relative: str) -> bool:
    """Docker's rule: the last matching pattern wins; ``!`` re-includes."""
    allowed = True
    for raw in DOCKERIGNORE.read_text(encoding="utf-8").splitlines():
        pattern = raw.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        candidates = [
            relative,
            *(str(parent) for parent in Path(relative).parents if str(parent) != "."),
        ]
        bare = pattern.removeprefix("**/")
        if any(
            fnmatch.fnmatchcase(path, pattern) or fnmatch.fnmatchcase(Path(path).name, bare)
            for path in candidates
        ):
            allowed = negate
    return allowed


# --------------------------------------------------------------------------------------------
# The CLI and the settings
# --------------------------------------------------------------------------------------------


def assert_cli_accepts(argv: list[str], where: str) -> None:
    """``passos ARGV`` names existing sub-commands and options (argparse exits on anything else)."""
    from cli.main import build_parser

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        commands = ", ".join(sorted(sub_commands(parser)))
        raise AssertionError(
            f"{where}: 'passos {shlex.join(argv)}' is not a valid command of the CLI "
            f"(sub-commands today: {commands})"
        ) from exc
    assert callable(getattr(args, "handler", None)), f"{where}: 'passos {shlex.join(argv)}'"


def sub_commands(parser: Any, prefix: str = "") -> Iterator[str]:
    import argparse

    for action in parser._actions:  # argparse has no public API to list sub-commands
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield f"{prefix}{name}"
                yield from sub_commands(child, f"{prefix}{name} ")


def settings_classes() -> list[type[Any]]:
    """Every pydantic ``BaseSettings`` class defined in the product's packages."""
    found = []
    for package in PACKAGE_DIRS:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and any(
                    (isinstance(base, ast.Name) and base.id == "BaseSettings")
                    or (isinstance(base, ast.Attribute) and base.attr == "BaseSettings")
                    for base in node.bases
                ):
                    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
                    found.append(getattr(importlib.import_module(module), node.name))
    return found


@functools.cache
def known_env_names() -> frozenset[str]:
    """Environment names the settings classes read (prefix + field name or alias)."""
    names = set()
    for cls in settings_classes():
        prefix = str(cls.model_config.get("env_prefix", ""))
        for field_name, field in cls.model_fields.items():
            aliases = [field.alias or field_name]
            alias = field.validation_alias
            if isinstance(alias, str):
                aliases.append(alias)
            elif alias is not None and hasattr(alias, "choices"):
                aliases.extend(choice for choice in alias.choices if isinstance(choice, str))
            names.update(f"{prefix}{name}".upper() for name in aliases)
    return frozenset(names)


# --------------------------------------------------------------------------------------------
# PromQL
# --------------------------------------------------------------------------------------------

PROMQL_KEYWORDS = frozenset(
    "and or unless bool offset by without on ignoring group_left group_right inf nan".split()
)
GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)")


def _without_strings(expr: str) -> str:
    return re.sub(r'"(?:\\.|[^"\\])*"', '""', expr)


def promql_metrics(expr: str) -> set[str]:
    """Series names a PromQL expression selects (functions, keywords and labels left out)."""
    text = _without_strings(expr)
    text = re.sub(r"\{[^}]*\}", " ", text)
    text = re.sub(r"\[[^\]]*\]", " ", text)
    text = GROUPING.sub(" ", text)
    names = set()
    for match in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", text):
        before = text[match.start() - 1] if match.start() else " "
        if before.isdigit() or before in ".$":
            continue  # 1e3, $__rate_interval
        if text[match.end() :].lstrip().startswith("(") or match.group() in PROMQL_KEYWORDS:
            continue
        names.add(match.group())
    return names


def promql_labels(expr: str) -> set[str]:
    """Label names an expression matches on or groups by."""
    text = _without_strings(expr)
    labels = set()
    for block in re.findall(r"\{([^}]*)\}", text):
        labels.update(re.findall(r"([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)", block))
    for group in GROUPING.findall(text):
        labels.update(part.strip() for part in group.split(",") if part.strip())
    return labels


def exported_series() -> dict[str, frozenset[str]]:
    """Every series name the sidecar's metrics produce → the labels it carries."""
    series: dict[str, frozenset[str]] = dict(PROMETHEUS_SERIES)
    for name, spec in SIDECAR_METRICS.items():
        labels = spec.labels | TARGET_LABELS
        if spec.kind == "histogram":
            series[f"{name}_bucket"] = labels | {"le"}
            series[f"{name}_sum"] = labels
            series[f"{name}_count"] = labels
        else:
            series[name] = labels
    return series


def metric_base(series: str) -> str:
    for suffix in ("_bucket", "_sum", "_count"):
        if series.endswith(suffix) and series.removesuffix(suffix) in SIDECAR_METRICS:
            return series.removesuffix(suffix)
    return series


@dataclass(frozen=True)
class Query:
    where: str
    expr: str
    templates: frozenset[str]  # labels a legend or an annotation refers to


def dashboard_files() -> list[Path]:
    return sorted(GRAFANA_DASHBOARDS.glob("*.json"))


def dashboard_panels(dashboard: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])  # collapsed rows


def alert_rules() -> list[dict[str, Any]]:
    rules = yaml.safe_load(ALERT_RULES.read_text(encoding="utf-8"))
    return [rule for group in rules["groups"] for rule in group["rules"]]


def all_queries() -> list[Query]:
    queries = []
    for path in dashboard_files():
        dashboard = json.loads(path.read_text(encoding="utf-8"))
        for panel in dashboard_panels(dashboard):
            for target in panel.get("targets", []):
                legend = str(target.get("legendFormat", ""))
                queries.append(
                    Query(
                        f"{path.name} panel '{panel.get('title')}'",
                        str(target["expr"]),
                        frozenset(re.findall(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}", legend)),
                    )
                )
    for rule in alert_rules():
        text = " ".join(map(str, (rule.get("annotations") or {}).values()))
        queries.append(
            Query(
                f"alert {rule.get('alert')}",
                str(rule["expr"]),
                frozenset(re.findall(r"\$labels\.([A-Za-z_][A-Za-z0-9_]*)", text)),
            )
        )
    return queries


# ============================================================================================
# docker-compose.yml
# ============================================================================================


def test_compose_declares_the_whole_stack(services: dict[str, dict[str, Any]]) -> None:
    assert set(services) == SERVICES
    for name, service in services.items():
        if name == "cli":  # one-off jobs: not started by `up`, nothing to check health of
            assert service.get("profiles"), "the cli service must sit in a profile"
            assert service["healthcheck"] == {"disable": True}
            continue
        assert service.get("restart") == "unless-stopped", name
        test = service.get("healthcheck", {}).get("test")
        assert test and test[0] in ("CMD", "CMD-SHELL"), f"{name} has no healthcheck"


def test_every_image_is_pinned(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        image = str(service.get("image", ""))
        if "build" in service:
            continue  # built here, from the Dockerfile (whose base images are checked below)
        assert is_pinned(image), f"{name}: image '{image}' must be pinned to a version"


def test_product_services_share_one_image_built_from_this_repository(
    services: dict[str, dict[str, Any]],
) -> None:
    images = {services[name]["image"] for name in PRODUCT_SERVICES}
    assert len(images) == 1, images
    for name in PRODUCT_SERVICES:
        build = services[name]["build"]
        assert (ROOT / build["context"]).resolve() == ROOT, name
        assert (ROOT / build["context"] / build["dockerfile"]).resolve() == DOCKERFILE, name


def test_every_passos_command_is_a_real_cli_command(services: dict[str, dict[str, Any]]) -> None:
    """Compose services, the image's default command and the operator's guide use real commands."""
    commands: list[tuple[str, list[str]]] = []
    for name in PASSOS_SERVICES:
        argv = service_argv(services[name])
        assert argv[0] == "passos", f"{name} runs {argv}"
        commands.append((f"docker-compose.yml service {name}", argv[1:]))
    runtime = dockerfile_stages()[-1]
    default = exec_form(runtime.all("CMD")[-1])
    assert default[0] == "passos"
    commands.append(("Dockerfile CMD", default[1:]))
    for line in DEPLOY_README.read_text(encoding="utf-8").splitlines():
        words = shlex.split(line.strip().strip("`"), comments=True) if "compose run" in line else []
        if words[:3] == ["docker", "compose", "run"] and "cli" in words:
            words = words[words.index("cli") + 1 :]
            for stop in ("&&", "||", "|", ";", ">"):
                words = words[: words.index(stop)] if stop in words else words
            commands.append((f"deploy/README.md: {line.strip()}", words))
    assert len(commands) > len(PASSOS_SERVICES) + 1, "deploy/README.md shows no cli example"
    failures = []
    for where, argv in commands:
        try:
            assert_cli_accepts(argv, where)
        except AssertionError as exc:
            failures.append(str(exc))
    assert not failures, "\n".join(failures)


def test_mlflow_runs_the_tracking_server_with_real_options(
    services: dict[str, dict[str, Any]],
) -> None:
    argv = service_argv(services["mlflow"])
    assert argv[:2] == ["mlflow", "server"]
    spec = importlib.util.find_spec("mlflow")  # the package's files, without importing MLflow
    assert spec and spec.submodule_search_locations
    package = Path(next(iter(spec.submodule_search_locations)))
    source = "".join(
        (package / name).read_text(encoding="utf-8")
        for name in ("cli/__init__.py", "utils/cli_args.py")
        if (package / name).exists()
    )
    assert "def server(" in source
    options = [word.split("=")[0] for word in argv[2:] if word.startswith("--")]
    # click declares flags as "--name" or "--name/--no-name".
    unknown = [o for o in options if not re.search(rf"[\"']{re.escape(o)}[\"'/]", source)]
    assert not unknown, f"mlflow server has no option {unknown}"
    for option in ("--serve-artifacts", "--artifacts-destination", "--host", "--port"):
        assert option in options, option
    # The store URI (with the password) comes from the environment, which `mlflow server` reads.
    assert "--backend-store-uri" not in options
    assert "MLFLOW_BACKEND_STORE_URI" in environment(services["mlflow"])
    assert 'envvar="MLFLOW_BACKEND_STORE_URI"' in source
    artifacts = argv[argv.index("--artifacts-destination") + 1]
    volume = [m for m in mounts(services["mlflow"]) if m.target == artifacts]
    assert volume and not volume[0].is_bind, "MLflow artifacts must live on a named volume"
    # MLflow rejects Host headers it does not know: the other containers must be allowed in.
    allowed = argv[argv.index("--allowed-hosts") + 1].split(",")
    tracking = urlsplit(environment(services["dashboard"])["MLFLOW_TRACKING_URI"])
    assert any(fnmatch.fnmatchcase(tracking.netloc, pattern) for pattern in allowed), allowed


def test_ports_and_urls_agree_with_the_settings(services: dict[str, dict[str, Any]]) -> None:
    from config import Settings

    assert Settings.model_fields["sidecar_port"].default == PORTS["sidecar"]
    for name, port in PORTS.items():
        service = services[name]
        assert port in published(service), f"{name} must publish {port}"
        argv = service_argv(service)
        if "--port" in argv:
            assert int(argv[argv.index("--port") + 1]) == port, name
        urls = healthcheck_urls(service)
        assert urls, f"{name}: healthcheck checks no URL"
        for url in urls:
            parts = urlsplit(url)
            assert parts.hostname == "127.0.0.1" and parts.port == port, f"{name}: {url}"
    health = {
        name: {urlsplit(url).path for url in healthcheck_urls(services[name])} for name in PORTS
    }
    assert health == {
        "sidecar": {"/health"},
        "dashboard": {"/_stcore/health"},
        "mlflow": {"/health"},
        "prometheus": {"/-/healthy"},
        "grafana": {"/api/health"},
    }
    assert "--web.listen-address=:9090" in service_argv(services["prometheus"])
    for name in LOOPBACK_ONLY:
        assert published(services[name])[PORTS[name]] == "127.0.0.1", f"{name} has no login"
    for name in ("sidecar", "dashboard", "grafana"):
        assert published(services[name])[PORTS[name]] == filled_env()["PUBLISH_ADDRESS"]
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])


def test_product_containers_reach_postgres_and_mlflow(
    services: dict[str, dict[str, Any]], env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.engine import make_url

    from config import Settings

    postgres = environment(services["postgres"])
    assert importlib.util.find_spec("psycopg"), "the postgresql+psycopg driver is a dependency"
    for name in PASSOS_SERVICES:
        values = environment(services[name])
        url = make_url(values["PASSOS_DATABASE_URL"])
        assert url.drivername == "postgresql+psycopg", name
        assert (url.host, url.port) == ("postgres", 5432), name
        assert url.database == postgres["POSTGRES_DB"], name
        assert url.username == postgres["POSTGRES_USER"] == env["POSTGRES_USER"], name
        assert url.password == postgres["POSTGRES_PASSWORD"] == env["POSTGRES_PASSWORD"], name
        assert values["MLFLOW_TRACKING_URI"] == f"http://mlflow:{PORTS['mlflow']}", name
        for key, value in values.items():
            monkeypatch.setenv(key, value)
        settings = Settings()
        assert settings.db_url == values["PASSOS_DATABASE_URL"]
        assert settings.tracking_uri == values["MLFLOW_TRACKING_URI"]
        assert str(settings.data_dir) == values["PASSOS_DATA_DIR"]
    store = make_url(environment(services["mlflow"])["MLFLOW_BACKEND_STORE_URI"])
    assert store.drivername == "postgresql+psycopg"
    assert (store.host, store.port, store.username) == ("postgres", 5432, env["POSTGRES_USER"])
    assert store.database != postgres["POSTGRES_DB"], "MLflow gets a database of its own"
    init_sql = " ".join(path.read_text(encoding="utf-8") for path in POSTGRES_INIT.glob("*.sql"))
    assert re.search(rf"CREATE DATABASE\s+\"?{store.database}\"?\s*;", init_sql, re.IGNORECASE)
    init = [m for m in mounts(services["postgres"]) if m.target == "/docker-entrypoint-initdb.d"]
    assert init and (ROOT / init[0].source).resolve() == POSTGRES_INIT


def test_depends_on_waits_for_healthy_stores(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        depends = service.get("depends_on", {})
        assert isinstance(depends, dict), f"{name}: depends_on needs conditions"
        for dependency, rule in depends.items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            if dependency in ("postgres", "mlflow", "prometheus"):
                assert rule["condition"] == "service_healthy", f"{name} → {dependency}"
                assert "test" in services[dependency]["healthcheck"]
    for name in PASSOS_SERVICES:
        assert set(services[name]["depends_on"]) >= {"postgres", "mlflow"}, name
    assert "postgres" in services["mlflow"]["depends_on"]
    assert "prometheus" in services["grafana"]["depends_on"]


def test_mounted_files_exist_and_volumes_are_named(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    declared = set(compose.get("volumes") or {})
    used = set()
    for name, service in services.items():
        for mount in mounts(service):
            if mount.is_bind:
                assert mount.source.startswith("./"), f"{name}: bind mounts stay in the repo"
                assert (ROOT / mount.source).exists(), f"{name} mounts missing {mount.source}"
                assert mount.read_only, f"{name}: configuration is mounted read-only"
            else:
                assert mount.source in declared, f"{name}: volume {mount.source} not declared"
                used.add(mount.source)
    assert used == declared, f"declared but unused: {declared - used}"
    data_dir = dockerfile_env()["PASSOS_DATA_DIR"]
    data_volumes = {
        m.source for n in PASSOS_SERVICES for m in mounts(services[n]) if m.target == data_dir
    }
    assert len(data_volumes) == 1, "dashboard, sidecar and cli share one data volume"
    targets = {name: {m.target for m in mounts(s) if not m.is_bind} for name, s in services.items()}
    assert "/var/lib/postgresql/data" in targets["postgres"]
    assert "/var/lib/grafana" in targets["grafana"]
    assert "/prometheus" in targets["prometheus"]


# ============================================================================================
# .env.example and secrets
# ============================================================================================


def test_passos_variables_are_settings_the_code_reads(
    services: dict[str, dict[str, Any]],
) -> None:
    known = known_env_names()
    assert {"PASSOS_DATA_DIR", "PASSOS_DATABASE_URL", "PASSOS_API_TOKEN"} <= known
    used = {key for service in services.values() for key in environment(service)}
    used |= set(read_env_file(ENV_EXAMPLE, commented=True))
    used |= set(read_env_file(SETTINGS_ENV, commented=True))
    unknown = sorted(name for name in used if name.startswith("PASSOS_") and name not in known)
    assert not unknown, f"no settings class reads {unknown}"


def test_env_example_documents_every_variable_compose_reads() -> None:
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    assert not re.search(r"\$(?![${])", text), "use ${VAR} (or $$ for a literal $)"
    referenced = {
        match.group("name") for match in INTERPOLATION.finditer(text) if match.group("name")
    }
    documented = read_env_file(ENV_EXAMPLE)
    assert referenced <= set(documented), (
        f"missing from .env.example: {referenced - set(documented)}"
    )
    known = known_env_names()
    unused = [name for name in documented if name not in referenced and name not in known]
    assert not unused, f".env.example sets variables nothing reads: {unused}"


def test_secrets_come_only_from_the_env_file() -> None:
    documented = read_env_file(ENV_EXAMPLE)
    secrets = [name for name in documented if any(word in name for word in SECRET_WORDS)]
    assert {
        "POSTGRES_PASSWORD",
        "PASSOS_API_TOKEN",
        "PASSOS_ADMIN_TOKEN",
        "PASSOS_ADMIN_PASSWORD",
        "GRAFANA_ADMIN_PASSWORD",
    } <= set(secrets)
    for name in secrets:
        assert documented[name] == "", f".env.example must not carry a value for {name}"
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    for name in secrets:
        uses = re.findall(rf"\$\{{{name}(:?[-?]?)", text)
        assert uses and set(uses) == {":?"}, f"compose must require {name} with ${{{name}:?…}}"
    # No literal secret in compose: every secret-looking value is interpolated.
    for service_name, service in raw_compose()["services"].items():
        for key, value in environment(service).items():
            if any(word in key for word in SECRET_WORDS):
                assert value.startswith("${"), f"{service_name}.{key} is a literal"
        for env_file in as_argv(service.get("env_file")):
            assert env_file == "deploy/passos.env", service_name
    settings_file = read_env_file(SETTINGS_ENV, commented=True)
    assert settings_file, "deploy/passos.env lists the optional settings"
    leaked = [name for name in settings_file if any(word in name for word in SECRET_WORDS)]
    assert not leaked, f"deploy/passos.env must hold no secret: {leaked}"
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".env" in ignored, ".env must be gitignored"
    assert not dockerignore_allows(".env"), ".env must never enter the build context"


# Which secrets of .env each service may receive (issue #14: every container got every secret).
SECRETS_OF: dict[str, set[str]] = {
    "postgres": {"POSTGRES_PASSWORD"},
    "mlflow": {"POSTGRES_PASSWORD"},
    "sidecar": {"POSTGRES_PASSWORD", "PASSOS_API_TOKEN", "PASSOS_ADMIN_TOKEN"},
    "dashboard": {"POSTGRES_PASSWORD", "PASSOS_ADMIN_PASSWORD"},
    "cli": {"POSTGRES_PASSWORD"},
    "prometheus": set(),
    "grafana": {"GRAFANA_ADMIN_PASSWORD"},
}


def test_each_service_gets_only_the_secrets_it_needs() -> None:
    services = raw_compose()["services"]  # not interpolated; YAML merge keys resolved
    documented = read_env_file(ENV_EXAMPLE)
    secrets = {name for name in documented if any(word in name for word in SECRET_WORDS)}
    assert set(services) == set(SECRETS_OF)
    for name, service in services.items():
        text = yaml.safe_dump(service)
        received = {secret for secret in secrets if f"${{{secret}" in text}
        assert received == SECRETS_OF[name], name
        assert ".env" not in as_argv(service.get("env_file")), name


def test_compose_refuses_to_start_without_the_secrets() -> None:
    missing = set()
    env = read_env_file(ENV_EXAMPLE)  # as committed: every secret empty
    for text in strings_in(raw_compose()):
        try:
            interpolate(text, env)
        except MissingVariableError as exc:
            missing.add(exc.name)
    assert missing >= {
        "POSTGRES_PASSWORD",
        "PASSOS_API_TOKEN",
        "PASSOS_ADMIN_TOKEN",
        "PASSOS_ADMIN_PASSWORD",
        "GRAFANA_ADMIN_PASSWORD",
    }


# ============================================================================================
# Dockerfile and .dockerignore
# ============================================================================================


def dockerfile_env() -> dict[str, str]:
    values = {}
    for args in dockerfile_stages()[-1].all("ENV"):
        for key, value in re.findall(r"([A-Z_][A-Z0-9_]*)=(\"[^\"]*\"|\S+)", args):
            values[key] = value.strip('"')
    return values


def test_dockerfile_is_multi_stage_with_pinned_bases() -> None:
    stages = dockerfile_stages()
    assert len(stages) >= 2
    names = [stage.name for stage in stages]
    assert all(names), "name every stage (FROM … AS name)"
    python_version = (ROOT / ".python-version").read_text(encoding="utf-8").strip()
    for stage in stages:
        if stage.image in names:
            continue
        assert is_pinned(stage.image), f"FROM {stage.image} is not pinned"
        for args in stage.all("COPY"):
            source = copy_parts(args)[0].get("from")
            if source and source not in names:
                assert is_pinned(source), f"COPY --from={source} is not pinned"
    pythons = {stage.image for stage in stages if stage.image.startswith("python:")}
    assert len(pythons) == 1, f"builder and runtime must share the interpreter: {pythons}"
    tag = next(iter(pythons)).split(":")[1]
    assert tag.startswith(f"{python_version}."), f"{tag} vs .python-version {python_version}"
    assert "-slim-" in tag, "a slim Debian base with its release named"
    assert not any(stage.all("ADD") for stage in stages), "use COPY, not ADD"


def test_dockerfile_builds_from_the_lock_file() -> None:
    builder = dockerfile_stages()[-2]
    runs = " ".join(builder.all("RUN"))
    syncs = re.findall(r"uv sync[^&;]*", runs)
    assert syncs and all("--frozen" in s and "--no-dev" in s for s in syncs), syncs
    assert "--no-editable" in syncs[-1], "the runtime stage takes the venv only"
    copied = [source for args in builder.all("COPY") for source in copy_parts(args)[1]]
    assert {"pyproject.toml", "uv.lock", "README.md"} <= set(copied)
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
    assert set(packages) == set(PACKAGE_DIRS)
    assert set(packages) <= set(copied), "every package of the wheel reaches the builder"
    assert not set(DEV_ONLY_DIRS) & set(packages), "dev tooling stays out of the wheel"
    assert not set(DEV_ONLY_DIRS) & set(copied), "dev tooling stays out of the image"


def test_dockerfile_runtime_stage_is_lean_and_non_root() -> None:
    stages = dockerfile_stages()
    runtime = stages[-1]
    users = runtime.all("USER")
    assert users, "the runtime stage needs a USER"
    assert users[-1].split(":")[0] not in ("root", "0"), users[-1]
    assert runtime.all("HEALTHCHECK"), "the image needs a HEALTHCHECK"
    health = runtime.all("HEALTHCHECK")[-1]
    assert f"127.0.0.1:{PORTS['dashboard']}/_stcore/health" in health, "matches the default CMD"
    for args in runtime.all("RUN"):
        for command in re.split(r"&&|;", args):
            if "apt-get install" in command:
                assert "--no-install-recommends" in command, command
                assert "rm -rf /var/lib/apt/lists" in args, "clean the apt lists in the same RUN"
                packages = {word for word in command.split() if not word.startswith("-")}
                forbidden = packages & {"make", "git", "build-essential", "gcc", "g++", "curl"}
                assert not forbidden, f"no build tools in the final image: {forbidden}"
        assert "pip install" not in args and "uv " not in args, "install in the builder only"
    local = [copy_parts(a) for a in runtime.all("COPY") if "from" not in copy_parts(a)[0]]
    assert [(sources, dest) for _, sources, dest in local] == [
        ([".streamlit/config.toml"], "/home/passos/.streamlit/config.toml")
    ], "the runtime takes only the venv and the Streamlit config (user-level: any working dir)"
    assert "/home/passos" in " ".join(runtime.all("RUN")), "the config's home is the USER's"
    from_builder = [copy_parts(a) for a in runtime.all("COPY") if "from" in copy_parts(a)[0]]
    assert [(flags["from"], dest) for flags, _, dest in from_builder] == [
        (stages[-2].name, "/app/.venv")
    ]
    values = dockerfile_env()
    assert values["PASSOS_DATA_DIR"] == "/data"
    assert values["PATH"].startswith("/app/.venv/bin:")
    for keyword in ("ENV", "ARG", "LABEL"):
        for args in runtime.all(keyword):
            assert not re.search(r"(PASSWORD|TOKEN|SECRET)\w*=", args), f"secret in {keyword}"


def test_build_context_has_what_the_dockerfile_copies_and_nothing_private() -> None:
    for stage in dockerfile_stages():
        for args in stage.all("COPY"):
            flags, sources, _ = copy_parts(args)
            if "from" in flags:
                continue
            for source in sources:
                assert (ROOT / source).exists(), f"COPY {source}: not in the repository"
                assert dockerignore_allows(source), f"COPY {source}: excluded by .dockerignore"
    for private in (
        ".env",
        "data",
        "data/passos.db",
        ".git",
        ".venv",
        *DEV_ONLY_DIRS,
        "bench/sidecar.py",
        "tests/conftest.py",
        "mlruns",
        ".streamlit/secrets.toml",
        "config/__pycache__/settings.cpython-313.pyc",
    ):
        assert not dockerignore_allows(private), f"{private} would enter the build context"


# ============================================================================================
# Prometheus and Grafana
# ============================================================================================


def test_prometheus_scrapes_the_sidecar_and_loads_the_rules(
    services: dict[str, dict[str, Any]],
) -> None:
    config = yaml.safe_load(PROMETHEUS_CONFIG.read_text(encoding="utf-8"))
    mounted = {
        m.target: (ROOT / m.source).resolve() for m in mounts(services["prometheus"]) if m.is_bind
    }
    argv = service_argv(services["prometheus"])
    config_path = next(a.split("=", 1)[1] for a in argv if a.startswith("--config.file="))
    assert mounted[config_path] == PROMETHEUS_CONFIG
    assert [mounted.get(path) for path in config["rule_files"]] == [ALERT_RULES]
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    sidecar = jobs["passos-sidecar"]
    assert sidecar.get("metrics_path", "/metrics") == "/metrics"
    targets = [t for group in sidecar["static_configs"] for t in group["targets"]]
    assert targets == [f"sidecar:{PORTS['sidecar']}"]
    jobs_in_queries = {
        job for query in all_queries() for job in re.findall(r'job="([^"]+)"', query.expr)
    }
    assert jobs_in_queries <= set(jobs), f"queries name unknown jobs: {jobs_in_queries}"


def test_alert_rules_parse_and_watch_drift() -> None:

    rules = alert_rules()
    assert len({rule["alert"] for rule in rules}) == len(rules)
    for rule in rules:
        assert rule["expr"] and rule["labels"]["severity"] in ("warning", "critical"), rule
        assert rule["annotations"]["summary"], rule["alert"]
        if "for" in rule:
            assert re.fullmatch(r"\d+[smh]", str(rule["for"])), rule["alert"]
    drift = [rule for rule in rules if "passos_drift_share" in promql_metrics(rule["expr"])]
    assert drift, "an alert must fire on drift share"
    # The product's rule (pipeline.drift.is_relevant): one changed column makes a change relevant.
    assert re.search(r">\s*0\s*$", drift[0]["expr"]), "the drift alert must fire on any share > 0"
    assert any("up" in promql_metrics(rule["expr"]) for rule in rules), "sidecar down alert"


def test_grafana_provisions_the_prometheus_datasource_and_dashboards(
    services: dict[str, dict[str, Any]],
) -> None:
    mounted = {
        m.target: (ROOT / m.source).resolve() for m in mounts(services["grafana"]) if m.is_bind
    }
    assert mounted["/etc/grafana/provisioning"] == (DEPLOY / "grafana" / "provisioning")
    datasources = [
        source
        for path in sorted(GRAFANA_DATASOURCES.glob("*.y*ml"))
        for source in yaml.safe_load(path.read_text(encoding="utf-8"))["datasources"]
    ]
    assert len(datasources) == 1
    source = datasources[0]
    assert source["type"] == "prometheus"
    assert source["url"] == f"http://prometheus:{PORTS['prometheus']}"
    providers = [
        provider
        for path in sorted(GRAFANA_PROVIDERS.glob("*.y*ml"))
        for provider in yaml.safe_load(path.read_text(encoding="utf-8"))["providers"]
    ]
    assert providers
    for provider in providers:
        assert mounted[provider["options"]["path"]] == GRAFANA_DASHBOARDS
    home = environment(services["grafana"]).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH")
    if home:
        assert mounted[str(Path(home).parent)] == GRAFANA_DASHBOARDS
        assert (GRAFANA_DASHBOARDS / Path(home).name).exists()
    files = dashboard_files()
    assert [path.name for path in files] == ["passos.json"]
    uids = set()
    for path in files:
        dashboard = json.loads(path.read_text(encoding="utf-8"))
        uids.add(dashboard["uid"])
        ids = [panel["id"] for panel in dashboard_panels(dashboard)]
        assert len(ids) == len(set(ids)), f"{path.name}: panel ids repeat"
        for panel in dashboard_panels(dashboard):
            if panel["type"] == "row":
                continue
            assert panel["targets"], panel["title"]
            refs = [panel.get("datasource"), *(t.get("datasource") for t in panel["targets"])]
            for ref in refs:
                assert ref == {"type": "prometheus", "uid": source["uid"]}, panel["title"]
    assert len(uids) == len(files)


def test_dashboard_shows_what_issue_6_asks_for() -> None:
    dashboard = json.loads((GRAFANA_DASHBOARDS / "passos.json").read_text(encoding="utf-8"))
    exprs = [str(t["expr"]) for p in dashboard_panels(dashboard) for t in p.get("targets", [])]
    shown = {metric_base(name) for expr in exprs for name in promql_metrics(expr)}
    assert set(SIDECAR_METRICS) <= shown, f"no panel for {set(SIDECAR_METRICS) - shown}"
    latency = [e for e in exprs if "histogram_quantile" in e]
    quantiles = {q for e in latency for q in re.findall(r"histogram_quantile\(\s*([\d.]+)", e)}
    assert quantiles == {"0.5", "0.95", "0.99"}
    for expr in latency:
        assert "passos_http_request_duration_seconds_bucket" in expr
        assert {"endpoint", "le"} <= promql_labels(expr), "quantiles per endpoint, by le"
    assert any("rate(passos_http_requests_total" in e for e in exprs), "request rate"
    assert any("time()" in e and "passos_pipeline_last_success" in e for e in exprs)


def test_queries_use_only_metrics_and_labels_the_sidecar_exports() -> None:
    series = exported_series()
    failures = []
    for query in all_queries():
        names = promql_metrics(query.expr)
        if not names:
            failures.append(f"{query.where}: selects no metric in {query.expr!r}")
        unknown = names - set(series)
        if unknown:
            failures.append(f"{query.where}: unknown metrics {sorted(unknown)}")
            continue
        allowed = frozenset().union(*(series[name] for name in names)) if names else TARGET_LABELS
        labels = (promql_labels(query.expr) | query.templates) - allowed
        if labels:
            failures.append(f"{query.where}: labels {sorted(labels)} not on {sorted(names)}")
    assert not failures, "\n".join(failures)


def test_promql_helpers_read_names_and_labels() -> None:
    expr = (
        'histogram_quantile(0.95, sum by (endpoint, le) (rate(x_bucket{status=~"5..", a="}"}'
        "[$__rate_interval]))) / on () group_left count(up) > 1e3"
    )
    assert promql_metrics(expr) == {"x_bucket", "up"}
    assert promql_labels(expr) == {"endpoint", "le", "status", "a"}
    assert interpolate("a${X:-d}${Y}$${Z}", {"Y": "y"}) == "ady${Z}"
    with pytest.raises(MissingVariableError, match="X: set X"):
        interpolate("${X:?set X}", {"X": ""})
    assert not dockerignore_allows("data/x.parquet") and dockerignore_allows("cli/main.py")


def _sidecar_metric_specs(metrics_module: Any) -> dict[str, MetricSpec]:
    """Names, kinds and labels of what ``sidecar.metrics.Metrics`` registers, read from a scrape."""
    from datetime import UTC, datetime

    services_module = importlib.import_module("sidecar.services")
    state = services_module.PipelineState(
        years=(2024,), last_success_at=datetime.now(UTC), drift_shares={2024: 0.25}
    )
    metrics = metrics_module.Metrics(lambda: None, lambda: state)
    metrics.observe("/predict/{ra}", "GET", 200, 0.003)
    metrics.served("critical")
    specs: dict[str, MetricSpec] = {}
    for family in metrics.registry.collect():
        name = f"{family.name}_total" if family.type == "counter" else family.name
        labels: set[str] = set()
        for sample in family.samples:
            labels |= set(sample.labels) - {"le"}
        specs[name] = MetricSpec(family.type, frozenset(labels))
    return specs


def test_metric_contract_matches_the_sidecar_code() -> None:
    """The contract above is what sidecar/metrics.py registers (once that module exists)."""
    if not (ROOT / "sidecar" / "metrics.py").exists():
        pytest.skip("sidecar/metrics.py not written yet: the contract above is the reference")
    metrics_module = importlib.import_module("sidecar.metrics")  # a broken module fails here
    code = _sidecar_metric_specs(metrics_module)
    assert set(code) == set(SIDECAR_METRICS), (
        f"only in the code: {set(code) - set(SIDECAR_METRICS)}; "
        f"only in the contract: {set(SIDECAR_METRICS) - set(code)}"
    )
    for name, spec in SIDECAR_METRICS.items():
        assert code[name].kind == spec.kind, name
        if code[name].labels:  # families scraped without samples (no model yet) show no labels
            assert code[name].labels == spec.labels, name

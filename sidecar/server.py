"""Run the sidecar with uvicorn: one worker, no access log with paths, loopback in dev mode."""

from __future__ import annotations

import logging
from typing import Any

from config import Settings
from config.errors import PassosError
from config.network import is_loopback
from sidecar.guard import with_header_timeout

logger = logging.getLogger(__name__)
SERVICE_LOGGERS = ("sidecar", "uvicorn.error")


class InsecureBindError(PassosError):
    """``--insecure-dev`` asked to listen beyond this machine."""

    def __init__(self, host: str) -> None:
        super().__init__(
            f"--insecure-dev só escuta nesta máquina (127.0.0.1), não em '{host}'. Para servir "
            "na rede, defina PASSOS_API_TOKEN e PASSOS_ADMIN_TOKEN e rode sem --insecure-dev."
        )


def serve(
    settings: Settings,
    *,
    host: str | None = None,
    port: int | None = None,
    insecure_dev: bool = False,
) -> None:
    """Build the app (refusing without tokens) and run it until interrupted."""
    import uvicorn
    from prometheus_client import disable_created_metrics

    from sidecar.app import create_app

    disable_created_metrics()  # type: ignore[no-untyped-call]  # *_created doubles the scrape
    for name in SERVICE_LOGGERS:  # a service logs its start, reloads and requests (no RA)
        service_logger = logging.getLogger(name)
        if service_logger.getEffectiveLevel() > logging.INFO:
            service_logger.setLevel(logging.INFO)

    bind_host = host or settings.sidecar_host
    bind_port = port or settings.sidecar_port
    if insecure_dev and not is_loopback(bind_host):
        raise InsecureBindError(bind_host)
    app = create_app(settings, insecure_dev=insecure_dev)
    if app.state.token_policy.open_access:
        logger.warning(
            "MODO INSEGURO (--insecure-dev): sem tokens, qualquer programa desta máquina lê as "
            "previsões. Só em %s; nunca use assim em produção.",
            bind_host,
        )
    uvicorn.run(app, host=bind_host, port=bind_port, **uvicorn_options(settings))


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """How uvicorn runs the sidecar (also the benchmark's bare reference: same server, same
    parser, same header-timeout protocol)."""
    return {
        "workers": 1,
        "access_log": False,  # its lines carry the concrete path, i.e. the RA
        "log_config": None,  # keep the logging configured by the entry point
        "server_header": False,
        "proxy_headers": False,
        "timeout_graceful_shutdown": 5,
        "http": with_header_timeout(_http_protocol(), settings.header_timeout_s),
    }


def _http_protocol() -> type[Any]:
    """uvicorn's own choice of HTTP parser (httptools when installed, else h11)."""
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:  # pragma: no cover - httptools ships with uvicorn[standard]
        from uvicorn.protocols.http.h11_impl import H11Protocol

        return H11Protocol
    return HttpToolsProtocol

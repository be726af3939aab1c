"""The sidecar FastAPI app: the production predictions over HTTP, with Prometheus metrics.

``create_app(settings)`` builds one app with its own metrics registry; the lifespan builds the
services, loads the first snapshot and polls for a new production version (``sidecar.refresh``);
the routes are thin ``APIRouter`` modules in ``sidecar.routes``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from config import Settings
from sidecar.auth import TokenPolicy
from sidecar.deps import Services
from sidecar.errors import INTERNAL_ERROR, SidecarError, where_it_failed
from sidecar.guard import RequestGuard
from sidecar.metrics import Metrics, MetricsMiddleware
from sidecar.refresh import poll, refresh
from sidecar.routes import ROUTERS
from sidecar.services import (
    ModelBackend,
    PipelineBackend,
    PipelineState,
    PredictionService,
    StatusService,
)
from sidecar.validation import describe

logger = logging.getLogger(__name__)

HTTP_MESSAGES = {
    404: "Endereço não encontrado. Veja os endereços disponíveis em /docs.",
    405: "Método não permitido neste endereço. Veja /docs.",
}
RETRY_AFTER_S = "5"

DESCRIPTION = """
Previsões de risco de defasagem do modelo em produção — exatamente as mesmas do painel e de
`passos risk-list` — e métricas Prometheus.

Todas as rotas, menos `/health` e `/metrics`, exigem `Authorization: Bearer <token>`:
`PASSOS_API_TOKEN` para leitura, `PASSOS_ADMIN_TOKEN` para `POST /model/reload`.
"""


def create_app(
    settings: Settings,
    *,
    model_backend: ModelBackend | None = None,
    pipeline_backend: PipelineBackend | None = None,
    insecure_dev: bool = False,
) -> FastAPI:
    """One sidecar app; refuses (``TokensMissingError``) without tokens unless ``insecure_dev``."""
    policy = TokenPolicy.from_tokens(
        settings.api_token.get_secret_value() if settings.api_token else None,
        settings.admin_token.get_secret_value() if settings.admin_token else None,
        insecure_dev=insecure_dev,
    )
    holder: dict[str, Services] = {}
    metrics = Metrics(
        lambda: holder["services"].predictions.snapshot if holder else None,
        lambda: holder["services"].status.state if holder else PipelineState(),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from sidecar.backends import DatabasePipelineBackend, ModelsPackageBackend

        services = Services(
            predictions=PredictionService(model_backend or ModelsPackageBackend(settings)),
            status=StatusService(pipeline_backend or DatabasePipelineBackend(settings)),
            metrics=metrics,
            options=settings,
        )
        holder["services"] = app.state.services = services
        try:  # predictions first (fast); the poller's first round loads the model (MLflow)
            await refresh(services, force=False, with_model=False)
        except SidecarError as exc:  # start anyway: 503 with the reason until the poller loads
            logger.warning("previsões ainda indisponíveis: %s", exc)
        poller = asyncio.create_task(poll(services), name="sidecar-poll")
        try:
            yield
        finally:
            poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await poller

    app = FastAPI(
        title="Passos Mágicos — previsões de risco",
        version="1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.token_policy = policy
    # Added first, so it runs inside the metrics middleware: refusals are counted too.
    app.add_middleware(
        RequestGuard, policy=policy, max_body_bytes=settings.max_request_body_kb * 1024
    )
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    _add_error_handlers(app)
    for router in ROUTERS:
        # Flat, not ``include_router``: FastAPI matches an included router as one more nested
        # step (twice per request); these routers have no prefix or router-level options, so
        # their routes are complete as they stand (the OpenAPI document is the same).
        app.router.routes.extend(router.routes)
    return app


def _add_error_handlers(app: FastAPI) -> None:
    async def sidecar_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SidecarError)
        headers = {"Retry-After": RETRY_AFTER_S} if exc.status_code == 503 else None
        return JSONResponse({"detail": str(exc)}, status_code=exc.status_code, headers=headers)

    async def validation_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        detail, fields = describe(exc.errors())
        return JSONResponse({"detail": detail, "fields": fields}, status_code=422)

    async def http_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        detail = exc.detail
        if detail in {None, "Not Found", "Method Not Allowed"}:
            detail = HTTP_MESSAGES.get(exc.status_code, detail)
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)

    async def internal_error(_request: Request, exc: Exception) -> Response:
        # Normally answered by MetricsMiddleware; this covers errors raised outside it.
        logger.error("erro interno: %s", where_it_failed(exc))
        return JSONResponse({"detail": INTERNAL_ERROR}, status_code=500)

    app.add_exception_handler(SidecarError, sidecar_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, internal_error)

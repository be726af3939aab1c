"""The sidecar FastAPI app: the production predictions over HTTP, with Prometheus metrics.

``create_app(settings)`` builds one app with its own metrics registry; the lifespan builds the
services, loads the first snapshot and polls for a new production version. Routes are thin.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from prometheus_client.exposition import choose_encoder
from starlette.exceptions import HTTPException as StarletteHTTPException

from config import Settings
from models import columns as pc
from models.names import PRODUCTION
from pipeline import columns as c
from sidecar.auth import TokenPolicy
from sidecar.deps import AdminServices, PublicServices, ReadServices, Services
from sidecar.errors import (
    INTERNAL_ERROR,
    DatabaseUnavailableError,
    ListNotFoundError,
    ModelLoadError,
    PredictionsNotReadyError,
    SidecarError,
    StudentNotFoundError,
    no_production_model,
    where_it_failed,
)
from sidecar.guard import RequestGuard
from sidecar.metrics import Metrics, MetricsMiddleware
from sidecar.schemas import (
    ErrorResponse,
    HealthResponse,
    LookupResponse,
    ModelInfo,
    Prediction,
    PredictRequest,
    ReloadResponse,
    RiskListResponse,
    ScoreResponse,
)
from sidecar.services import (
    ModelBackend,
    PipelineBackend,
    PipelineState,
    PredictionService,
    RefreshOutcome,
    StatusService,
    ranked,
)
from sidecar.validation import describe

logger = logging.getLogger(__name__)

CLASSES_EXAMPLE = f"{c.CRITICAL},{c.ALERT}"
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


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": ErrorResponse} for code in codes}


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
        poller = asyncio.create_task(_poll(services), name="sidecar-poll")
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
    _add_routes(app)
    return app


async def refresh(services: Services, *, force: bool, with_model: bool = True) -> RefreshOutcome:
    """Reload predictions (and the model when its version changed) off the event loop.

    Raises the :class:`SidecarError` of a failed attempt; the old snapshot keeps serving.
    """
    with contextlib.suppress(SidecarError):  # drift and last run are best effort
        await asyncio.to_thread(services.status.refresh)
    try:
        outcome = await asyncio.to_thread(
            services.predictions.refresh, force=force, with_model=with_model
        )
    except ModelLoadError:
        services.metrics.reload_failures.inc()
        raise
    return outcome


async def _poll(services: Services) -> None:
    """Load the model, then notice a promotion (or new scores) by itself; failures are retried."""
    while True:
        try:
            await refresh(services, force=False)
        except SidecarError as exc:
            logger.warning("atualização das previsões falhou: %s", exc)
        except Exception as exc:  # the poller must survive anything; the next round retries
            logger.error("atualização das previsões falhou: %s", where_it_failed(exc))
        await asyncio.sleep(services.options.reload_interval_s)


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


def _unprocessable(where: str, field: str, problem: str) -> RequestValidationError:
    """A 422 for a rule the request model cannot express (a limit read from settings)."""
    return RequestValidationError([{"type": "value_error", "loc": (where, field), "msg": problem}])


def _add_routes(app: FastAPI) -> None:  # noqa: PLR0915 - one place lists every route
    @app.get(
        "/health",
        response_model=HealthResponse,
        responses={503: {"model": HealthResponse}},
        tags=["serviço"],
        summary="Prontidão (sem autenticação, sem dados de alunos)",
    )
    async def health(services: PublicServices) -> Response:
        predictions, status = services.predictions, services.status
        try:
            database = await asyncio.wait_for(
                asyncio.to_thread(status.ping), timeout=services.options.health_timeout_s
            )
        except TimeoutError:
            database = False
        errors: list[SidecarError] = [] if database else [DatabaseUnavailableError()]
        snapshot = predictions.snapshot
        if snapshot is None:
            error = predictions.last_error or no_production_model()
            if not (errors and isinstance(error, DatabaseUnavailableError)):
                errors.append(error)
        elif not snapshot.rows:
            errors.append(PredictionsNotReadyError(snapshot.version))
        problems = [str(error) for error in errors]
        body = HealthResponse(
            status="indisponivel" if problems else "ok",
            model_version=snapshot.version if snapshot else None,
            model_loaded=snapshot is not None and snapshot.scorer is not None,
            database=database,
            latest_year=status.state.latest_year,
            predictions_year=snapshot.ano if snapshot else None,
            problems=problems,
        )
        return JSONResponse(body.model_dump(mode="json"), status_code=503 if problems else 200)

    @app.get(
        "/model",
        response_model=ModelInfo,
        responses=_errors(401, 500, 503),
        tags=["modelo"],
        summary="Modelo em produção: versão, preset, métricas do teste temporal, promoção",
    )
    async def model(services: ReadServices) -> ModelInfo:
        snapshot = services.predictions.with_model()
        info = dict(snapshot.info)
        info.setdefault("version", snapshot.version)
        info.setdefault("alias", PRODUCTION)
        return ModelInfo.model_validate({**info, "loaded_at": snapshot.loaded_at})

    @app.get(
        "/predict/{ra}",
        response_model=Prediction,
        responses=_errors(401, 404, 503),
        tags=["previsões"],
        summary="Previsão de um aluno (RA) pelo modelo em produção",
    )
    async def predict_one(ra: str, services: ReadServices) -> Response:
        hit = services.predictions.current().encoded.get(ra)
        if hit is None:
            raise StudentNotFoundError()
        services.metrics.served(hit[1])
        # The row's JSON was encoded once when the snapshot was built.
        return Response(hit[0], media_type="application/json")

    @app.post(
        "/predict",
        response_model=LookupResponse | ScoreResponse,
        responses=_errors(401, 422, 500, 503),
        tags=["previsões"],
        summary="Várias previsões: RAs a consultar ou registros a pontuar",
    )
    async def predict_many(
        body: PredictRequest, services: ReadServices
    ) -> LookupResponse | ScoreResponse:
        predictions, metrics, options = services.predictions, services.metrics, services.options
        if body.ras is not None:
            if len(body.ras) > options.predict_max_ras:
                limit = options.predict_max_ras
                raise _unprocessable("body", "ras", f"deve ter no máximo {limit} itens")
            snapshot = predictions.current()
            found = [snapshot.by_ra[ra] for ra in body.ras if ra in snapshot.by_ra]
            for row in found:
                metrics.served(str(row[pc.CLASSE]))
            return LookupResponse.model_validate(
                {
                    pc.MODEL_VERSION: snapshot.version,
                    "predictions": found,
                    "not_found": [ra for ra in body.ras if ra not in snapshot.by_ra],
                    "warnings": snapshot.warnings,
                }
            )
        students = body.students or []
        if len(students) > options.predict_max_students:
            raise _unprocessable(
                "body", "students", f"deve ter no máximo {options.predict_max_students} itens"
            )
        records = [student.model_dump() for student in students]
        version, scored = await asyncio.to_thread(predictions.score, records)
        for row in scored:
            metrics.served(str(row[pc.CLASSE]))
        warnings = predictions.current().warnings_of(record.get(c.ANO) for record in records)
        return ScoreResponse.model_validate(
            {pc.MODEL_VERSION: version, "scored": scored, "warnings": warnings}
        )

    @app.get(
        "/risk-list",
        response_model=RiskListResponse,
        responses=_errors(401, 422, 503),
        tags=["previsões"],
        summary="Lista de risco de um ano (o mais recente por padrão), idêntica a "
        "`passos risk-list`",
    )
    async def risk_list(
        services: ReadServices,
        classe: Annotated[
            str | None,
            Query(
                description="Classes separadas por vírgula (critical, alert, expected); "
                "sem o parâmetro, todas — como `passos risk-list`",
                examples=[CLASSES_EXAMPLE],
            ),
        ] = None,
        top: Annotated[int | None, Query(ge=1, description="Só os K primeiros")] = None,
        ano: Annotated[
            int | None,
            Query(
                ge=1900,
                le=2999,
                description="Ano dos dados da lista (a lista como foi entregue naquele ano); "
                "sem o parâmetro, o ano mais recente",
            ),
        ] = None,
    ) -> Response:
        classes = list(c.CLASSES)
        if classe is not None:
            classes = [part.strip() for part in classe.split(",") if part.strip()]
            if not classes or any(name not in c.CLASSES for name in classes):
                raise _unprocessable(
                    "query", pc.CLASSE, f"use uma ou mais de {', '.join(c.CLASSES)}"
                )
        snapshot = services.predictions.current()
        if ano is None or ano == snapshot.ano:
            rows = snapshot.ranked(classes, top)
            version, year, scored_at = snapshot.version, snapshot.ano, snapshot.scored_at
        else:
            given, scored_at = await asyncio.to_thread(services.predictions.year_rows, ano)
            if not given:
                raise ListNotFoundError(ano)
            rows = ranked(given, classes, top)
            version, year = str(given[0][pc.MODEL_VERSION]), ano
        for row in rows:
            services.metrics.served(str(row[pc.CLASSE]))
        payload = {
            pc.MODEL_VERSION: version,
            "ano": year,
            "classes": [name for name in c.CLASSES if name in classes],
            "top": top,
            pc.SCORED_AT: None if scored_at is None else scored_at.isoformat(),
            "total": len(rows),
            "students": list(rows),
            "warnings": snapshot.warnings_of([year]),
        }
        return JSONResponse(payload)

    @app.post(
        "/model/reload",
        response_model=ReloadResponse,
        responses=_errors(401, 403, 500, 503),
        tags=["modelo"],
        summary="Recarrega o modelo em produção (administrador)",
    )
    async def reload_model(services: AdminServices) -> ReloadResponse:
        outcome = await refresh(services, force=True)
        return ReloadResponse(
            changed=outcome.version != outcome.previous_version,
            model_version=outcome.version,
            previous_version=outcome.previous_version,
        )

    @app.get("/metrics", tags=["serviço"], summary="Métricas Prometheus (formato texto)")
    async def metrics_endpoint(request: Request, services: PublicServices) -> Response:
        encoder, content_type = choose_encoder(request.headers.get("accept", ""))
        return Response(encoder(services.metrics.registry), media_type=content_type)

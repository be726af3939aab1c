"""``GET /health``: readiness, without authentication and without student data."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from sidecar.deps import PublicServices
from sidecar.errors import (
    DatabaseUnavailableError,
    PredictionsNotReadyError,
    SidecarError,
    no_production_model,
)
from sidecar.schemas import HealthResponse

router = APIRouter(tags=["serviço"])


@router.get(
    "/health",
    response_model=HealthResponse,
    responses={503: {"model": HealthResponse}},
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

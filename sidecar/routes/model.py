"""``GET /model`` (the production model) and ``POST /model/reload`` (administrator)."""

from __future__ import annotations

from fastapi import APIRouter

from models.names import PRODUCTION
from sidecar.deps import AdminServices, ReadServices
from sidecar.refresh import refresh
from sidecar.routes.openapi import errors
from sidecar.schemas import ModelInfo, ReloadResponse

router = APIRouter(tags=["modelo"])


@router.get(
    "/model",
    response_model=ModelInfo,
    responses=errors(401, 500, 503),
    summary="Modelo em produção: versão, preset, métricas do teste temporal, promoção",
)
async def model(services: ReadServices) -> ModelInfo:
    snapshot = services.predictions.with_model()
    info = dict(snapshot.info)
    info.setdefault("version", snapshot.version)
    info.setdefault("alias", PRODUCTION)
    return ModelInfo.model_validate({**info, "loaded_at": snapshot.loaded_at})


@router.post(
    "/model/reload",
    response_model=ReloadResponse,
    responses=errors(401, 403, 500, 503),
    summary="Recarrega o modelo em produção (administrador)",
)
async def reload_model(services: AdminServices) -> ReloadResponse:
    outcome = await refresh(services, force=True)
    return ReloadResponse(
        changed=outcome.version != outcome.previous_version,
        model_version=outcome.version,
        previous_version=outcome.previous_version,
    )

"""``GET /metrics``: the app's Prometheus registry (no authentication, no student data)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from prometheus_client.exposition import choose_encoder

from sidecar.deps import PublicServices

router = APIRouter(tags=["serviço"])


@router.get("/metrics", summary="Métricas Prometheus (formato texto)")
async def metrics_endpoint(request: Request, services: PublicServices) -> Response:
    encoder, content_type = choose_encoder(request.headers.get("accept", ""))
    return Response(encoder(services.metrics.registry), media_type=content_type)

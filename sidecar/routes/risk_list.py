"""``GET /risk-list``: a year's ranked list, identical to ``passos risk-list``."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse

from models import columns as pc
from pipeline import columns as c
from sidecar.deps import ReadServices
from sidecar.errors import ListNotFoundError
from sidecar.routes.openapi import errors, unprocessable
from sidecar.schemas import RiskListResponse
from sidecar.services import ranked

CLASSES_EXAMPLE = f"{c.CRITICAL},{c.ALERT}"

router = APIRouter(tags=["previsões"])

Classes = Annotated[
    str | None,
    Query(
        description="Classes separadas por vírgula (critical, alert, expected); "
        "sem o parâmetro, todas — como `passos risk-list`",
        examples=[CLASSES_EXAMPLE],
    ),
]
Top = Annotated[int | None, Query(ge=1, description="Só os K primeiros")]
Year = Annotated[
    int | None,
    Query(
        ge=1900,
        le=2999,
        description="Ano dos dados da lista (a lista como foi entregue naquele ano); "
        "sem o parâmetro, o ano mais recente",
    ),
]


def chosen_classes(classe: str | None) -> list[str]:
    """The classes a ``classe`` parameter names (all without it); 422 for an unknown one."""
    if classe is None:
        return list(c.CLASSES)
    classes = [part.strip() for part in classe.split(",") if part.strip()]
    if not classes or any(name not in c.CLASSES for name in classes):
        raise unprocessable("query", pc.CLASSE, f"use uma ou mais de {', '.join(c.CLASSES)}")
    return classes


@router.get(
    "/risk-list",
    response_model=RiskListResponse,
    responses=errors(401, 422, 503),
    summary="Lista de risco de um ano (o mais recente por padrão), idêntica a `passos risk-list`",
)
async def risk_list(
    services: ReadServices, classe: Classes = None, top: Top = None, ano: Year = None
) -> Response:
    classes = chosen_classes(classe)
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

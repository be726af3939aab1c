"""``GET /predict/{ra}`` (one student, the hot path) and ``POST /predict`` (lookups or scoring)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Response

from models import columns as pc
from pipeline import columns as c
from sidecar.deps import ReadServices
from sidecar.errors import StudentNotFoundError
from sidecar.routes.openapi import errors, unprocessable
from sidecar.schemas import LookupResponse, Prediction, PredictRequest, ScoreResponse

router = APIRouter(tags=["previsões"])


@router.get(
    "/predict/{ra}",
    response_model=Prediction,
    responses=errors(401, 404, 503),
    summary="Previsão de um aluno (RA) pelo modelo em produção",
)
async def predict_one(ra: str, services: ReadServices) -> Response:
    hit = services.predictions.current().encoded.get(ra)
    if hit is None:
        raise StudentNotFoundError()
    services.metrics.served(hit[1])
    # The row's JSON was encoded once when the snapshot was built.
    return Response(hit[0], media_type="application/json")


@router.post(
    "/predict",
    response_model=LookupResponse | ScoreResponse,
    responses=errors(401, 422, 500, 503),
    summary="Várias previsões: RAs a consultar ou registros a pontuar",
)
async def predict_many(
    body: PredictRequest, services: ReadServices
) -> LookupResponse | ScoreResponse:
    predictions, metrics, options = services.predictions, services.metrics, services.options
    if body.ras is not None:
        if len(body.ras) > options.predict_max_ras:
            limit = options.predict_max_ras
            raise unprocessable("body", "ras", f"deve ter no máximo {limit} itens")
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
        raise unprocessable(
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

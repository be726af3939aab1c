"""The sidecar's routes, one ``APIRouter`` per resource.

``ROUTERS`` is the order requests are matched in (route by route), so the hot path
(``GET /predict/{ra}``) comes first.
"""

from __future__ import annotations

from fastapi import APIRouter

from sidecar.routes import health, metrics, model, predictions, risk_list

ROUTERS: tuple[APIRouter, ...] = (
    predictions.router,
    risk_list.router,
    health.router,
    model.router,
    metrics.router,
)

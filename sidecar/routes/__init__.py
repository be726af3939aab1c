"""The sidecar's routes, one ``APIRouter`` per resource; ``ROUTERS`` lists them in /docs order."""

from __future__ import annotations

from fastapi import APIRouter

from sidecar.routes import health, metrics, model, predictions, risk_list

ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    model.router,
    predictions.router,
    risk_list.router,
    metrics.router,
)

"""Typed dependencies of the routes: the services built in the lifespan, behind access checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from config import Settings
from sidecar.auth import BearerAccess, Role
from sidecar.metrics import Metrics
from sidecar.services import PredictionService, StatusService


@dataclass(frozen=True, slots=True)
class Services:
    """What the routes use, built in the app's lifespan."""

    predictions: PredictionService
    status: StatusService
    metrics: Metrics
    options: Settings  # the sidecar's limits and intervals (``PASSOS_…``)


async def get_services(request: Request) -> Services:
    """The services of public routes (``/health``, ``/metrics``)."""
    services: Services = request.app.state.services
    return services


class ServicesFor(BearerAccess):
    """The services, once the bearer token grants ``need`` (401/403 otherwise)."""

    async def __call__(self, request: Request) -> Services:  # type: ignore[override]
        self.role(request)
        services: Services = request.app.state.services
        return services


read_access = ServicesFor(Role.READER)
admin_access = ServicesFor(Role.ADMIN)

PublicServices = Annotated[Services, Depends(get_services)]
ReadServices = Annotated[Services, Depends(read_access)]
AdminServices = Annotated[Services, Depends(admin_access)]

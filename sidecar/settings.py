"""Settings of the sidecar service only (env prefix ``PASSOS_``), kept apart from ``config``.

Candidates to move into ``config.Settings`` once the sidecar settles; the names stay the same.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class SidecarSettings(BaseSettings):
    """How the HTTP sidecar binds, refreshes its cache and bounds its requests."""

    model_config = SettingsConfigDict(env_prefix="PASSOS_", env_file=".env", extra="ignore")

    sidecar_host: str = Field("127.0.0.1", description="Address `passos serve` binds by default")
    sidecar_port: int = Field(
        8000, ge=1, le=65535, description="Port `passos serve` binds by default"
    )
    reload_interval_s: float = Field(
        30.0, gt=0, description="Seconds between checks for a new production model or predictions"
    )
    predict_max_ras: int = Field(1000, ge=1, description="Most RAs in one `POST /predict`")
    predict_max_students: int = Field(
        200, ge=1, description="Most feature records scored in one `POST /predict`"
    )
    health_timeout_s: float = Field(
        2.0, gt=0, description="Longest wait for the database in `GET /health`"
    )


def is_loopback(host: str) -> bool:
    """True for an address that only this machine can reach."""
    return host in LOOPBACK_HOSTS or host.startswith("127.")

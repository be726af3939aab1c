"""Keeping the served snapshot current: one refresh, and the poller that repeats it.

Both run the blocking loads (database, MLflow) off the event loop; a failed attempt leaves the old
snapshot serving.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sidecar.deps import Services
from sidecar.errors import ModelLoadError, SidecarError, where_it_failed
from sidecar.services import RefreshOutcome

logger = logging.getLogger(__name__)


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


async def poll(services: Services) -> None:
    """Load the model, then notice a promotion (or new scores) by itself; failures are retried."""
    while True:
        try:
            await refresh(services, force=False)
        except SidecarError as exc:
            logger.warning("atualização das previsões falhou: %s", exc)
        except Exception as exc:  # the poller must survive anything; the next round retries
            logger.error("atualização das previsões falhou: %s", where_it_failed(exc))
        await asyncio.sleep(services.options.reload_interval_s)

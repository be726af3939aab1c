"""Prometheus metrics of one app (its own registry) and the ASGI middleware that records them.

Labels never carry student data: the endpoint label is the route template (``/predict/{ra}``),
and a path that matches no route is counted as ``<unmatched>``.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from models import columns as pc
from pipeline import columns as c
from sidecar.errors import INTERNAL_ERROR, where_it_failed
from sidecar.services import PipelineState, Snapshot

access_logger = logging.getLogger("sidecar.access")
logger = logging.getLogger(__name__)

INTERNAL_ERROR_BODY = json.dumps({"detail": INTERNAL_ERROR}, ensure_ascii=False).encode()
JSON_HEADERS = [
    (b"content-type", b"application/json"),
    (b"content-length", str(len(INTERNAL_ERROR_BODY)).encode()),
]

UNMATCHED = "<unmatched>"
ACCESS_LEVELS = (
    logging.DEBUG,
    logging.DEBUG,
    logging.DEBUG,
    logging.DEBUG,
    logging.INFO,
    logging.WARNING,
)
KNOWN_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
# Most answers take well under a millisecond; reloads and scoring take up to seconds.
DURATION_BUCKETS = (
    0.0005,
    0.001,
    0.002,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
)


class StateCollector:
    """Gauges read at scrape time from the published snapshot and pipeline state (no locks)."""

    def __init__(
        self,
        snapshot: Callable[[], Snapshot | None],
        pipeline: Callable[[], PipelineState],
    ) -> None:
        self._snapshot = snapshot
        self._pipeline = pipeline

    def collect(self) -> Iterator[Metric]:
        snapshot = self._snapshot()
        state = self._pipeline()
        info = GaugeMetricFamily(
            "passos_model_info", "Production model served (value 1)", labels=["version", "preset"]
        )
        at_risk = GaugeMetricFamily(
            "passos_students_at_risk",
            "Students of the latest year predicted at risk, per class",
            labels=["classe"],
        )
        if snapshot is not None:
            info.add_metric([snapshot.version, str(snapshot.info.get("preset") or "")], 1.0)
            counts = snapshot.at_risk
            for classe in pc.AT_RISK_CLASSES:
                at_risk.add_metric([classe], float(counts[classe]))
        # Against the production model's training data (earlier years before any model): above
        # 0 means at least one column changed, the product's "relevant change" (pipeline.drift).
        drift = GaugeMetricFamily(
            "passos_drift_share",
            "Share of columns of a data year that changed against the production model's "
            "training data (> 0: relevant change)",
            labels=["ano"],
        )
        for ano, share in sorted(state.drift_shares.items()):
            drift.add_metric([str(ano)], share)
        yield info
        yield at_risk
        yield drift
        if state.last_success_at is not None:
            yield GaugeMetricFamily(
                "passos_pipeline_last_success_timestamp_seconds",
                "When the pipeline last finished successfully (Unix time)",
                value=state.last_success_at.timestamp(),
            )


class Metrics:
    """Every metric of the sidecar, registered in a registry owned by one app."""

    def __init__(
        self,
        snapshot: Callable[[], Snapshot | None],
        pipeline: Callable[[], PipelineState],
    ) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "passos_http_requests_total",
            "HTTP requests by route template, method and status",
            ["endpoint", "method", "status"],
            registry=self.registry,
        )
        self.duration = Histogram(
            "passos_http_request_duration_seconds",
            "HTTP request duration by route template",
            ["endpoint"],
            buckets=DURATION_BUCKETS,
            registry=self.registry,
        )
        self.predictions_served = Counter(
            "passos_predictions_served_total",
            "Predictions returned to clients, per predicted class",
            ["classe"],
            registry=self.registry,
        )
        self.reload_failures = Counter(
            "passos_model_reload_failures_total",
            "Attempts to load a new production model that failed (the old one kept serving)",
            registry=self.registry,
        )
        for classe in c.CLASSES:
            self.predictions_served.labels(classe)
        self.registry.register(StateCollector(snapshot, pipeline))
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}
        self._served: dict[str, Any] = {}

    def observe(self, endpoint: str, method: str, status: int, seconds: float) -> None:
        """Count one request (label children cached: this runs on every request)."""
        key = (endpoint, method, status)
        children = self._children.get(key)
        if children is None:
            children = (
                self.requests.labels(endpoint, method, str(status)),
                self.duration.labels(endpoint),
            )
            self._children[key] = children
        children[0].inc()
        children[1].observe(seconds)

    def served(self, classe: str, count: int = 1) -> None:
        child = self._served.get(classe)
        if child is None:
            child = self._served.setdefault(classe, self.predictions_served.labels(classe))
        child.inc(count)


class MetricsMiddleware:
    """Pure ASGI middleware: duration, count and one access-log line per request, no RA.

    The line names the route template, never the path (which holds the RA); uvicorn's own
    access log is off for the same reason.
    """

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500
        started = False

        async def send_status(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                status = message["status"]
                started = True
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        except Exception as exc:
            # Answer here so that no traceback (whose messages may hold student data) reaches
            # the server's log; only the type and code location are logged.
            status = 500
            logger.error("erro interno: %s", where_it_failed(exc))
            if not started:
                await send({"type": "http.response.start", "status": 500, "headers": JSON_HEADERS})
                await send({"type": "http.response.body", "body": INTERNAL_ERROR_BODY})
                return
            raise
        finally:
            elapsed = time.perf_counter() - start
            route = scope.get("route")
            endpoint = getattr(route, "path", None) or UNMATCHED
            method = scope["method"] if scope["method"] in KNOWN_METHODS else "OTHER"
            self.metrics.observe(endpoint, method, status, elapsed)
            # Successes at DEBUG: the metrics count them, and a log line per request would cost
            # a fifth of the hot path; refusals and failures stay visible at INFO / WARNING.
            level = ACCESS_LEVELS[min(status // 100, 5)]
            if access_logger.isEnabledFor(level):
                access_logger.log(
                    level, "%s %s %d %.1fms", method, endpoint, status, elapsed * 1000
                )

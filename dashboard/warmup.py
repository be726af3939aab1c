"""Warm the dashboard process in the background right after ``passos dashboard`` starts.

The first page a browser asks for runs ``dashboard/app.py``, whose imports (pandas, SQLAlchemy,
pydantic settings, Plotly) cost seconds on a small laptop. Importing them in a daemon thread while
the server comes up means the first visitor finds them in ``sys.modules``: Python's import locks
make a page that arrives mid-import wait for that import instead of doing it twice. Nothing here
touches data or the network. The heavy model libraries stay out: only the pages that need them
import them.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Sequence
from typing import Final

log = logging.getLogger(__name__)

# What the sign-in page and the first pages after it import, cheapest first.
FIRST_PAGE_MODULES: Final = (
    "config",
    "dashboard.i18n",
    "dashboard.auth",
    "dashboard.audit",
    "dashboard.ui",
    "dashboard.data",
    "plotly.express",
)


def warm(modules: Sequence[str] = FIRST_PAGE_MODULES) -> list[str]:
    """Import ``modules``; the names that failed (logged, never raised: a page would say why)."""
    failed = []
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception as exc:  # a warm-up must never take the server down
            log.warning("pré-carregamento de %s falhou: %s", name, type(exc).__name__)
            failed.append(name)
    return failed


def start_warmup(modules: Sequence[str] = FIRST_PAGE_MODULES) -> threading.Thread:
    """Run :func:`warm` in a daemon thread (it never delays the server's start)."""
    thread = threading.Thread(target=warm, args=(tuple(modules),), name="passos-warmup")
    thread.daemon = True
    thread.start()
    return thread

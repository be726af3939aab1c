"""The base of every error the product reports to a user (Portuguese: it is what they read).

It lives in ``config``, the bottom layer, because pipeline, models, the sidecar, the dashboard and
the CLI all raise or catch it; each entry point turns it into one line, one JSON answer or one
message on screen instead of a traceback.
"""

from __future__ import annotations


class PassosError(Exception):
    """Base of every error the product reports to a user instead of a traceback."""

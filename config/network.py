"""Which addresses only this machine can reach (the sidecar's dev mode and ``passos demo``)."""

from __future__ import annotations

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def is_loopback(host: str) -> bool:
    """True for an address that only this machine can reach."""
    return host in LOOPBACK_HOSTS or host.startswith("127.")

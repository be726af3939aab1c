"""The reference of ``passos bench sidecar``: a bare FastAPI app returning a constant JSON."""

from __future__ import annotations

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def constant() -> dict[str, str]:
    """The cheapest useful FastAPI answer, served by the same uvicorn setup as the sidecar."""
    return {"status": "ok"}

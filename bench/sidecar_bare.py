"""The floor of ``passos bench sidecar``: a bare async FastAPI route answering pre-encoded JSON.

No product middleware, no auth, no lookup: the same route template and a body the size of a
prediction, served by uvicorn with exactly the sidecar's options (``sidecar.server``). Run as
``python -m bench.sidecar_bare --port N``.
"""

from __future__ import annotations

import argparse
import json

from fastapi import FastAPI, Response

from sidecar.schemas import PREDICTION_EXAMPLE

BODY = json.dumps(PREDICTION_EXAMPLE, ensure_ascii=False, separators=(",", ":")).encode()

app = FastAPI()


@app.get("/predict/{ra}")
async def constant(ra: str) -> Response:
    """The cheapest FastAPI answer of this shape: bytes encoded once, in a plain Response."""
    return Response(BODY, media_type="application/json")


def main() -> None:
    import uvicorn

    from config import get_settings
    from sidecar.server import uvicorn_options

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(app, host=args.host, port=args.port, **uvicorn_options(get_settings()))


if __name__ == "__main__":
    main()

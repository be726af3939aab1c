# One image for the dashboard, the sidecar, the MLflow tracking server and the `passos` CLI;
# docker-compose.yml picks the command of each service. Build: `docker compose build`.
# Nothing under data/, no .env and no secret is ever copied in (see .dockerignore).

# uv pinned to the version that wrote uv.lock.
FROM ghcr.io/astral-sh/uv:0.13.9 AS uv

# ---- builder: resolve the locked dependencies and install the project into /app/.venv ----------
FROM python:3.13.7-slim-bookworm AS builder

COPY --from=uv /uv /usr/local/bin/uv

# Byte-compile at build time (the runtime user cannot write into the venv), copy rather than
# hard-link out of the cache mount, and use the image's interpreter, never a downloaded one.
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.13 \
    UV_PROJECT_ENVIRONMENT=/app/.venv

WORKDIR /src

# Dependencies first, in their own layer: it is rebuilt only when the lock changes.
COPY pyproject.toml uv.lock README.md ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-project --no-editable

# Then the project itself, installed as a wheel (not editable): the runtime stage needs only the venv.
COPY config ./config
COPY pipeline ./pipeline
COPY models ./models
COPY cycle ./cycle
COPY sidecar ./sidecar
COPY dashboard ./dashboard
COPY cli ./cli
COPY synthetic ./synthetic
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable

# ---- runtime: the venv, the Streamlit config, a non-root user; no compiler, make or git -------
FROM python:3.13.7-slim-bookworm AS runtime

LABEL org.opencontainers.image.title="passos-magicos" \
      org.opencontainers.image.description="Passos Mágicos early-warning: dashboard, sidecar and CLI"

# libgomp1: the OpenMP runtime LightGBM links against (the slim image lacks it). The Debian release
# is pinned by the base image tag; its security updates are wanted, so the package is not pinned.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/*

# Fixed ids so that named volumes keep the same owner across rebuilds.
RUN groupadd --system --gid 10001 passos \
    && useradd --system --uid 10001 --gid passos --home-dir /home/passos --create-home \
       --shell /usr/sbin/nologin passos \
    && mkdir -p /data /mlartifacts /home/passos/.streamlit \
    && chown passos:passos /data /mlartifacts /home/passos/.streamlit

WORKDIR /app

# Code stays owned by root: the runtime user can read and run it but not change it. Only the
# directories it writes (/data, /mlartifacts, its home) belong to it.
COPY --from=builder /app/.venv /app/.venv
# `passos dashboard` runs Streamlit from the installed package's folder, so the project-level
# .streamlit/ would not be found there: Streamlit's user-level config file is read from any folder.
# (.streamlit/secrets.toml, for OIDC, is never copied: mount it at runtime.)
COPY .streamlit/config.toml /home/passos/.streamlit/config.toml

# GIT_PYTHON_REFRESH: MLflow probes for git to tag runs; there is no git here, on purpose.
ENV PATH="/app/.venv/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PASSOS_DATA_DIR=/data \
    GIT_PYTHON_REFRESH=quiet \
    STREAMLIT_SERVER_HEADLESS=true \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false

USER 10001:10001

EXPOSE 8501 8000 5000

# The default command is the dashboard, so the default check is Streamlit's; docker-compose.yml
# overrides it for the sidecar (/health) and the MLflow server (/health).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]

CMD ["passos", "dashboard", "--host", "0.0.0.0", "--port", "8501"]

# syntax=docker/dockerfile:1.7
# The OPEN platform image: one image for the gateway, the workers and the migration step, which
# differ only by command (`openctl server`, `openctl worker`, `openctl migrate`).
# Build from the repository root: docker build -f infra/docker/platform.Dockerfile -t open-platform .

ARG PYTHON_IMAGE=python:3.11.11-slim-bookworm
ARG UV_IMAGE=ghcr.io/astral-sh/uv:0.13.9

FROM ${UV_IMAGE} AS uv

# Stage 1: resolve and install the locked dependencies, then the workspace packages, into /app/.venv.
FROM ${PYTHON_IMAGE} AS build
COPY --from=uv /uv /usr/local/bin/uv
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /src
# Dependencies first (a layer that changes only with the lock file).
COPY pyproject.toml uv.lock ./
COPY core_engine/pyproject.toml core_engine/pyproject.toml
COPY backend/pyproject.toml backend/pyproject.toml
COPY sdk/pyproject.toml sdk/pyproject.toml
COPY examples/pyproject.toml examples/pyproject.toml
RUN uv sync --locked --no-dev --no-install-workspace --package open-backend
# Then the packages themselves, installed as wheels (no editable links into /src).
COPY core_engine core_engine
COPY backend backend
COPY sdk sdk
COPY examples examples
RUN uv sync --locked --no-dev --no-editable --package open-backend

# Stage 2: the runtime, with the virtual environment and nothing of the build.
FROM ${PYTHON_IMAGE} AS runtime
LABEL org.opencontainers.image.title="open-platform" \
      org.opencontainers.image.description="OPEN workflow orchestration: gateway, worker and migrations" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN groupadd --system --gid 10001 open \
 && useradd --system --uid 10001 --gid open --home-dir /var/lib/open --create-home --shell /usr/sbin/nologin open
COPY --from=build /app/.venv /app/.venv
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    OPEN_ENV=production \
    OPEN_DATA_DIR=/var/lib/open
WORKDIR /var/lib/open
USER 10001:10001
EXPOSE 8000
# Liveness of the gateway; workers and the migration step override or ignore it.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"]
ENTRYPOINT ["openctl"]
CMD ["server", "--host", "0.0.0.0", "--port", "8000"]

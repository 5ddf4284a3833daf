# OPEN task runner. `just --list` shows every recipe.
set shell := ["bash", "-euo", "pipefail", "-c"]

# Install the workspace (Python packages and dev tools) exactly as locked.
setup:
    uv sync --all-packages --locked

# The main job: start OPEN (embedded defaults), deploy the examples, run the wine pipeline
# through API -> queue -> worker -> event log, and keep serving until Ctrl-C. `just demo --no-wait`
# exits after the run.
demo *ARGS: setup
    uv run openctl demo {{ARGS}}

# The web app: its npm packages exactly as locked, then its typed build (frontend/dist).
frontend:
    cd frontend && npm ci --no-audit --no-fund && npm run build

# Debian's Chromium for the browser tests (e2e/), installed when missing (no browser download).
browser:
    if [ ! -x /usr/bin/chromium ]; then \
        sudo=$([ "$(id -u)" -eq 0 ] && echo "" || echo "sudo"); \
        $sudo apt-get update -qq && $sudo apt-get install -y -qq chromium; \
    fi

# Lint, type-check and run every test suite: Python (pytest, browser tests included) and the
# web app's unit tests (Vitest).
test: setup lint frontend browser
    cd frontend && npm test
    uv run pytest

# ruff (lint + format check) and mypy --strict on core_engine and the backend.
lint: setup
    uv run ruff check .
    uv run ruff format --check .
    uv run mypy --strict core_engine/src backend/src sdk/src examples/src

# Rewrite formatting and apply safe lint fixes.
fmt: setup
    uv run ruff format .
    uv run ruff check --fix .

# Benchmarks: prints a table and rewrites docs/benchmarks.md.
bench: setup
    uv run python -m benchmarks

# Start the whole stack with docker compose (PostgreSQL, Redis, migration, gateway, workers,
# web app, OpenTelemetry collector, Prometheus, Grafana, Loki). Writes .env with a random
# OPEN_SECRET_KEY the first time. `just up --scale worker=4` runs four workers.
up *ARGS:
    test -f .env || printf 'OPEN_SECRET_KEY=%s\n' "$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')" > .env
    docker compose up -d --build --wait {{ARGS}}

# Render the Kubernetes overlays with kustomize and validate every manifest against the
# Kubernetes schemas (and the compose file against the compose specification).
k8s-validate: setup
    uv run pytest infra/tests/test_kubernetes.py infra/tests/test_compose.py -q

# Check the Terraform module and example: formatting (terraform or tofu, when installed) and
# every variable, module input and output cross-checked from the parsed HCL.
tf-validate: setup
    uv run pytest infra/tests/test_terraform.py -q

# Dump the PostgreSQL database of DATABASE_URL (without it: the compose stack's, through its
# container) to FILE (default backups/open-<time>.dump). Docs: docs/operations.md.
backup FILE="":
    #!/usr/bin/env bash
    set -euo pipefail
    file="{{FILE}}"; file="${file:-backups/open-$(date -u +%Y%m%dT%H%M%SZ).dump}"
    if [[ -n "${DATABASE_URL:-}" ]]; then
        infra/scripts/backup.sh "$DATABASE_URL" "$file"
    else
        mkdir -p backups
        docker compose exec -T postgres pg_dump -U open -d open --format=custom --compress=6 --no-owner --no-privileges > "$file.partial"
        mv "$file.partial" "$file"
        echo "$file"
    fi

# Restore FILE (from `just backup`) into the EMPTY database of DATABASE_URL (or, without it,
# into a fresh `open` database of the compose stack, the gateway and workers stopped meanwhile).
restore FILE:
    #!/usr/bin/env bash
    set -euo pipefail
    if [[ -n "${DATABASE_URL:-}" ]]; then
        infra/scripts/restore.sh "{{FILE}}" "$DATABASE_URL"
    else
        docker compose stop gateway worker spa
        docker compose exec -T postgres dropdb -U open --if-exists --force open
        docker compose exec -T postgres createdb -U open open
        docker compose exec -T postgres pg_restore -U open -d open --single-transaction --exit-on-error --no-owner --no-privileges < "{{FILE}}"
        docker compose up -d --wait gateway worker spa
    fi

# Load test (long mode: 20 locust users for 120 s) against a local stack it starts and removes
# (PostgreSQL and Redis of OPEN_BENCH_POSTGRES_URL / OPEN_BENCH_REDIS_URL). `just loadtest --short`
# is CI's mode; `--users N --run-time S --workers N` change the load.
loadtest *ARGS: setup
    uv run python -m loadtests {{ARGS}}

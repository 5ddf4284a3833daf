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

# Lint, type-check and run every test suite.
test: setup lint
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

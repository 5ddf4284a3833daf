"""OpenTelemetry tracing: off by default, configured by the standard ``OTEL_*`` variables.

The rule (:func:`tracing_requested`): tracing is on when ``OTEL_EXPORTER_OTLP_ENDPOINT`` or
``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`` is set, or ``OTEL_TRACES_EXPORTER`` names an exporter
(``otlp``, ``console``, comma-separated); it stays off when ``OTEL_SDK_DISABLED=true`` or
``OTEL_TRACES_EXPORTER=none``. OTLP is spoken over HTTP/protobuf (the exporter reads its own
``OTEL_EXPORTER_OTLP_*`` variables: endpoint, headers, timeout, compression); sampling follows
``OTEL_TRACES_SAMPLER``, batching ``OTEL_BSP_*`` and the resource ``OTEL_SERVICE_NAME`` and
``OTEL_RESOURCE_ATTRIBUTES``.

While tracing is off nothing is instrumented and :func:`tracer` is OpenTelemetry's no-op
tracer; the code paths below check :func:`tracing_enabled` first and do nothing else.

One execution is one trace: the HTTP span of the GraphQL request (ASGI instrumentation), the
queue job carrying the W3C ``traceparent`` of the request (:func:`current_traceparent`, read
back by :func:`job_context`), the ``execution.run`` span of the run and a span per node attempt
(:mod:`open_backend.observability.run_observer`), with PostgreSQL (asyncpg) and Redis spans from
the official instrumentations under them.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from typing import Any, Final

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from opentelemetry.instrumentation.redis import RedisInstrumentor
from opentelemetry.propagate import extract, inject
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter
from starlette.applications import Starlette

#: The instrumentation scope of OPEN's own spans.
TRACER_NAME: Final = "open_backend"

#: Paths whose HTTP requests get no span (probes and scrapes would drown the traces).
EXCLUDED_URLS: Final = "/healthz,/readyz,/metrics"

#: Exporters ``OTEL_TRACES_EXPORTER`` may name.
EXPORTERS: Final = frozenset({"otlp", "console"})

#: The OTLP transports supported (the HTTP/protobuf exporter only).
OTLP_PROTOCOLS: Final = frozenset({"http/protobuf"})


class _State:
    provider: TracerProvider | None = None
    owned = False  # built from the environment here (flushed and shut down by :func:`shutdown`)
    instrumented = False  # Redis and asyncpg patched


_state = _State()


def _true(value: str | None) -> bool:
    return (value or "").strip().lower() == "true"


def _exporter_names(environ: Mapping[str, str]) -> list[str]:
    raw = environ.get("OTEL_TRACES_EXPORTER", "")
    return [name.strip().lower() for name in raw.split(",") if name.strip()]


def tracing_requested(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the ``OTEL_*`` variables of ``environ`` (default: the process's) turn tracing on
    (see the module docstring for the rule)."""
    env = os.environ if environ is None else environ
    if _true(env.get("OTEL_SDK_DISABLED")):
        return False
    names = _exporter_names(env)
    if names == ["none"]:
        return False
    if names:
        return True
    return bool(env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))


def _processors(environ: Mapping[str, str]) -> list[SpanProcessor]:
    names = _exporter_names(environ) or ["otlp"]
    unknown = sorted(set(names) - EXPORTERS)
    if unknown:
        raise ValueError(
            f"OTEL_TRACES_EXPORTER names {', '.join(unknown)}; OPEN supports {', '.join(sorted(EXPORTERS))} "
            "or none"
        )
    processors: list[SpanProcessor] = []
    if "otlp" in names:
        protocol = environ.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") or environ.get(
            "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"
        )
        if protocol not in OTLP_PROTOCOLS:
            raise ValueError(
                f"OTEL_EXPORTER_OTLP_PROTOCOL is {protocol!r}; OPEN exports OTLP over http/protobuf "
                "only (a collector's port 4318)"
            )
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        processors.append(BatchSpanProcessor(OTLPSpanExporter()))
    if "console" in names:
        processors.append(BatchSpanProcessor(ConsoleSpanExporter()))
    return processors


def configure_from_env(service_name: str, environ: Mapping[str, str] | None = None) -> bool:
    """Turn tracing on for this process when the ``OTEL_*`` variables ask for it and no provider
    is installed yet; returns whether tracing is on afterwards.

    Args:
        service_name: ``service.name`` of the resource unless ``OTEL_SERVICE_NAME`` or
            ``OTEL_RESOURCE_ATTRIBUTES`` sets one (``open-backend``, ``open-worker``).
        environ: the variables to read (default: the process's).

    Raises:
        ValueError: ``OTEL_TRACES_EXPORTER`` names an unsupported exporter, or the OTLP protocol
            is not ``http/protobuf``.
    """
    env = os.environ if environ is None else environ
    if _state.provider is not None:
        return True
    if not tracing_requested(env):
        return False
    processors = _processors(env)
    resource = Resource.create({} if env.get("OTEL_SERVICE_NAME") else {SERVICE_NAME: service_name})
    provider = TracerProvider(resource=resource)  # reads OTEL_TRACES_SAMPLER itself
    for processor in processors:
        provider.add_span_processor(processor)
    install(provider)
    _state.owned = True
    trace.set_tracer_provider(provider)  # for libraries using the global tracer
    return True


def install(provider: TracerProvider) -> None:
    """Trace this process's work with ``provider`` (tests install one with an in-memory exporter).

    Redis commands and PostgreSQL statements (asyncpg, under SQLAlchemy) are instrumented from
    now on; apps and runs made afterwards are traced too.
    """
    _uninstrument()
    _state.provider = provider
    _state.owned = False
    RedisInstrumentor().instrument(tracer_provider=provider)
    AsyncPGInstrumentor().instrument(tracer_provider=provider)  # type: ignore[no-untyped-call]
    _state.instrumented = True


def _uninstrument() -> None:
    if _state.instrumented:
        RedisInstrumentor().uninstrument()
        AsyncPGInstrumentor().uninstrument()  # type: ignore[no-untyped-call]
        _state.instrumented = False


def uninstall() -> None:
    """Stop tracing (the reverse of :func:`install`)."""
    _uninstrument()
    _state.provider = None
    _state.owned = False


def shutdown() -> None:
    """Flush and shut down the provider :func:`configure_from_env` built (no-op otherwise)."""
    provider = _state.provider
    if provider is not None and _state.owned:
        provider.force_flush()
        provider.shutdown()
        uninstall()


def tracing_enabled() -> bool:
    """Whether spans are recorded in this process."""
    return _state.provider is not None


def tracer() -> trace.Tracer:
    """OPEN's tracer: the installed provider's, else the no-op tracer."""
    provider = _state.provider
    if provider is None:
        return trace.NoOpTracer()
    return provider.get_tracer(TRACER_NAME)


def instrument_app(app: Starlette) -> None:
    """Give every HTTP request and websocket of ``app`` a server span, except the probes and
    ``/metrics`` (no-op while tracing is off). Call before the app starts."""
    if _state.provider is not None:
        app.add_middleware(
            OpenTelemetryMiddleware, excluded_urls=EXCLUDED_URLS, tracer_provider=_state.provider
        )


def current_traceparent() -> str | None:
    """The W3C ``traceparent`` of the current span (``00-<trace id>-<span id>-<flags>``), or
    ``None`` while tracing is off or no span is current: what a queue job carries."""
    if _state.provider is None:
        return None
    carrier: dict[str, str] = {}
    inject(carrier)
    return carrier.get("traceparent")


@contextlib.contextmanager
def job_context(traceparent: str | None) -> Iterator[None]:
    """Run the block as a continuation of the trace ``traceparent`` names (a queue job's), or
    unchanged when it is ``None`` or tracing is off. A malformed value is ignored."""
    if traceparent is None or _state.provider is None:
        yield
        return
    token = otel_context.attach(extract({"traceparent": traceparent}))
    try:
        yield
    finally:
        otel_context.detach(token)


@contextlib.contextmanager
def detached() -> Iterator[None]:
    """Run the block outside the current trace (work it starts, such as dispatching another
    execution, begins a trace of its own)."""
    if _state.provider is None:
        yield
        return
    token = otel_context.attach(otel_context.Context())
    try:
        yield
    finally:
        otel_context.detach(token)


@contextlib.contextmanager
def graphql_span(operation: str) -> Iterator[None]:
    """Run the block as the ``graphql <operation>`` span (no-op while tracing is off)."""
    if _state.provider is None:
        yield
        return
    with tracer().start_as_current_span(
        f"graphql {operation}", attributes={"graphql.operation.name": operation}
    ):
        yield


def span_attributes(**attributes: Any) -> dict[str, Any]:
    """``attributes`` without the ``None`` values (OpenTelemetry refuses them)."""
    return {key: value for key, value in attributes.items() if value is not None}

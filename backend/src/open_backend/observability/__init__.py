"""What operators see of a running platform: traces, metrics and logs.

* :mod:`~open_backend.observability.tracing`: OpenTelemetry, off unless the ``OTEL_*``
  variables ask for it; one trace per execution, from the GraphQL request through the queue job
  to every node attempt.
* :mod:`~open_backend.observability.metrics`: the Prometheus metrics of ``/metrics`` (and of a
  worker's own port).
* :mod:`~open_backend.observability.run_observer`: the runner's event listener turning node
  events into attempt spans and duration samples.
* :mod:`~open_backend.observability.logging`: JSON or text logs carrying the trace, span and
  execution ids.

``docs/observability.md`` lists every variable and metric.
"""

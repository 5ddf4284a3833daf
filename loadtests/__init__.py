"""OPEN's load tests: locust scenarios against the GraphQL API on the real stack.

* :mod:`loadtests.operations`: the GraphQL documents, the DAG definitions and the names under
  which each operation's statistics are kept (no locust import: safe anywhere).
* :mod:`loadtests.scenarios`: the locust user (HTTP through ``FastHttpUser``, the subscription
  over graphql-transport-ws with ``websocket-client``). Importing it imports locust, which
  monkey-patches the process with gevent: only locust processes import it.
* :mod:`loadtests.swarm`: runs the scenarios headless with locust's library API in a process
  of its own and returns per-operation statistics as JSON-ready data.
* :mod:`loadtests.stack`: starts the platform (:mod:`benchmarks.platform_stack`), workers, and
  the swarm in a subprocess; :mod:`loadtests.results` turns the statistics into a table.

``uv run python -m loadtests`` (``just loadtest``) runs the long mode; ``--short`` the CI mode.
"""

"""What the load test sends: GraphQL documents, DAG definitions, and the statistics' names.

Nothing here imports locust, so the parent process (the test, the benchmark) can read the
operation names without being monkey-patched by gevent.
"""

from __future__ import annotations

from typing import Any, Final

SIGN_UP: Final = "mutation SignUp($i: SignUpInput!) { signUp(input: $i) { accessToken } }"
SIGN_IN: Final = "mutation SignIn($i: SignInInput!) { signIn(input: $i) { accessToken } }"
CREATE_DAG: Final = "mutation CreateDag($i: CreateDagInput!) { createDag(input: $i) { dag { id } } }"
LIST_DAGS: Final = (
    "query Dags($first: Int) { dags(first: $first) { totalCount nodes { id name status updatedAt } } }"
)
CREATE_VERSION: Final = (
    "mutation UpdateDag($i: UpdateDagInput!) { updateDag(input: $i) { version { version contentHash } } }"
)
EXECUTE: Final = "mutation ExecuteDag($i: ExecuteDagInput!) { executeDag(input: $i) { id status } }"
EXECUTION_EVENTS: Final = (
    "subscription ExecutionEvents($id: ID!) { executionEvents(executionId: $id) { sequence kind } }"
)

#: The name of each operation's statistics (locust's ``name``), in the order of a user's run.
#: ``signUp`` and ``createDag`` run once per simulated user, at its start.
OP_SIGN_UP: Final = "signUp"
OP_CREATE_DAG: Final = "createDag"
OP_SIGN_IN: Final = "signIn"
OP_LIST_DAGS: Final = "dags"
OP_CREATE_VERSION: Final = "updateDag (new version)"
OP_EXECUTE: Final = "executeDag"
OP_WS_CONNECT: Final = "websocket connect + connection_ack"
OP_SUBSCRIBE: Final = "executionEvents (subscribe to complete)"

#: Every operation a load test must exercise at least once.
OPERATIONS: Final = (
    OP_SIGN_UP,
    OP_CREATE_DAG,
    OP_SIGN_IN,
    OP_LIST_DAGS,
    OP_CREATE_VERSION,
    OP_EXECUTE,
    OP_WS_CONNECT,
    OP_SUBSCRIBE,
)

#: Password of every simulated account (the API wants 10 to 1024 characters).
PASSWORD: Final = "load-test-password"  # noqa: S105 (throwaway accounts of a temporary database)

#: A user signs in again on every ``SIGN_IN_EVERY``-th iteration (the first one included):
#: Argon2id makes sign-in by far the costliest operation, and real clients sign in rarely.
SIGN_IN_EVERY: Final = 5


def definition(revision: int) -> dict[str, Any]:
    """A three-node chain of ``noop`` tasks whose last node id carries ``revision``, so every
    revision has its own content hash and ``updateDag`` creates a new version."""
    ids = ["extract", "transform", f"load_r{revision}"]
    nodes = [
        {"id": node, "task": {"type": "noop", "config": {}}, "depends_on": ids[k - 1 : k]}
        for k, node in enumerate(ids)
    ]
    return {"schema_version": 1, "name": "loadtest", "nodes": nodes}

"""The GraphQL documents the SDK sends (schema: docs/schema.graphql), with their fragments."""

from __future__ import annotations

from typing import Final

VERSION_FIELDS: Final = "id dagId version definition contentHash message createdAt nodeCount"
DAG_FIELDS: Final = (
    f"id name description status createdAt updatedAt "
    f"latestVersion {{ {VERSION_FIELDS} }} activeVersion {{ {VERSION_FIELDS} }}"
)
NODE_FIELDS: Final = "nodeId mapIndex status attempts startedAt finishedAt durationS result resultRef error"
EXECUTION_FIELDS: Final = (
    "id dagId dagVersionId status params idempotencyKey createdAt startedAt finishedAt retryOfId "
    f"nodes {{ {NODE_FIELDS} }}"
)
EVENT_FIELDS: Final = "sequence kind ts payload"
PAGE: Final = "pageInfo { hasNextPage endCursor }"

DAG: Final = f"query($id: ID!) {{ dag(id: $id) {{ {DAG_FIELDS} }} }}"
DAGS: Final = (
    "query($first: Int, $after: String, $search: String, $status: DagStatus) {"
    " dags(first: $first, after: $after, search: $search, status: $status)"
    f" {{ nodes {{ {DAG_FIELDS} }} {PAGE} }} }}"
)
CREATE_DAG: Final = (
    "mutation($i: CreateDagInput!) {"
    f" createDag(input: $i) {{ dag {{ {DAG_FIELDS} }} version {{ {VERSION_FIELDS} }} }} }}"
)
UPDATE_DAG: Final = (
    "mutation($i: UpdateDagInput!) {"
    f" updateDag(input: $i) {{ dag {{ {DAG_FIELDS} }} version {{ {VERSION_FIELDS} }} }} }}"
)
ACTIVATE_DAG: Final = f"mutation($i: ActivateDagInput!) {{ activateDag(input: $i) {{ {DAG_FIELDS} }} }}"
VALIDATE: Final = (
    "mutation($d: JSON!) { validateDefinition(definition: $d) {"
    " valid contentHash nodeCount issues { code message nodeId field suggestion path } } }"
)
EXECUTE: Final = f"mutation($i: ExecuteDagInput!) {{ executeDag(input: $i) {{ {EXECUTION_FIELDS} }} }}"
EXECUTION: Final = f"query($id: ID!) {{ execution(id: $id) {{ {EXECUTION_FIELDS} }} }}"
EXECUTIONS: Final = (
    "query($first: Int, $after: String, $dagId: ID, $status: ExecutionStatus) {"
    f" executions(first: $first, after: $after, dagId: $dagId, status: $status)"
    f" {{ nodes {{ {EXECUTION_FIELDS} }} {PAGE} }} }}"
)
CANCEL: Final = f"mutation($id: ID!) {{ cancelExecution(id: $id) {{ {EXECUTION_FIELDS} }} }}"
RETRY: Final = f"mutation($id: ID!) {{ retryExecution(id: $id) {{ {EXECUTION_FIELDS} }} }}"
EVENTS_PAGE: Final = (
    "query($id: ID!, $first: Int, $after: String) { execution(id: $id) {"
    f" events(first: $first, after: $after) {{ nodes {{ {EVENT_FIELDS} }} {PAGE} }} }} }}"
)

EXECUTION_EVENTS: Final = (
    "subscription($id: ID!, $after: Int) {"
    f" executionEvents(executionId: $id, afterSequence: $after) {{ {EVENT_FIELDS} }} }}"
)
EXECUTION_UPDATED: Final = (
    f"subscription($id: ID!) {{ executionUpdated(executionId: $id) {{ {EXECUTION_FIELDS} }} }}"
)

"""Hand-written examples of the GraphQL API, merged into ``docs/graphql-api.md``.

One :class:`Example` per mutation and subscription (a test requires it), and some for queries,
keyed by the root field they show. Each document is validated against the schema, and its
variables against the document's variable types, by ``docs/tests/test_graphql_api.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

_EXECUTION: Final = "01a24e7b-4acf-710d-b869-e6e565a11b37"
_DAG: Final = "01a24e7a-cd02-7532-a3ea-2c534ccf37fe"
_USER: Final = "01a24e70-11aa-7bcd-9e01-3f5a6b7c8d9e"

_HELLO: Final = {
    "schema_version": 1,
    "name": "hello",
    "params": {"n": {"type": "integer", "default": 3}},
    "nodes": [
        {"id": "wait", "task": {"type": "sleep", "config": {"seconds": 0.1}}},
        {"id": "answer", "task": {"type": "noop", "config": {"result": 42}}, "depends_on": ["wait"]},
    ],
}


@dataclass(frozen=True)
class Example:
    """A GraphQL document (one operation), the variables it is sent with, and a remark."""

    document: str
    variables: dict[str, Any] = field(default_factory=dict)
    note: str = ""


EXAMPLES: Final[dict[str, Example]] = {
    # Queries
    "me": Example(
        "query Me {\n  me { user { id email name } memberships { role organization { id name } } }\n}"
    ),
    "dags": Example(
        """query Dags($search: String) {
  dags(first: 20, search: $search) {
    totalCount
    nodes { id name status latestVersion { version contentHash } activeVersion { version } }
    pageInfo { hasNextPage endCursor }
  }
}""",
        {"search": "hello"},
        "Pass `pageInfo.endCursor` as `after` for the next page.",
    ),
    "taskTypes": Example("query TaskTypes {\n  taskTypes { name description configSchema }\n}"),
    "execution": Example(
        """query Execution($id: ID!) {
  execution(id: $id) {
    status params startedAt finishedAt
    nodes { nodeId mapIndex status attempts durationS result error }
    logs(first: 100) { sequence nodeId attempt line }
  }
}""",
        {"id": _EXECUTION},
    ),
    "executions": Example(
        """query FailedRuns($dagId: ID) {
  executions(first: 10, dagId: $dagId, status: FAILED) { nodes { id createdAt status } }
}""",
        {"dagId": _DAG},
    ),
    # Mutations: accounts and organizations
    "signUp": Example(
        """mutation SignUp($input: SignUpInput!) {
  signUp(input: $input) { accessToken accessTokenExpiresAt refreshToken user { id email } }
}""",
        {"input": {"email": "ada@example.com", "password": "a long password", "name": "Ada"}},
        "Send `accessToken` as `Authorization: Bearer <accessToken>` from then on.",
    ),
    "signIn": Example(
        """mutation SignIn($input: SignInInput!) {
  signIn(input: $input) { accessToken refreshToken }
}""",
        {"input": {"email": "ada@example.com", "password": "a long password"}},
    ),
    "refreshToken": Example(
        """mutation Refresh($refreshToken: String) {
  refreshToken(refreshToken: $refreshToken) { accessToken refreshToken }
}""",
        {"refreshToken": "the refresh token of the last AuthPayload"},
        "Browsers omit the argument: the `open_refresh_token` cookie is used.",
    ),
    "signOut": Example(
        "mutation SignOut($refreshToken: String) {\n  signOut(refreshToken: $refreshToken)\n}",
        {"refreshToken": "the refresh token of the last AuthPayload"},
    ),
    "createOrganization": Example(
        """mutation CreateOrganization($input: CreateOrganizationInput!) {
  createOrganization(input: $input) { id slug role }
}""",
        {"input": {"name": "Data Team", "slug": "data-team"}},
        "Send the new id as the `X-Organization-Id` header to act in it.",
    ),
    "inviteMember": Example(
        """mutation Invite($input: InviteMemberInput!) {
  inviteMember(input: $input) { id role user { email } }
}""",
        {"input": {"email": "grace@example.com", "role": "EDITOR"}},
    ),
    "changeMemberRole": Example(
        """mutation ChangeRole($input: ChangeMemberRoleInput!) {
  changeMemberRole(input: $input) { id role }
}""",
        {"input": {"userId": _USER, "role": "ADMIN"}},
    ),
    "removeMember": Example(
        """mutation Remove($input: RemoveMemberInput!) {
  removeMember(input: $input) { id user { email } }
}""",
        {"input": {"userId": _USER}},
    ),
    "setMaxConcurrentExecutions": Example(
        """mutation Limit($input: SetMaxConcurrentExecutionsInput!) {
  setMaxConcurrentExecutions(input: $input) { id maxConcurrentExecutions }
}""",
        {"input": {"maxConcurrentExecutions": 4}},
        "`null` removes the limit.",
    ),
    "createApiKey": Example(
        """mutation CreateKey($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { secret apiKey { id prefix role expiresAt } }
}""",
        {"input": {"name": "ci", "role": "EDITOR", "expiresAt": "2027-12-31T00:00:00+00:00"}},
        "The `secret` is shown only in this answer: store it (for example as `OPEN_API_KEY`).",
    ),
    "revokeApiKey": Example(
        "mutation Revoke($id: ID!) {\n  revokeApiKey(id: $id) { id revokedAt }\n}",
        {"id": "01a24e71-0000-7000-8000-000000000001"},
    ),
    # Mutations: DAGs
    "validateDefinition": Example(
        """mutation Validate($definition: JSON!) {
  validateDefinition(definition: $definition) {
    valid contentHash nodeCount
    issues { code message nodeId field suggestion path }
  }
}""",
        {"definition": _HELLO},
    ),
    "createDag": Example(
        """mutation CreateDag($input: CreateDagInput!) {
  createDag(input: $input) { dag { id name status } version { version contentHash nodeCount } }
}""",
        {"input": {"name": "hello", "definition": _HELLO, "description": "a first DAG", "message": "v1"}},
    ),
    "updateDag": Example(
        """mutation UpdateDag($input: UpdateDagInput!) {
  updateDag(input: $input) { dag { latestVersion { version } } version { version contentHash } }
}""",
        {
            "input": {
                "id": _DAG,
                "definition": {**_HELLO, "params": {"n": {"type": "integer", "default": 5}}},
                "message": "n defaults to 5",
            }
        },
        "`version` is null when the definition equals the latest version's.",
    ),
    "activateDag": Example(
        """mutation Activate($input: ActivateDagInput!) {
  activateDag(input: $input) { status activeVersion { version } }
}""",
        {"input": {"id": _DAG, "version": 2}},
    ),
    "archiveDag": Example(
        "mutation Archive($id: ID!) {\n  archiveDag(id: $id) { id status }\n}", {"id": _DAG}
    ),
    "deleteDag": Example(
        "mutation Delete($id: ID!) {\n  deleteDag(id: $id) { deletedDagId }\n}", {"id": _DAG}
    ),
    # Mutations: executions
    "executeDag": Example(
        """mutation Execute($input: ExecuteDagInput!) {
  executeDag(input: $input) { id status params }
}""",
        {"input": {"dagId": _DAG, "params": {"n": 5}, "idempotencyKey": "nightly-2026-12-07"}},
        "Repeating the request with the same `idempotencyKey` returns the same execution.",
    ),
    "cancelExecution": Example(
        "mutation Cancel($id: ID!) {\n  cancelExecution(id: $id) { id status }\n}", {"id": _EXECUTION}
    ),
    "retryExecution": Example(
        "mutation Retry($id: ID!) {\n  retryExecution(id: $id) { id status retryOfId }\n}", {"id": _EXECUTION}
    ),
    "replayExecution": Example(
        """mutation Replay($id: ID!) {
  replayExecution(id: $id) { matches differences eventsDigest projectionsDigest eventCount }
}""",
        {"id": _EXECUTION},
    ),
    # Subscriptions (graphql-transport-ws on /graphql)
    "executionEvents": Example(
        """subscription Events($executionId: ID!, $afterSequence: Int) {
  executionEvents(executionId: $executionId, afterSequence: $afterSequence) { sequence kind ts payload }
}""",
        {"executionId": _EXECUTION, "afterSequence": -1},
        "After a disconnection, subscribe again with the last `sequence` received.",
    ),
    "executionUpdated": Example(
        """subscription Watch($executionId: ID!) {
  executionUpdated(executionId: $executionId) { status nodes { nodeId mapIndex status attempts } }
}""",
        {"executionId": _EXECUTION},
    ),
    "organizationExecutions": Example(
        "subscription Dashboard {\n  organizationExecutions { id dagId status createdAt }\n}",
        note="Best effort: list `executions` again after (re)connecting.",
    ),
}

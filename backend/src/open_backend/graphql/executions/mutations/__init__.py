"""The execution mutations, one per module."""

from __future__ import annotations

import strawberry

from open_backend.graphql.executions.mutations.cancel_execution import cancel_execution
from open_backend.graphql.executions.mutations.execute_dag import execute_dag
from open_backend.graphql.executions.mutations.replay_execution import replay_execution
from open_backend.graphql.executions.mutations.retry_execution import retry_execution


@strawberry.type
class ExecutionMutations:
    execute_dag = execute_dag
    cancel_execution = cancel_execution
    retry_execution = retry_execution
    replay_execution = replay_execution

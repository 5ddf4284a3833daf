"""The DAG mutations, one per module."""

from __future__ import annotations

import strawberry

from open_backend.graphql.dags.mutations.activate_dag import activate_dag
from open_backend.graphql.dags.mutations.archive_dag import archive_dag
from open_backend.graphql.dags.mutations.create_dag import create_dag
from open_backend.graphql.dags.mutations.delete_dag import delete_dag
from open_backend.graphql.dags.mutations.update_dag import update_dag
from open_backend.graphql.dags.mutations.validate_definition import validate_definition


@strawberry.type
class DagMutations:
    create_dag = create_dag
    update_dag = update_dag
    activate_dag = activate_dag
    archive_dag = archive_dag
    delete_dag = delete_dag
    validate_definition = validate_definition

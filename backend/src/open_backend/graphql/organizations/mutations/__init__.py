"""The organization mutations, one per module."""

from __future__ import annotations

import strawberry

from open_backend.graphql.organizations.mutations.change_member_role import change_member_role
from open_backend.graphql.organizations.mutations.create_organization import create_organization
from open_backend.graphql.organizations.mutations.invite_member import invite_member
from open_backend.graphql.organizations.mutations.remove_member import remove_member
from open_backend.graphql.organizations.mutations.set_max_concurrent_executions import (
    set_max_concurrent_executions,
)


@strawberry.type
class OrganizationMutations:
    create_organization = create_organization
    invite_member = invite_member
    change_member_role = change_member_role
    remove_member = remove_member
    set_max_concurrent_executions = set_max_concurrent_executions

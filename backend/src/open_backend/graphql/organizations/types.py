"""``Organization``, ``Membership``, ``Member`` and the ``Role`` enum."""

from __future__ import annotations

from datetime import datetime
from typing import TypeAlias

import strawberry

from open_backend.db import models
from open_backend.graphql.ids import to_id
from open_backend.graphql.users.types import User

Role: TypeAlias = models.Role
strawberry.enum(
    Role,
    description="What a member or API key may do: VIEWER reads, EDITOR writes and runs DAGs, "
    "ADMIN manages members and API keys, OWNER everything including owners.",
)


@strawberry.type(description="A tenant: DAGs, executions, members and API keys belong to one.")
class Organization:
    id: strawberry.ID
    name: str
    slug: str = strawberry.field(description="Unique URL-safe handle.")
    created_at: datetime
    role: Role = strawberry.field(description="The caller's role in this organization.")
    max_concurrent_executions: int | None = strawberry.field(
        description=(
            "Most executions of the organization running at once, all its DAGs together "
            "(null: no limit); executions over it wait queued. Set with setMaxConcurrentExecutions."
        )
    )

    @classmethod
    def of(cls, row: models.Organization, role: models.Role) -> Organization:
        """The API object of an organization row, seen by a caller with ``role``."""
        return cls(
            id=to_id(row.id),
            name=row.name,
            slug=row.slug,
            created_at=row.created_at,
            role=role,
            max_concurrent_executions=row.max_concurrent_executions,
        )


@strawberry.type(description="The signed-in user's membership of an organization.")
class Membership:
    id: strawberry.ID
    organization: Organization
    role: Role
    created_at: datetime = strawberry.field(description="When the user joined.")

    @classmethod
    def of(cls, row: models.Membership, organization: models.Organization) -> Membership:
        """The API object of a membership row and its organization."""
        return cls(
            id=to_id(row.id),
            organization=Organization.of(organization, row.role),
            role=row.role,
            created_at=row.created_at,
        )


@strawberry.type(description="A member of the active organization.")
class Member:
    id: strawberry.ID = strawberry.field(description="The membership's id.")
    user: User
    role: Role
    created_at: datetime = strawberry.field(description="When the user joined.")

    @classmethod
    def of(cls, row: tuple[models.Membership, models.User]) -> Member:
        """The API object of a ``(membership, user)`` pair."""
        membership, user = row
        return cls(
            id=to_id(membership.id),
            user=User.of(user),
            role=membership.role,
            created_at=membership.created_at,
        )

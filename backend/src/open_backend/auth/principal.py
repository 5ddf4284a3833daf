"""Who a request acts as: an identity (a user or an API key) in one active organization.

A request is authenticated as an :class:`Identity`. It acts in exactly one organization: an API
key's own, or for a user the organization named by the ``X-Organization-Id`` header (default:
the user's oldest membership). The :class:`Principal` pairs the identity with that
organization and the role it holds there; every service function takes the principal and scopes
all its queries to ``principal.organization_id``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from open_backend.db.models.organization import Role
from open_backend.errors import Forbidden

#: Roles from least to most powerful; a role may do everything the roles before it may.
ROLE_ORDER: tuple[Role, ...] = (Role.VIEWER, Role.EDITOR, Role.ADMIN, Role.OWNER)
_RANK = {role: rank for rank, role in enumerate(ROLE_ORDER)}


@dataclass(frozen=True, slots=True)
class Identity:
    """The authenticated caller: exactly one of ``user_id`` and ``api_key_id`` is set."""

    user_id: uuid.UUID | None = None
    api_key_id: uuid.UUID | None = None

    def __post_init__(self) -> None:
        if (self.user_id is None) == (self.api_key_id is None):
            raise ValueError("an identity is either a user or an API key")


@dataclass(frozen=True, slots=True)
class Principal:
    """An identity acting in ``organization_id`` with ``role``."""

    identity: Identity
    organization_id: uuid.UUID
    role: Role

    def has_role(self, minimum: Role) -> bool:
        """Whether this principal's role is ``minimum`` or stronger."""
        return _RANK[self.role] >= _RANK[minimum]

    def require(self, minimum: Role) -> None:
        """Raise :class:`~open_backend.errors.Forbidden` unless the role is at least ``minimum``."""
        if not self.has_role(minimum):
            raise Forbidden(f"this needs the {minimum.value} role; you are {self.role.value}")


@dataclass(frozen=True, slots=True)
class Authenticated:
    """The result of authenticating a request: the identity and, when it belongs to one, the
    principal in the active organization (``None`` for a user without any membership)."""

    identity: Identity
    principal: Principal | None

"""Field permissions: ``permission_classes=[IsEditor]`` on a field states who may resolve it.

Each class raises the application error that explains a refusal (``UNAUTHENTICATED`` without
valid credentials, ``FORBIDDEN`` for a too weak role) instead of returning ``False``, so the
client gets the precise code and message. The role classes are built on
:meth:`~open_backend.auth.principal.Principal.require`; services check roles again, so a
resolver that forgets its permission still cannot do more than the caller's role allows.
"""

from __future__ import annotations

from typing import Any, ClassVar

from strawberry.permission import BasePermission

from open_backend.db.models import Role
from open_backend.graphql.context import Info


class IsAuthenticated(BasePermission):
    """Any valid credentials: a signed-in user (with or without an organization) or an API key."""

    message = "sign in first"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        """True, or raises ``Unauthenticated`` (or the request's authentication error)."""
        info.context.require_authenticated()
        return True


class IsUser(BasePermission):
    """A signed-in user, not an API key."""

    message = "this needs a signed-in user"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        """True, or raises ``Unauthenticated`` / ``Forbidden`` (for an API key)."""
        info.context.require_user_id()
        return True


class HasRole(BasePermission):
    """At least :attr:`role` in the active organization; subclasses name the role."""

    role: ClassVar[Role]
    message = "your role does not allow this"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        """True, or raises ``Unauthenticated`` / ``Forbidden`` (no organization, weaker role)."""
        info.context.require_principal().require(self.role)
        return True


class IsViewer(HasRole):
    """Any member of the active organization (every role reads)."""

    role = Role.VIEWER


class IsEditor(HasRole):
    """Editors and above: write and run DAGs."""

    role = Role.EDITOR


class IsAdmin(HasRole):
    """Admins and owners: manage members and API keys."""

    role = Role.ADMIN


class IsOwner(HasRole):
    """Owners only."""

    role = Role.OWNER

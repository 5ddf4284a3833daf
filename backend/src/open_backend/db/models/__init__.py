"""OPEN's tables, one module per aggregate; importing this package registers them all in
:data:`metadata` (what migrations are compared against)."""

from open_backend.db.models.api_key import ApiKey
from open_backend.db.models.base import NAMING_CONVENTION, Base, metadata
from open_backend.db.models.dag import Dag, DagStatus, DagVersion
from open_backend.db.models.execution import Execution, ExecutionEvent, ExecutionStatus, NodeExecution
from open_backend.db.models.organization import Membership, Organization, Role
from open_backend.db.models.user import OAuthIdentity, RefreshToken, User

__all__ = [
    "NAMING_CONVENTION",
    "ApiKey",
    "Base",
    "Dag",
    "DagStatus",
    "DagVersion",
    "Execution",
    "ExecutionEvent",
    "ExecutionStatus",
    "Membership",
    "NodeExecution",
    "OAuthIdentity",
    "Organization",
    "RefreshToken",
    "Role",
    "User",
    "metadata",
]

"""What publishers send, and on which channels.

* ``execution_channel(id)`` carries ``{"type": "events", "events": [payload, ...]}`` (stored
  event payloads, each with its ``seq``, in order, after they are committed) and
  ``{"type": "execution", "id", "organization_id", "status"}`` when the execution's status changes.
* ``organization_channel(id)`` carries the same ``execution`` messages for every execution of
  the organization (created, started, ended).
"""

from __future__ import annotations

import uuid
from typing import Any

from open_backend.live.bus import Publisher


def execution_channel(execution_id: uuid.UUID) -> str:
    """The channel of one execution's events and status changes."""
    return f"open:execution:{execution_id.hex}"


def organization_channel(organization_id: uuid.UUID) -> str:
    """The channel of the status changes of an organization's executions."""
    return f"open:organization:{organization_id.hex}:executions"


def publish_events(bus: Publisher, execution_id: uuid.UUID, payloads: list[dict[str, Any]]) -> None:
    """Announce committed events (``payloads`` as stored, in sequence order)."""
    if payloads:
        bus.publish(execution_channel(execution_id), {"type": "events", "events": payloads})


def publish_execution(
    bus: Publisher, organization_id: uuid.UUID, execution_id: uuid.UUID, status: str
) -> None:
    """Announce that an execution was created or changed status (``status`` is its new value)."""
    message = {
        "type": "execution",
        "id": execution_id.hex,
        "organization_id": organization_id.hex,
        "status": status,
    }
    bus.publish(execution_channel(execution_id), message)
    bus.publish(organization_channel(organization_id), message)

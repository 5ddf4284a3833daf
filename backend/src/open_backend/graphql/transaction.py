"""One transaction per mutation: commit when the resolver returns, roll back when it raises.

Services flush but never commit. A mutation field carries ``extensions=[CommitOnSuccess()]``:
its work becomes durable only if the whole resolver succeeds, and a failed mutation leaves
nothing behind for the next mutation of the same request to commit by accident. Queries never
commit; their session is closed (rolled back) with the request.
"""

from __future__ import annotations

from typing import Any

from strawberry.extensions import FieldExtension
from strawberry.extensions.field_extension import AsyncExtensionResolver

from open_backend.graphql.context import Info


class CommitOnSuccess(FieldExtension):
    """Commit the request's session after the field resolves; roll it back if it raises."""

    async def resolve_async(
        self, next_: AsyncExtensionResolver, source: Any, info: Info, **kwargs: Any
    ) -> Any:
        """Run the resolver inside the request's transaction, then end that transaction."""
        try:
            result = await next_(source, info, **kwargs)
        except BaseException:
            async with info.context.db() as session:
                await session.rollback()
            raise
        async with info.context.db() as session:
            await session.commit()
        return result

"""Relay-style connections: ``edges { cursor node }``, ``pageInfo { hasNextPage endCursor }``,
``totalCount``, and ``nodes`` as a shortcut, paged with ``first`` and ``after``.

``Connection[Dag]`` is named ``DagConnection`` in the schema (and ``Edge[Dag]`` ``DagEdge``).
Cursors are opaque (see :mod:`open_backend.services.pagination`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

import strawberry

from open_backend.services.pagination import Page

Row = TypeVar("Row")
T = TypeVar("T")


@strawberry.type(description="Where a page ends and whether another follows.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether items follow this page.")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the page's last item: pass it as `after` for the next page; null when empty."
    )


@strawberry.type(description="One item of a page and its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Opaque position of this item.")
    node: T


@strawberry.type(description="One page of a list.")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    nodes: list[T] = strawberry.field(description="The page's items, without cursors.")
    page_info: PageInfo
    total_count: int = strawberry.field(description="Items of the whole list (all pages) with these filters.")

    @classmethod
    def of(cls, page: Page[Row], convert: Callable[[Row], T]) -> Connection[T]:
        """The connection of a service ``page``, each row made an API object by ``convert``."""
        edges = [Edge(cursor=cursor, node=convert(row)) for cursor, row in page.items]
        return Connection(
            edges=edges,
            nodes=[edge.node for edge in edges],
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
            total_count=page.total_count,
        )

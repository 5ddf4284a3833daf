from __future__ import annotations

from typing import TYPE_CHECKING

import strawberry
from sqlmodel import col, select

from open_backend.db.models import Organization
from open_backend.errors import Conflict
from open_backend.graphql.context import Info
from open_backend.graphql.errors import ErrorFormatter, OpenSchema
from open_backend.graphql.transaction import CommitOnSuccess

if TYPE_CHECKING:
    from conftest import Api


async def add_organization(info: Info, slug: str) -> str:
    async with info.context.db() as session:
        session.add(Organization(name=slug, slug=slug))
        await session.flush()
    return slug


async def add_organization_then_fail(info: Info, slug: str) -> str | None:
    await add_organization(info, slug)
    raise Conflict("failed after writing")


@strawberry.type
class Query:
    ping: bool = True


@strawberry.type
class Mutation:
    add = strawberry.mutation(resolver=add_organization, extensions=[CommitOnSuccess()])
    add_then_fail = strawberry.mutation(resolver=add_organization_then_fail, extensions=[CommitOnSuccess()])


schema = OpenSchema(query=Query, mutation=Mutation, extensions=[ErrorFormatter])


async def slugs(api: Api, *candidates: str) -> set[str]:
    rows = await api.session.exec(select(Organization.slug).where(col(Organization.slug).in_(candidates)))
    return set(rows.all())


async def test_a_failed_mutation_leaves_nothing_for_the_next_one_to_commit(api: Api) -> None:
    result = await schema.execute(
        'mutation { a: add(slug: "tx-first") b: addThenFail(slug: "tx-failed") c: add(slug: "tx-last") }',
        context_value=api.context(None),
    )
    assert [error.formatted["extensions"]["code"] for error in result.errors or []] == ["CONFLICT"]
    assert result.data == {"a": "tx-first", "b": None, "c": "tx-last"}
    assert await slugs(api, "tx-first", "tx-failed", "tx-last") == {"tx-first", "tx-last"}

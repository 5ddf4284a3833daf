from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core_engine import DAG
from open_backend.auth.principal import Identity, Principal
from open_backend.db.engine import create_engine_for_url, session_factory
from open_backend.db.models import ApiKey, Dag, DagStatus, DagVersion, Membership, Organization, Role, User
from open_backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from open_backend.services import dags
from open_backend.services.dags import DefinitionLimits

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LIMITS = DefinitionLimits(max_bytes=64 * 1024, max_nodes=50)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def definition(*edges: tuple[str, str], nodes: tuple[str, ...] = ("a",), name: str = "etl") -> dict[str, Any]:
    """A valid definition of ``noop`` nodes; each edge ``(a, b)`` makes ``b`` depend on ``a``."""
    ids = sorted({*nodes, *(a for a, _ in edges), *(b for _, b in edges)})
    return {
        "schema_version": 1,
        "name": name,
        "nodes": [
            {
                "id": i,
                "task": {"type": "noop", "config": {}},
                "depends_on": sorted(a for a, b in edges if b == i),
            }
            for i in ids
        ],
    }


async def organization(session: AsyncSession) -> Organization:
    slug = unique("org")
    row = Organization(name=slug, slug=slug)
    session.add(row)
    await session.flush()
    return row


async def member(session: AsyncSession, org: Organization, role: Role = Role.EDITOR) -> Principal:
    name = unique("user")
    user = User(email=f"{name}@example.org", name=name)
    session.add(user)
    await session.flush()
    session.add(Membership(user_id=user.id, organization_id=org.id, role=role))
    await session.flush()
    return Principal(Identity(user_id=user.id), org.id, role)


async def editor(session: AsyncSession) -> Principal:
    return await member(session, await organization(session))


async def create(
    session: AsyncSession, principal: Principal, name: str = "etl", **fields: Any
) -> tuple[Dag, DagVersion]:
    options: dict[str, Any] = {"description": "", "definition": definition(), "message": "", **fields}
    return await dags.create_dag(session, principal, name=name, limits=LIMITS, now=NOW, **options)


async def update(session: AsyncSession, principal: Principal, dag: Dag, **fields: Any) -> dags.UpdateResult:
    return await dags.update_dag(
        session, principal, dag.id, limits=LIMITS, now=NOW + timedelta(hours=1), **fields
    )


def issue_codes(error: ValidationFailed) -> list[tuple[str, str | None, str | None]]:
    return [(issue["code"], issue["node_id"], issue["field"]) for issue in error.details["issues"]]


# --- creating


async def test_a_new_dag_is_a_draft_whose_version_1_holds_the_canonical_definition(
    session: AsyncSession,
) -> None:
    principal = await editor(session)
    raw = definition(("a", "b"))
    dag, version = await create(session, principal, definition=raw, message="first")
    built = DAG.from_dict(raw)
    assert (dag.status, dag.active_version_id, dag.organization_id) == (
        DagStatus.DRAFT,
        None,
        principal.organization_id,
    )
    assert (version.version, version.definition, version.content_hash, version.message) == (
        1,
        built.to_dict(),
        built.content_hash,
        "first",
    )


async def test_a_version_records_its_author_user(session: AsyncSession) -> None:
    principal = await editor(session)
    _, version = await create(session, principal)
    assert version.created_by_id == principal.identity.user_id


async def test_a_version_made_with_an_api_key_has_no_author(session: AsyncSession) -> None:
    org = await organization(session)
    key = ApiKey(
        organization_id=org.id, role=Role.EDITOR, name="ci", prefix=uuid.uuid4().hex[:16], secret_hash="x"
    )
    session.add(key)
    await session.flush()
    _, version = await create(session, Principal(Identity(api_key_id=key.id), org.id, Role.EDITOR))
    assert version.created_by_id is None


async def test_the_dag_name_is_stripped(session: AsyncSession) -> None:
    dag, _ = await create(session, await editor(session), name="  nightly etl  ")
    assert dag.name == "nightly etl"


async def test_a_viewer_cannot_create_a_dag(session: AsyncSession) -> None:
    viewer = await member(session, await organization(session), Role.VIEWER)
    with pytest.raises(Forbidden):
        await create(session, viewer)


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
async def test_a_blank_or_too_long_name_is_refused(session: AsyncSession, name: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        await create(session, await editor(session), name=name)
    assert raised.value.details == {"field": "name"}


async def test_an_invalid_definition_reports_every_issue_with_node_and_field(session: AsyncSession) -> None:
    broken = definition(("a", "b"))
    broken["nodes"][1]["depends_on"] = ["missing"]
    broken["nodes"].append({"id": "c", "task": {"type": "no-such-type", "config": {}}})
    with pytest.raises(ValidationFailed) as raised:
        await create(session, await editor(session), definition=broken)
    codes = issue_codes(raised.value)
    assert codes == [("unknown_dependency", "b", "depends_on"), ("unknown_task_type", "c", "task.type")]
    assert "2 problems" in raised.value.message


async def test_an_unknown_dependency_comes_with_a_suggestion(session: AsyncSession) -> None:
    broken = definition(nodes=("extract", "load"))
    broken["nodes"][1]["depends_on"] = ["extrakt"]
    with pytest.raises(ValidationFailed) as raised:
        await create(session, await editor(session), definition=broken)
    [issue] = raised.value.details["issues"]
    assert issue["suggestion"] is not None and "extract" in issue["suggestion"]


async def test_a_cycle_is_reported_with_its_path(session: AsyncSession) -> None:
    cyclic = definition(("a", "b"), ("b", "a"))
    with pytest.raises(ValidationFailed) as raised:
        await create(session, await editor(session), definition=cyclic)
    cycles = [issue for issue in raised.value.details["issues"] if issue["code"] == "cycle"]
    assert cycles and set(cycles[0]["path"]) == {"a", "b"}


async def test_a_document_of_another_schema_version_is_an_invalid_definition(session: AsyncSession) -> None:
    with pytest.raises(ValidationFailed) as raised:
        await create(session, await editor(session), definition={**definition(), "schema_version": 2})
    assert issue_codes(raised.value) == [("invalid_definition", None, "schema_version")]


async def test_a_definition_that_is_not_an_object_is_invalid(session: AsyncSession) -> None:
    with pytest.raises(ValidationFailed) as raised:
        await create(session, await editor(session), definition=["not", "a", "definition"])
    assert issue_codes(raised.value)[0][0] == "invalid_definition"


async def test_a_definition_over_the_byte_limit_is_refused_before_it_is_built(session: AsyncSession) -> None:
    big = definition()
    big["description"] = "x" * LIMITS.max_bytes
    with pytest.raises(ValidationFailed) as raised:
        await create(session, await editor(session), definition=big)
    assert issue_codes(raised.value) == [("definition_too_large", None, None)]


async def test_a_definition_with_more_nodes_than_the_limit_is_refused(session: AsyncSession) -> None:
    many = definition(nodes=tuple(f"n{i}" for i in range(LIMITS.max_nodes + 1)))
    with pytest.raises(ValidationFailed) as raised:
        await create(session, await editor(session), definition=many)
    assert issue_codes(raised.value) == [("too_many_nodes", None, "nodes")]


async def test_a_definition_at_the_node_limit_is_accepted(session: AsyncSession) -> None:
    full = definition(nodes=tuple(f"n{i}" for i in range(LIMITS.max_nodes)))
    _, version = await create(session, await editor(session), definition=full)
    assert len(version.definition["nodes"]) == LIMITS.max_nodes


async def test_callables_are_kept_as_import_paths_without_importing_them(session: AsyncSession) -> None:
    raw = {
        "schema_version": 1,
        "name": "etl",
        "nodes": [{"id": "a", "task": {"callable": "not_installed_anywhere.module:extract"}}],
    }
    _, version = await create(session, await editor(session), definition=raw)
    assert version.definition["nodes"][0]["task"] == {"callable": "not_installed_anywhere.module:extract"}


async def test_two_live_dags_of_an_organization_cannot_share_a_name(session: AsyncSession) -> None:
    principal = await editor(session)
    await create(session, principal, name="etl")
    with pytest.raises(Conflict) as raised:
        await create(session, principal, name="etl")
    assert raised.value.details == {"field": "name"}


async def test_dags_of_two_organizations_may_share_a_name(session: AsyncSession) -> None:
    await create(session, await editor(session), name="etl")
    dag, _ = await create(session, await editor(session), name="etl")
    assert dag.name == "etl"


async def test_the_name_of_a_deleted_dag_can_be_reused(session: AsyncSession) -> None:
    principal = await editor(session)
    first, _ = await create(session, principal, name="etl")
    await dags.delete_dag(session, principal, first.id, now=NOW)
    second, _ = await create(session, principal, name="etl")
    assert second.id != first.id


# --- updating


async def test_a_changed_definition_creates_the_next_version_with_its_message(session: AsyncSession) -> None:
    principal = await editor(session)
    dag, _ = await create(session, principal)
    result = await update(session, principal, dag, definition=definition(("a", "b")), message="add b")
    assert result.version is not None
    assert (result.version.version, result.version.message) == (2, "add b")
    assert result.version.content_hash == DAG.from_dict(definition(("a", "b"))).content_hash


async def test_an_unchanged_definition_creates_no_version(session: AsyncSession) -> None:
    principal = await editor(session)
    dag, _ = await create(session, principal)
    result = await update(session, principal, dag, definition=definition(), message="same")
    count = (await session.exec(select(DagVersion).where(col(DagVersion.dag_id) == dag.id))).all()
    assert result.version is None
    assert len(count) == 1


async def test_a_reordered_but_equivalent_definition_creates_no_version(session: AsyncSession) -> None:
    principal = await editor(session)
    dag, _ = await create(session, principal, definition=definition(("a", "b"), ("a", "c")))
    shuffled = definition(("a", "b"), ("a", "c"))
    shuffled["nodes"].reverse()
    result = await update(session, principal, dag, definition=shuffled)
    assert result.version is None


async def test_an_unchanged_update_leaves_updated_at_alone(session: AsyncSession) -> None:
    principal = await editor(session)
    dag, _ = await create(session, principal, description="d")
    result = await update(session, principal, dag, name="etl", description="d", definition=definition())
    assert result.dag.updated_at == NOW


async def test_a_new_version_moves_updated_at_to_now(session: AsyncSession) -> None:
    principal = await editor(session)
    dag, _ = await create(session, principal)
    result = await update(session, principal, dag, definition=definition(("a", "b")))
    assert result.dag.updated_at == NOW + timedelta(hours=1)


async def test_renaming_and_redescribing_creates_no_version(session: AsyncSession) -> None:
    principal = await editor(session)
    dag, _ = await create(session, principal)
    result = await update(session, principal, dag, name="renamed", description="nightly")
    assert (result.dag.name, result.dag.description, result.version) == ("renamed", "nightly", None)
    assert result.dag.updated_at == NOW + timedelta(hours=1)


async def test_renaming_to_a_taken_name_is_a_conflict(session: AsyncSession) -> None:
    principal = await editor(session)
    await create(session, principal, name="taken")
    dag, _ = await create(session, principal, name="mine")
    with pytest.raises(Conflict):
        await update(session, principal, dag, name="taken")


async def test_an_invalid_new_definition_is_refused_and_saves_nothing(session: AsyncSession) -> None:
    principal = await editor(session)
    dag, _ = await create(session, principal)
    with pytest.raises(ValidationFailed):
        await update(session, principal, dag, definition=definition(("a", "b"), ("b", "a")), name="renamed")
    assert (await dags.get_dag(session, principal, dag.id)).name == "etl"


async def test_a_viewer_cannot_update_a_dag(session: AsyncSession) -> None:
    principal = await editor(session)
    dag, _ = await create(session, principal)
    viewer = Principal(principal.identity, principal.organization_id, Role.VIEWER)
    with pytest.raises(Forbidden):
        await update(session, viewer, dag, name="renamed")


# --- status


async def test_activating_without_a_version_activates_the_latest(session: AsyncSession) -> None:
    principal = await editor(session)
    dag, _ = await create(session, principal)
    second = (await update(session, principal, dag, definition=definition(("a", "b")))).version
    assert second is not None
    activated = await dags.activate_dag(session, principal, dag.id, version=None, now=NOW)
    assert (activated.status, activated.active_version_id) == (DagStatus.ACTIVE, second.id)


async def test_activating_a_given_version_makes_it_active(session: AsyncSession) -> None:
    principal = await editor(session)
    dag, first = await create(session, principal)
    await update(session, principal, dag, definition=definition(("a", "b")))
    activated = await dags.activate_dag(session, principal, dag.id, version=1, now=NOW)
    assert activated.active_version_id == first.id


async def test_activating_a_missing_version_is_not_found(session: AsyncSession) -> None:
    principal = await editor(session)
    dag, _ = await create(session, principal)
    with pytest.raises(NotFound):
        await dags.activate_dag(session, principal, dag.id, version=7, now=NOW)


async def test_a_new_version_does_not_change_the_active_one(session: AsyncSession) -> None:
    principal = await editor(session)
    dag, first = await create(session, principal)
    await dags.activate_dag(session, principal, dag.id, version=None, now=NOW)
    result = await update(session, principal, dag, definition=definition(("a", "b")))
    assert result.dag.active_version_id == first.id


async def test_an_archived_dag_keeps_its_versions_and_can_be_activated_again(session: AsyncSession) -> None:
    principal = await editor(session)
    dag, _ = await create(session, principal)
    archived = await dags.archive_dag(session, principal, dag.id, now=NOW)
    assert archived.status is DagStatus.ARCHIVED
    assert (await dags.get_version(session, principal, dag.id, 1)).version == 1
    reactivated = await dags.activate_dag(session, principal, dag.id, version=None, now=NOW)
    assert reactivated.status is DagStatus.ACTIVE


async def test_archiving_an_archived_dag_changes_nothing(session: AsyncSession) -> None:
    principal = await editor(session)
    dag, _ = await create(session, principal)
    await dags.archive_dag(session, principal, dag.id, now=NOW + timedelta(hours=1))
    again = await dags.archive_dag(session, principal, dag.id, now=NOW + timedelta(hours=2))
    assert again.updated_at == NOW + timedelta(hours=1)


async def test_a_deleted_dag_is_gone_from_every_query(session: AsyncSession) -> None:
    principal = await editor(session)
    dag, _ = await create(session, principal)
    await dags.delete_dag(session, principal, dag.id, now=NOW)
    with pytest.raises(NotFound):
        await dags.get_dag(session, principal, dag.id)
    with pytest.raises(NotFound):
        await dags.get_version(session, principal, dag.id, 1)
    with pytest.raises(NotFound):
        await dags.delete_dag(session, principal, dag.id, now=NOW)
    assert (await dags.list_dags(session, principal)).total_count == 0


async def test_a_deleted_dag_row_stays_in_the_database(session: AsyncSession) -> None:
    principal = await editor(session)
    dag, _ = await create(session, principal)
    await dags.delete_dag(session, principal, dag.id, now=NOW)
    row = await session.get_one(Dag, dag.id)
    assert row.deleted_at == NOW


@pytest.mark.parametrize("operation", ["activate", "archive", "delete"])
async def test_a_viewer_cannot_change_a_dags_status(session: AsyncSession, operation: str) -> None:
    principal = await editor(session)
    dag, _ = await create(session, principal)
    viewer = Principal(principal.identity, principal.organization_id, Role.VIEWER)
    calls: dict[str, Callable[[], Awaitable[Dag]]] = {
        "activate": lambda: dags.activate_dag(session, viewer, dag.id, version=None, now=NOW),
        "archive": lambda: dags.archive_dag(session, viewer, dag.id, now=NOW),
        "delete": lambda: dags.delete_dag(session, viewer, dag.id, now=NOW),
    }
    with pytest.raises(Forbidden):
        await calls[operation]()


# --- tenancy


async def test_another_organizations_dag_is_not_found_by_every_operation(session: AsyncSession) -> None:
    owner = await editor(session)
    dag, _ = await create(session, owner)
    stranger = await member(session, await organization(session), Role.OWNER)
    attempts: list[Callable[[], Awaitable[object]]] = [
        lambda: dags.get_dag(session, stranger, dag.id),
        lambda: dags.get_version(session, stranger, dag.id, 1),
        lambda: dags.list_versions(session, stranger, dag.id),
        lambda: dags.diff_versions(session, stranger, dag.id, 1, 1),
        lambda: update(session, stranger, dag, name="mine now"),
        lambda: dags.activate_dag(session, stranger, dag.id, version=None, now=NOW),
        lambda: dags.archive_dag(session, stranger, dag.id, now=NOW),
        lambda: dags.delete_dag(session, stranger, dag.id, now=NOW),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound):
            await attempt()
    assert (await dags.get_dag(session, owner, dag.id)).name == "etl"


async def test_loaders_return_nothing_of_another_organization(session: AsyncSession) -> None:
    owner = await editor(session)
    dag, version = await create(session, owner)
    stranger = await editor(session)
    assert await dags.versions_by_id(session, stranger, [version.id]) == {}
    assert await dags.latest_versions(session, stranger, [dag.id]) == {}
    assert (await dags.versions_by_id(session, owner, [version.id]))[version.id].id == version.id


async def test_latest_versions_picks_the_highest_number_of_each_dag(session: AsyncSession) -> None:
    principal = await editor(session)
    first, _ = await create(session, principal, name="first")
    second, _ = await create(session, principal, name="second")
    await update(session, principal, first, definition=definition(("a", "b")))
    await update(session, principal, first, definition=definition(("a", "c")))
    latest = await dags.latest_versions(session, principal, [first.id, second.id])
    assert {dag_id: version.version for dag_id, version in latest.items()} == {first.id: 3, second.id: 1}


# --- listing


async def test_dags_are_listed_by_name_across_pages(session: AsyncSession) -> None:
    principal = await editor(session)
    names = [f"dag-{i:02d}" for i in range(7)]
    for name in reversed(names):
        await create(session, principal, name=name)
    seen: list[str] = []
    after = None
    while True:
        page = await dags.list_dags(session, principal, first=3, after=after)
        assert page.total_count == 7
        seen.extend(dag.name for _, dag in page.items)
        if not page.has_next_page:
            break
        after = page.end_cursor
    assert seen == names


async def test_a_last_full_page_says_there_is_no_next_page(session: AsyncSession) -> None:
    principal = await editor(session)
    for i in range(4):
        await create(session, principal, name=f"d{i}")
    page = await dags.list_dags(session, principal, first=4)
    assert (len(page.items), page.has_next_page) == (4, False)


async def test_listing_never_shows_another_organizations_dags(session: AsyncSession) -> None:
    mine = await editor(session)
    theirs = await editor(session)
    await create(session, mine, name="mine")
    await create(session, theirs, name="theirs")
    page = await dags.list_dags(session, mine)
    assert [dag.name for _, dag in page.items] == ["mine"]
    assert page.total_count == 1


async def test_search_matches_name_or_description_case_insensitively(session: AsyncSession) -> None:
    principal = await editor(session)
    await create(session, principal, name="Nightly ETL")
    await create(session, principal, name="reports", description="built every NIGHT")
    await create(session, principal, name="other")
    page = await dags.list_dags(session, principal, search="night")
    assert sorted(dag.name for _, dag in page.items) == ["Nightly ETL", "reports"]


async def test_search_treats_like_wildcards_literally(session: AsyncSession) -> None:
    principal = await editor(session)
    await create(session, principal, name="100% done")
    await create(session, principal, name="1000 done")
    await create(session, principal, name="a_b")
    await create(session, principal, name="axb")
    assert [d.name for _, d in (await dags.list_dags(session, principal, search="0%")).items] == ["100% done"]
    assert [d.name for _, d in (await dags.list_dags(session, principal, search="a_")).items] == ["a_b"]


async def test_listing_filters_by_status(session: AsyncSession) -> None:
    principal = await editor(session)
    active, _ = await create(session, principal, name="active")
    await create(session, principal, name="draft")
    await dags.activate_dag(session, principal, active.id, version=None, now=NOW)
    page = await dags.list_dags(session, principal, status=DagStatus.ACTIVE)
    assert [dag.name for _, dag in page.items] == ["active"]


async def test_a_cursor_of_another_list_is_refused(session: AsyncSession) -> None:
    principal = await editor(session)
    dag, _ = await create(session, principal)
    versions = await dags.list_versions(session, principal, dag.id)
    with pytest.raises(ValidationFailed):
        await dags.list_dags(session, principal, after=versions.end_cursor)


async def test_versions_are_listed_newest_first_across_pages(session: AsyncSession) -> None:
    principal = await editor(session)
    dag, _ = await create(session, principal)
    for i in range(4):
        await update(session, principal, dag, definition=definition(nodes=("a", f"n{i}")))
    first = await dags.list_versions(session, principal, dag.id, first=3)
    rest = await dags.list_versions(session, principal, dag.id, first=3, after=first.end_cursor)
    assert [v.version for _, v in first.items] + [v.version for _, v in rest.items] == [5, 4, 3, 2, 1]
    assert (first.has_next_page, rest.has_next_page, first.total_count) == (True, False, 5)


# --- diff


async def test_diffing_two_versions_reports_nodes_and_edges(session: AsyncSession) -> None:
    principal = await editor(session)
    dag, _ = await create(session, principal, definition=definition(("a", "b")))
    await update(session, principal, dag, definition=definition(("a", "c")))
    diff = await dags.diff_versions(session, principal, dag.id, 1, 2)
    assert (diff.nodes_added, diff.nodes_removed) == (("c",), ("b",))
    assert (diff.edges_added, diff.edges_removed) == ((("a", "c"),), (("a", "b"),))


async def test_diffing_a_missing_version_is_not_found(session: AsyncSession) -> None:
    principal = await editor(session)
    dag, _ = await create(session, principal)
    with pytest.raises(NotFound):
        await dags.diff_versions(session, principal, dag.id, 1, 2)


# --- validation without saving


def test_checking_a_valid_definition_returns_the_dag_and_no_issue() -> None:
    checked = dags.check_definition(definition(("a", "b")), LIMITS)
    assert checked.dag is not None and checked.issues == ()
    assert checked.dag.edges == [("a", "b")]


def test_checking_an_invalid_definition_returns_its_issues() -> None:
    checked = dags.check_definition(definition(("a", "b"), ("b", "a")), LIMITS)
    assert checked.dag is None
    assert {issue.code for issue in checked.issues} == {"cycle"}


# --- concurrency


async def test_concurrent_updates_number_their_versions_consecutively(own_db_url: str) -> None:
    engine = create_engine_for_url(own_db_url, pool_size=10, max_overflow=0)
    sessions = session_factory(engine)
    try:
        async with sessions() as session:
            principal = await editor(session)
            dag, _ = await create(session, principal)
            await session.commit()

        async def save(i: int) -> None:
            async with sessions() as session:
                await update(
                    session, principal, dag, definition=definition(nodes=("a", f"n{i}")), message=str(i)
                )
                await session.commit()

        await asyncio.gather(*(save(i) for i in range(8)))
        async with sessions() as session:
            rows = (await session.exec(select(DagVersion).where(col(DagVersion.dag_id) == dag.id))).all()
    finally:
        await engine.dispose()
    assert sorted(row.version for row in rows) == list(range(1, 10))
    assert len({row.content_hash for row in rows}) == 9


async def test_concurrent_saves_of_one_definition_create_one_version(own_db_url: str) -> None:
    engine = create_engine_for_url(own_db_url, pool_size=10, max_overflow=0)
    sessions = session_factory(engine)
    try:
        async with sessions() as session:
            principal = await editor(session)
            dag, _ = await create(session, principal)
            await session.commit()

        async def save() -> bool:
            async with sessions() as session:
                result = await update(session, principal, dag, definition=definition(("a", "b")))
                await session.commit()
                return result.version is not None

        created = await asyncio.gather(*(save() for _ in range(6)))
        async with sessions() as session:
            rows = (await session.exec(select(DagVersion).where(col(DagVersion.dag_id) == dag.id))).all()
    finally:
        await engine.dispose()
    assert created.count(True) == 1
    assert sorted(row.version for row in rows) == [1, 2]


async def test_a_definition_above_the_inline_build_limit_is_stored_and_checked_alike(
    session: AsyncSession,
) -> None:
    size = dags.INLINE_BUILD_MAX_NODES + 1
    large = definition(nodes=tuple(f"n{i:04d}" for i in range(size)))
    limits = DefinitionLimits(max_bytes=1 << 20, max_nodes=size)
    principal = await editor(session)
    _, version = await dags.create_dag(
        session, principal, name="large", description="", definition=large, message="", limits=limits, now=NOW
    )
    assert version.content_hash == DAG.from_dict(large).content_hash
    broken = {**large, "nodes": [*large["nodes"], {"id": "bad", "task": {"type": "nope"}}]}
    checked = await dags.check_definition_off_loop(
        broken, DefinitionLimits(max_bytes=1 << 20, max_nodes=size + 1)
    )
    assert [(issue.code, issue.node_id) for issue in checked.issues] == [("unknown_task_type", "bad")]

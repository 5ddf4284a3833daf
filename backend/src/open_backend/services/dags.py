"""DAGs and their numbered, immutable versions, always inside the principal's organization.

A DAG is created as a draft with version 1. Saving a definition whose content hash differs from
the latest version's adds the next version; saving the same definition adds nothing. Activating
makes one version (by default the latest) the one executions run; new versions do not change
the active one until activated. Deletion is soft: a deleted DAG is invisible (``NOT_FOUND``)
and its name can be reused.

Definitions are validated by ``core_engine`` (``DAG.from_dict(..., resolve_callables=False)``:
import paths are kept, not imported, since workers run them) after the backend's own size and
node-count limits, against the platform's task types (:func:`task_types`); every problem comes
back at once as ``ValidationFailed`` whose ``details["issues"]`` hold
``ValidationIssue.to_dict()`` entries (node id, field, suggestion).

Concurrent updates of one DAG are serialised by locking its row (``SELECT ... FOR UPDATE`` on
PostgreSQL; on SQLite every transaction starts with ``BEGIN IMMEDIATE``), and the unique
``(dag_id, version)`` constraint backs that up: two versions never share a number.
"""

from __future__ import annotations

import asyncio
import enum
import functools
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from core_engine import DAG, DAGValidationError, DefinitionError, TaskTypeRegistry, ValidationIssue
from core_engine.definition import canonical_json
from open_backend.auth.principal import Principal
from open_backend.db.models import Dag, DagStatus, DagVersion, Role
from open_backend.errors import Conflict, NotFound, ValidationFailed
from open_backend.services.diff import DefinitionDiff, diff_definitions
from open_backend.services.organizations import check_max_concurrent_executions
from open_backend.services.pagination import Order, Page, paginate
from open_backend.settings import Settings
from open_backend.tasktypes import registry_for


@functools.lru_cache(maxsize=8)
def _task_types(allowed_modules: tuple[str, ...]) -> TaskTypeRegistry:
    return registry_for(allowed_modules)


def task_types(settings: Settings) -> TaskTypeRegistry:
    """The task types workers run, as offered to the editor and used to validate ``{"type": ...}``
    nodes: :func:`~open_backend.tasktypes.platform_registry` of ``settings``.

    Built once per process and allow-list (entry points are discovered then), and shared:
    never register into it.
    """
    return _task_types(settings.callable_module_allow_list)


#: Longest DAG name, in characters (the column's width).
MAX_NAME_LENGTH: Final = 200

#: Longest DAG description and version message, in characters.
MAX_TEXT_LENGTH: Final = 10_000

#: Definitions with more nodes than this are built and hashed in a worker thread: it takes about
#: 40 microseconds a node, and a longer stall would hold up every other request of the event
#: loop; smaller ones are built inline, where a thread hand-off would cost more than it saves.
INLINE_BUILD_MAX_NODES: Final = 500

#: The name of the partial unique index on live DAG names (see ``db/models/dag.py``).
_LIVE_NAME_INDEX: Final = "uq_dags_organization_id_name_live"


@dataclass(frozen=True, slots=True)
class DefinitionLimits:
    """What a definition is checked against: limits it must respect before the engine even
    builds it, and the task types its ``{"type": ...}`` nodes may use.

    Attributes:
        max_bytes: largest canonical JSON text of the definition, in bytes (UTF-8).
        max_nodes: most nodes.
        task_types: the registry typed nodes are validated with (default: the engine's own).
    """

    max_bytes: int
    max_nodes: int
    task_types: TaskTypeRegistry = field(default_factory=TaskTypeRegistry.builtin, compare=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> DefinitionLimits:
        """``OPEN_MAX_DEFINITION_BYTES``, ``OPEN_MAX_DAG_NODES`` and the platform's task types."""
        return cls(
            max_bytes=settings.max_definition_bytes,
            max_nodes=settings.max_dag_nodes,
            task_types=task_types(settings),
        )


@dataclass(frozen=True, slots=True)
class DefinitionCheck:
    """The outcome of checking a definition: the built DAG, or every issue found.

    Attributes:
        dag: the engine's DAG when the definition is valid, else ``None``.
        issues: every problem found, in the engine's order; empty when valid.
    """

    dag: DAG | None
    issues: tuple[ValidationIssue, ...]


@dataclass(frozen=True, slots=True)
class UpdateResult:
    """What :func:`update_dag` did.

    Attributes:
        dag: the DAG after the update.
        version: the version created, or ``None`` when the definition was absent or unchanged.
    """

    dag: Dag
    version: DagVersion | None


def check_definition(
    definition: Any, limits: DefinitionLimits, registry: TaskTypeRegistry | None = None
) -> DefinitionCheck:
    """Check ``definition`` (a JSON value) against ``limits``, then build it with the engine and
    ``registry`` (default: ``limits.task_types``).

    Issues beyond the engine's own: ``definition_too_large`` (canonical JSON over
    ``limits.max_bytes``), ``too_many_nodes`` (field ``nodes``) and ``invalid_definition`` (not a
    definition object at all; field = where). Never raises.
    """
    try:
        size = len(canonical_json(definition).encode("utf-8"))
    except (TypeError, ValueError, RecursionError):
        return DefinitionCheck(None, (ValidationIssue("invalid_definition", "not a JSON document"),))
    if size > limits.max_bytes:
        issue = ValidationIssue(
            "definition_too_large",
            f"the definition is {size} bytes of canonical JSON; the limit is {limits.max_bytes}",
            suggestion="split the workflow into several DAGs or move large constants out of it",
        )
        return DefinitionCheck(None, (issue,))
    nodes = definition.get("nodes") if isinstance(definition, Mapping) else None
    if isinstance(nodes, list) and len(nodes) > limits.max_nodes:
        issue = ValidationIssue(
            "too_many_nodes",
            f"the definition has {len(nodes)} nodes; the limit is {limits.max_nodes}",
            field="nodes",
            suggestion="split the workflow into several DAGs, or map one node over a list",
        )
        return DefinitionCheck(None, (issue,))
    try:
        dag = DAG.from_dict(definition, registry=registry or limits.task_types, resolve_callables=False)
    except DefinitionError as exc:
        issue = ValidationIssue("invalid_definition", str(exc), field=exc.location or None)
        return DefinitionCheck(None, (issue,))
    except DAGValidationError as exc:
        return DefinitionCheck(None, exc.issues)
    return DefinitionCheck(dag, ())


def build_definition(definition: Any, limits: DefinitionLimits) -> DAG:
    """The engine DAG of a valid ``definition``.

    Raises:
        ValidationFailed: with ``details["issues"]``, a list of ``ValidationIssue.to_dict()``.
    """
    checked = check_definition(definition, limits)
    if checked.dag is None:
        count = len(checked.issues)
        raise ValidationFailed(
            f"the definition is invalid: {count} problem{'s' if count != 1 else ''}; "
            f"first: {checked.issues[0]}",
            {"issues": [issue.to_dict() for issue in checked.issues]},
        )
    return checked.dag


def _canonical(definition: Any, limits: DefinitionLimits) -> tuple[dict[str, Any], str]:
    built = build_definition(definition, limits)
    return built.to_dict(), built.content_hash


def _is_large(definition: Any) -> bool:
    nodes = definition.get("nodes") if isinstance(definition, Mapping) else None
    return isinstance(nodes, list) and len(nodes) > INLINE_BUILD_MAX_NODES


async def canonical_definition(definition: Any, limits: DefinitionLimits) -> tuple[dict[str, Any], str]:
    """The canonical form and content hash of a valid ``definition``.

    Large definitions are built in a worker thread (see :data:`INLINE_BUILD_MAX_NODES`).

    Raises:
        ValidationFailed: as :func:`build_definition`.
    """
    if _is_large(definition):
        return await asyncio.to_thread(_canonical, definition, limits)
    return _canonical(definition, limits)


async def check_definition_off_loop(definition: Any, limits: DefinitionLimits) -> DefinitionCheck:
    """:func:`check_definition`, in a worker thread for large definitions. Never raises."""
    if _is_large(definition):
        return await asyncio.to_thread(check_definition, definition, limits)
    return check_definition(definition, limits)


def _clean_name(name: str) -> str:
    cleaned = name.strip()
    if not 1 <= len(cleaned) <= MAX_NAME_LENGTH:
        raise ValidationFailed(f"a DAG name must have 1 to {MAX_NAME_LENGTH} characters", {"field": "name"})
    return cleaned


def _check_text(value: str, field: str) -> str:
    if len(value) > MAX_TEXT_LENGTH:
        raise ValidationFailed(f"{field} is longer than {MAX_TEXT_LENGTH} characters", {"field": field})
    return value


def _live_dags(principal: Principal) -> SelectOfScalar[Dag]:
    return select(Dag).where(
        col(Dag.organization_id) == principal.organization_id, col(Dag.deleted_at).is_(None)
    )


async def _ensure_name_free(
    session: AsyncSession, principal: Principal, name: str, *, except_id: uuid.UUID | None = None
) -> None:
    query = _live_dags(principal).where(col(Dag.name) == name)
    if except_id is not None:
        query = query.where(col(Dag.id) != except_id)
    if (await session.exec(query)).first() is not None:
        raise Conflict(f"a DAG named {name!r} already exists", {"field": "name"})


async def _flush(session: AsyncSession, name: str) -> None:
    """Flush; a lost race on the live-name index becomes :class:`Conflict`."""
    try:
        await session.flush()
    except IntegrityError as exc:
        if _LIVE_NAME_INDEX in str(exc.orig) or "dags.organization_id, dags.name" in str(exc.orig):
            raise Conflict(f"a DAG named {name!r} already exists", {"field": "name"}) from None
        raise


async def get_dag(session: AsyncSession, principal: Principal, dag_id: uuid.UUID) -> Dag:
    """The live DAG ``dag_id`` of the principal's organization (any role may read).

    Raises:
        NotFound: no such DAG there (other organizations' and deleted DAGs included).
    """
    dag = (await session.exec(_live_dags(principal).where(col(Dag.id) == dag_id))).first()
    if dag is None:
        raise NotFound("no such DAG")
    return dag


async def get_dag_and_default_version(
    session: AsyncSession, principal: Principal, dag_id: uuid.UUID
) -> tuple[Dag, DagVersion | None]:
    """The live DAG ``dag_id`` of the principal's organization and the version that runs by
    default: its active version, else its latest (``None`` when it has no version), in one query.

    Raises:
        NotFound: no such DAG there (other organizations' and deleted DAGs included).
    """
    latest = (
        select(DagVersion.id)
        .where(col(DagVersion.dag_id) == col(Dag.id))
        .order_by(col(DagVersion.version).desc())
        .limit(1)
        .correlate(Dag)
        .scalar_subquery()
    )
    query = (
        select(Dag, DagVersion)
        .outerjoin(DagVersion, col(DagVersion.id) == func.coalesce(col(Dag.active_version_id), latest))
        .where(
            col(Dag.organization_id) == principal.organization_id,
            col(Dag.deleted_at).is_(None),
            col(Dag.id) == dag_id,
        )
    )
    row = (await session.exec(query)).first()
    if row is None:
        raise NotFound("no such DAG")
    return row[0], row[1]


async def _lock_dag(session: AsyncSession, principal: Principal, dag_id: uuid.UUID) -> Dag:
    query = _live_dags(principal).where(col(Dag.id) == dag_id).with_for_update()
    # populate_existing: a row already in the session is refreshed with the values read under the lock
    dag = (await session.exec(query.execution_options(populate_existing=True))).first()
    if dag is None:
        raise NotFound("no such DAG")
    return dag


async def latest_version(session: AsyncSession, dag: Dag) -> DagVersion:
    """The highest-numbered version of ``dag`` (a row already scoped to an organization).

    Raises:
        NotFound: the DAG has no version (only possible for rows made outside this module).
    """
    query = (
        select(DagVersion).where(col(DagVersion.dag_id) == dag.id).order_by(col(DagVersion.version).desc())
    )
    version = (await session.exec(query.limit(1))).first()
    if version is None:
        raise NotFound("the DAG has no version")
    return version


class Unchanged(enum.Enum):
    """The value of an :func:`update_dag` argument that leaves its field as it is (where
    ``None`` is a value of its own)."""

    UNCHANGED = "unchanged"


#: Leave the field as it is (see :class:`Unchanged`).
UNCHANGED: Final = Unchanged.UNCHANGED


async def create_dag(
    session: AsyncSession,
    principal: Principal,
    *,
    name: str,
    description: str,
    definition: Any,
    message: str,
    limits: DefinitionLimits,
    now: datetime,
    max_concurrent_executions: int | None = None,
) -> tuple[Dag, DagVersion]:
    """Create a draft DAG with ``definition`` as its version 1; needs the editor role.

    The version stores the canonical definition and its content hash; its author is the
    principal's user (``None`` for an API key). ``max_concurrent_executions`` limits how many
    executions of the DAG run at once (``None``: no limit).

    Raises:
        Forbidden: the principal is below editor.
        ValidationFailed: a bad name or limit (``details["field"]``) or definition
            (``details["issues"]``).
        Conflict: a live DAG of the organization already has this name.
    """
    principal.require(Role.EDITOR)
    name = _clean_name(name)
    _check_text(description, "description")
    _check_text(message, "message")
    check_max_concurrent_executions(max_concurrent_executions)
    canonical, content_hash = await canonical_definition(definition, limits)
    await _ensure_name_free(session, principal, name)
    dag = Dag(
        organization_id=principal.organization_id,
        name=name,
        description=description,
        max_concurrent_executions=max_concurrent_executions,
        created_at=now,
        updated_at=now,
    )
    session.add(dag)
    await _flush(session, name)  # the version's foreign key needs the DAG row first
    version = DagVersion(
        dag_id=dag.id,
        version=1,
        definition=canonical,
        content_hash=content_hash,
        message=message,
        created_by_id=principal.identity.user_id,
        created_at=now,
    )
    session.add(version)
    await session.flush()
    return dag, version


async def update_dag(
    session: AsyncSession,
    principal: Principal,
    dag_id: uuid.UUID,
    *,
    name: str | None = None,
    description: str | None = None,
    definition: Any = None,
    message: str = "",
    limits: DefinitionLimits,
    now: datetime,
    max_concurrent_executions: int | Unchanged | None = UNCHANGED,
) -> UpdateResult:
    """Rename, redescribe, limit and/or save a new definition of a DAG; needs the editor role.

    ``None`` leaves a field as it is, except ``max_concurrent_executions``: ``None`` removes
    the limit, :data:`UNCHANGED` leaves it (a new limit applies to the next claims: executions
    already running go on). A definition whose content hash equals the latest
    version's creates nothing; any other creates the next version (numbered latest + 1) with
    ``message``. The DAG row is locked for the whole transaction, so concurrent updates of one
    DAG queue up and number their versions consecutively.

    Raises:
        Forbidden: the principal is below editor.
        NotFound: no such live DAG in the organization.
        ValidationFailed: a bad name, text, limit or definition.
        Conflict: the new name is taken by another live DAG.
    """
    principal.require(Role.EDITOR)
    _check_text(message, "message")
    if not isinstance(max_concurrent_executions, Unchanged):
        check_max_concurrent_executions(max_concurrent_executions)
    built = await canonical_definition(definition, limits) if definition is not None else None
    dag = await _lock_dag(session, principal, dag_id)
    changed = False
    if name is not None:
        name = _clean_name(name)
        if name != dag.name:
            await _ensure_name_free(session, principal, name, except_id=dag.id)
            dag.name, changed = name, True
    if description is not None and _check_text(description, "description") != dag.description:
        dag.description, changed = description, True
    if (
        not isinstance(max_concurrent_executions, Unchanged)
        and max_concurrent_executions != dag.max_concurrent_executions
    ):
        dag.max_concurrent_executions, changed = max_concurrent_executions, True
    created: DagVersion | None = None
    if built is not None:
        canonical, content_hash = built
        latest = await latest_version(session, dag)
        if content_hash != latest.content_hash:
            created = DagVersion(
                dag_id=dag.id,
                version=latest.version + 1,
                definition=canonical,
                content_hash=content_hash,
                message=message,
                created_by_id=principal.identity.user_id,
                created_at=now,
            )
            session.add(created)
    if changed or created is not None:
        dag.updated_at = now
    await _flush(session, dag.name)
    return UpdateResult(dag=dag, version=created)


async def activate_dag(
    session: AsyncSession, principal: Principal, dag_id: uuid.UUID, *, version: int | None, now: datetime
) -> Dag:
    """Make ``version`` (default: the latest) the DAG's active version and the DAG active.

    Works from any status, archived included. Needs the editor role.

    Raises:
        Forbidden: the principal is below editor.
        NotFound: no such live DAG, or no such version of it.
    """
    principal.require(Role.EDITOR)
    dag = await _lock_dag(session, principal, dag_id)
    target = (
        await latest_version(session, dag) if version is None else await _version_of(session, dag, version)
    )
    dag.active_version_id = target.id
    dag.status = DagStatus.ACTIVE
    dag.updated_at = now
    await session.flush()
    return dag


async def archive_dag(
    session: AsyncSession, principal: Principal, dag_id: uuid.UUID, *, now: datetime
) -> Dag:
    """Archive a DAG: it stays readable with its versions but cannot run. Needs the editor role.

    Archiving an archived DAG changes nothing.

    Raises:
        Forbidden: the principal is below editor.
        NotFound: no such live DAG.
    """
    principal.require(Role.EDITOR)
    dag = await _lock_dag(session, principal, dag_id)
    if dag.status is not DagStatus.ARCHIVED:
        dag.status = DagStatus.ARCHIVED
        dag.updated_at = now
        await session.flush()
    return dag


async def delete_dag(session: AsyncSession, principal: Principal, dag_id: uuid.UUID, *, now: datetime) -> Dag:
    """Soft-delete a DAG: it disappears from every query and its name becomes free.

    Needs the editor role.

    Raises:
        Forbidden: the principal is below editor.
        NotFound: no such live DAG (deleting twice is ``NotFound`` the second time).
    """
    principal.require(Role.EDITOR)
    dag = await _lock_dag(session, principal, dag_id)
    dag.deleted_at = now
    dag.updated_at = now
    await session.flush()
    return dag


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


DAG_ORDER: Final[Order[Dag]] = Order(
    kind="dags",
    key=col(Dag.name),
    id_column=col(Dag.id),
    key_of=lambda dag: dag.name,
    id_of=lambda dag: dag.id,
)


async def list_dags(
    session: AsyncSession,
    principal: Principal,
    *,
    first: int | None = None,
    after: str | None = None,
    search: str | None = None,
    status: DagStatus | None = None,
) -> Page[Dag]:
    """A page of the organization's live DAGs by name, filtered by ``search`` and ``status``.

    ``search`` matches a case-insensitive substring of the name or the description.

    Raises:
        ValidationFailed: ``first`` out of range or a bad ``after`` cursor.
    """
    query = _live_dags(principal)
    if status is not None:
        query = query.where(col(Dag.status) == status)
    if search:
        pattern = f"%{_escape_like(search)}%"
        query = query.where(
            sa.or_(
                col(Dag.name).ilike(pattern, escape="\\"), col(Dag.description).ilike(pattern, escape="\\")
            )
        )
    return await paginate(session, query, DAG_ORDER, first=first, after=after)


async def _version_of(session: AsyncSession, dag: Dag, number: int) -> DagVersion:
    query = select(DagVersion).where(col(DagVersion.dag_id) == dag.id, col(DagVersion.version) == number)
    version = (await session.exec(query)).first()
    if version is None:
        raise NotFound(f"the DAG has no version {number}")
    return version


async def get_version(
    session: AsyncSession, principal: Principal, dag_id: uuid.UUID, number: int
) -> DagVersion:
    """Version ``number`` of the live DAG ``dag_id`` of the organization.

    Raises:
        NotFound: no such DAG or version.
    """
    return await _version_of(session, await get_dag(session, principal, dag_id), number)


VERSION_ORDER: Final[Order[DagVersion]] = Order(
    kind="dag_versions",
    key=col(DagVersion.version),
    id_column=col(DagVersion.id),
    key_of=lambda version: version.version,
    id_of=lambda version: version.id,
    descending=True,
)


async def list_versions(
    session: AsyncSession,
    principal: Principal,
    dag_id: uuid.UUID,
    *,
    first: int | None = None,
    after: str | None = None,
) -> Page[DagVersion]:
    """A page of the versions of a live DAG of the organization, newest first.

    Raises:
        NotFound: no such DAG.
        ValidationFailed: ``first`` out of range or a bad ``after`` cursor.
    """
    dag = await get_dag(session, principal, dag_id)
    query = select(DagVersion).where(col(DagVersion.dag_id) == dag.id)
    return await paginate(session, query, VERSION_ORDER, first=first, after=after)


async def versions_by_id(
    session: AsyncSession, principal: Principal, version_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, DagVersion]:
    """The versions among ``version_ids`` whose DAG is in the organization, by id (one query)."""
    query = (
        select(DagVersion)
        .join(Dag, col(Dag.id) == col(DagVersion.dag_id))
        .where(
            col(Dag.organization_id) == principal.organization_id, col(DagVersion.id).in_(list(version_ids))
        )
    )
    return {version.id: version for version in (await session.exec(query)).all()}


async def latest_versions(
    session: AsyncSession, principal: Principal, dag_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, DagVersion]:
    """The latest version of each DAG among ``dag_ids`` that is in the organization, by DAG id
    (one query)."""
    ids = list(dag_ids)
    newest = (
        select(col(DagVersion.dag_id).label("dag_id"), func.max(DagVersion.version).label("version"))
        .join(Dag, col(Dag.id) == col(DagVersion.dag_id))
        .where(col(Dag.organization_id) == principal.organization_id, col(DagVersion.dag_id).in_(ids))
        .group_by(col(DagVersion.dag_id))
        .subquery()
    )
    query = select(DagVersion).join(
        newest,
        sa.and_(col(DagVersion.dag_id) == newest.c.dag_id, col(DagVersion.version) == newest.c.version),
    )
    return {version.dag_id: version for version in (await session.exec(query)).all()}


async def diff_versions(
    session: AsyncSession, principal: Principal, dag_id: uuid.UUID, old: int, new: int
) -> DefinitionDiff:
    """What changed from version ``old`` to version ``new`` of a live DAG of the organization.

    Raises:
        NotFound: no such DAG or either version.
    """
    dag = await get_dag(session, principal, dag_id)
    before = await _version_of(session, dag, old)
    after = await _version_of(session, dag, new)
    return diff_definitions(before.definition, after.definition)

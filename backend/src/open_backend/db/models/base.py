"""The declarative base of every table, and the column and DDL helpers the tables share.

The tables live in their own :class:`~sqlalchemy.MetaData` (not SQLModel's global one) with a
naming convention, so every constraint and index has a stable, predictable name that migrations
can refer to. Relationship attributes are deliberately absent: under asyncio a lazy load raises,
so services query related rows explicitly (and always with their organization).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any, Final, Literal

import sqlalchemy as sa
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from open_backend.db.ids import new_id
from open_backend.db.types import UTCDateTime, utcnow

#: Names of constraints and indexes, by kind. Kept short of PostgreSQL's 63-character limit.
NAMING_CONVENTION: Final = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Width of enum columns, in characters: room for members added later without a column change.
ENUM_LENGTH: Final = 32

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class Base(SQLModel, registry=registry(metadata=metadata)):
    """Base class of OPEN's table models; their tables are collected in :data:`metadata`."""


def id_column() -> Any:
    """A UUID primary key filled with a time-ordered :func:`~open_backend.db.ids.new_id`."""
    return Field(default_factory=new_id, sa_column=sa.Column(sa.Uuid, primary_key=True))


def created_at_column() -> Any:
    """A non-null aware UTC timestamp set to the current time on creation."""
    return Field(default_factory=utcnow, sa_column=sa.Column(UTCDateTime, nullable=False))


def timestamp_column() -> Any:
    """A nullable aware UTC timestamp (``None`` until the event it records happens)."""
    return Field(default=None, sa_column=sa.Column(UTCDateTime, nullable=True))


OnDelete = Literal["CASCADE", "SET NULL", "NO ACTION"]


def foreign_key_column(
    target: str, *, ondelete: OnDelete, nullable: bool = False, index: bool = False
) -> Any:
    """A UUID column referencing ``target`` (``"table.column"``) with the given ``ON DELETE`` action.

    ``index=True`` adds an index on the column: wanted when the referenced row's deletion must
    find the referencing rows and no other index starts with this column.
    """
    column = sa.Column(sa.Uuid, sa.ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)
    if nullable:
        return Field(default=None, sa_column=column)
    return Field(sa_column=column)


def enum_type(enum_class: type[enum.StrEnum], name: str) -> sa.Enum:
    """A portable enum column type: ``VARCHAR(32)`` plus a ``CHECK`` constraint ``ck_<table>_<name>``.

    Values (not member names) are stored, so the database reads ``'succeeded'``. Native
    PostgreSQL enums are avoided: adding a member to one cannot run inside a transaction.
    """
    return sa.Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=ENUM_LENGTH,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


#: PostgreSQL function that makes a table append-only when a trigger calls it before UPDATE.
_PG_REJECT_UPDATE_FUNCTION: Final = """\
CREATE OR REPLACE FUNCTION open_reject_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' rows are immutable', ERRCODE = 'restrict_violation';
END
$$"""


def _execute_on(dialect: str, statement: str) -> Callable[..., None]:
    """A DDL event listener executing ``statement`` when the connection's dialect is ``dialect``."""

    def listener(_target: object, connection: sa.Connection, **_kw: Any) -> None:
        if connection.dialect.name == dialect:
            connection.exec_driver_sql(statement)

    return listener


def make_immutable(model: type[Base], *, mutable: tuple[str, ...] = ()) -> None:
    """Have ``CREATE TABLE`` of ``model``'s table also create a trigger refusing updates of its rows.

    Every column but those named in ``mutable`` is protected (``BEFORE UPDATE OF <columns>``):
    leave mutable the foreign keys whose ``ON DELETE SET NULL`` must still work. Deletes stay
    allowed, so rows go with their parent through ``ON DELETE CASCADE``. A refused update raises
    :class:`sqlalchemy.exc.IntegrityError` on both backends.
    """
    table = metadata.tables[str(model.__tablename__)]
    columns = ", ".join(column.name for column in table.columns if column.name not in mutable)
    head = f"CREATE TRIGGER {table.name}_immutable BEFORE UPDATE OF {columns} ON {table.name}"
    postgresql = f"{head} FOR EACH ROW EXECUTE FUNCTION open_reject_update()"
    sqlite = f"{head} BEGIN SELECT RAISE(ABORT, '{table.name} rows are immutable'); END"
    sa.event.listen(table, "after_create", _execute_on("postgresql", postgresql))
    sa.event.listen(table, "after_create", _execute_on("sqlite", sqlite))


sa.event.listen(metadata, "before_create", _execute_on("postgresql", _PG_REJECT_UPDATE_FUNCTION))
sa.event.listen(
    metadata, "after_drop", _execute_on("postgresql", "DROP FUNCTION IF EXISTS open_reject_update()")
)

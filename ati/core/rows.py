"""One row and the rows its foreign keys point to, read without the ORM's query compiler.

For lookups that run on every API call (the token) or every submission (the body): the
ORM builds and compiles the query again each time, which costs about five times the
statement itself (0.57 ms of CPU against 0.11 ms for the same SELECT, measured on
PostgreSQL). Here the statement is composed once per shape and the instances are built
as the ORM builds them (`Model.from_db`, after the same database converters), so the
caller gets ordinary model instances, related ones cached as `select_related` caches them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from django.db import connections, models, router

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class _Part:
    """A model's columns in the SELECT list: where they start, and how to read them."""

    model: type[models.Model]
    relation: str  # the foreign key's name on the main model; "" for the main model
    attnames: tuple[str, ...]
    start: int
    width: int
    #: (position in the part, column expression, converters) of the columns that have any
    converters: tuple[tuple[int, Any, tuple[Any, ...]], ...]


@cache
def _shape(
    model: type[models.Model], related: tuple[str, ...], where: str, alias: str
) -> tuple[str, tuple[_Part, ...]]:
    connection = connections[alias]
    quote = connection.ops.quote_name
    models_ = [("", model, "t")]
    joins = []
    for i, name in enumerate(related):
        field = model._meta.get_field(name)
        if not isinstance(field, models.ForeignKey) or field.null:
            # An outer join and a missing row would need handling the callers do not need.
            raise ValueError(f"{model.__name__}.{name} is not a required foreign key")
        target = field.related_model
        assert isinstance(target, type)
        table_alias = f"r{i}"
        models_.append((name, target, table_alias))
        target_column = field.target_field.column
        joins.append(
            f"JOIN {quote(target._meta.db_table)} {table_alias} "
            f"ON {table_alias}.{quote(target_column)} = t.{quote(field.column or '')}"
        )
    columns, parts, start = [], [], 0
    for relation, part_model, table_alias in models_:
        fields = part_model._meta.concrete_fields
        columns += [f"{table_alias}.{quote(f.column)}" for f in fields]
        converters = []
        for i, field in enumerate(fields):
            # What the ORM's compiler applies to a column it reads (SQLCompiler.get_converters).
            column = field.get_col(part_model._meta.db_table)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if found:
                converters.append((i, column, tuple(found)))
        attnames = tuple(f.attname for f in fields)
        parts.append(_Part(part_model, relation, attnames, start, len(fields), tuple(converters)))
        start += len(fields)
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(model._meta.db_table)} t "  # noqa: S608
        f"{' '.join(joins)} WHERE {where}"
    )
    return sql, tuple(parts)


def one(
    model: type[M],
    *,
    where: str,
    params: list[Any],
    related: tuple[str, ...] = (),
    using: str | None = None,
) -> M | None:
    """The row of `model` matching `where` (SQL on the aliases `t` for the model and `r0`,
    `r1`… for the `related` foreign keys, joined), or None; more than one row is an error.

    `where` must be a constant of the caller's code (it keys the cache of statements),
    its values passed in `params`. Read where the ORM would read (the database routers).
    """
    using = using or router.db_for_read(model)
    connection = connections[using]
    sql, parts = _shape(model, related, where, using)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchmany(2)
    if not rows:
        return None
    if len(rows) > 1:
        raise model.MultipleObjectsReturned(  # type: ignore[attr-defined]
            f"{model.__name__}: more than one row for {where}"
        )
    row = rows[0]
    instances: list[models.Model] = []
    for part in parts:
        values = list(row[part.start : part.start + part.width])
        for i, column, converters in part.converters:
            for convert in converters:
                values[i] = convert(values[i], column, connection)
        instances.append(part.model.from_db(using, part.attnames, values))
    main = instances[0]
    for part, instance in zip(parts[1:], instances[1:], strict=True):
        main._meta.get_field(part.relation).set_cached_value(main, instance)  # type: ignore[union-attr]
    return main  # type: ignore[return-value]

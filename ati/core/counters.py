"""Gapless yearly sequences: request references, the commission's decision numbers.

`next_value(name, year)` takes the next number in the caller's transaction with one
`UPDATE … RETURNING` (PostgreSQL, and SQLite ≥ 3.35): the statement locks the row
until the transaction ends, so a transaction that rolls back gives its number back
and two concurrent ones never get the same number (the second waits for the
first's commit, then reads its value). The year's first number creates the row with
`INSERT … ON CONFLICT DO NOTHING` first: two transactions racing to create it both
end on the one row.

Because the row is held until commit, every other caller of the same sequence waits
for everything the holder does after taking it: take the number as late as possible
(the submission takes it as its last write, decision 0013). `take_sql` is the increment
as an upsert, for a caller that folds it into a larger statement and cannot retry.
"""

from __future__ import annotations

from django.db import connection

from .models import Counter


def increment_sql() -> str:
    """The increment, `RETURNING value`; parameters (name, year). No row: no result
    (`next_value` then creates it)."""
    q = connection.ops.quote_name
    table, value = q(Counter._meta.db_table), q("value")
    return (
        f"UPDATE {table} SET {value} = {value} + 1 "  # noqa: S608 - names from the model
        f"WHERE {q('name')} = %s AND {q('year')} = %s RETURNING {value}"
    )


def take_sql() -> str:
    """The increment that creates the year's row at 1 when it is missing, `RETURNING
    value`; parameters (name, year). Always a row (PostgreSQL, SQLite ≥ 3.35): for a
    caller that cannot retry, since its statement fails when the number is missing."""
    q = connection.ops.quote_name
    table, value = q(Counter._meta.db_table), q("value")
    return (
        f"INSERT INTO {table} ({q('name')}, {q('year')}, {value}) VALUES (%s, %s, 1) "  # noqa: S608
        f"ON CONFLICT ({q('name')}, {q('year')}) DO UPDATE SET {value} = {table}.{value} + 1 "
        f"RETURNING {value}"
    )


def create(name: str, year: int) -> None:
    """The sequence's row for the year, at 0, unless it exists (another caller's wins)."""
    Counter.objects.bulk_create([Counter(name=name, year=year)], ignore_conflicts=True)


def next_value(name: str, year: int) -> int:
    """The next number of `name` in `year`, held until the caller's transaction ends."""
    sql = increment_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [name, year])
        row = cursor.fetchone()
        if row is None:  # the year's first number
            create(name, year)
            cursor.execute(sql, [name, year])
            row = cursor.fetchone()
    return int(row[0])


def set_last(name: str, year: int, value: int) -> None:
    """Continue a sequence after `value` (a data import, the load generator)."""
    Counter.objects.update_or_create(name=name, year=year, defaults={"value": value})


def last_values(name: str) -> dict[int, int]:
    """The last number given in each year of `name`."""
    return dict(Counter.objects.filter(name=name).values_list("year", "value"))

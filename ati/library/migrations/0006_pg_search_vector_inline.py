"""PostgreSQL: keep each document's search vector in its row, not in the TOAST table.

Ranking reads the vector of every candidate (up to 1001 for a common pair of
words). A vector of a few kilobytes went out of line (the default target is 2 kB),
so each candidate cost a few more page reads scattered over the TOAST table: most
of the search's time (bench/bench_library.py). With a row target near a page
(8160 bytes) and the vector stored MAIN, PostgreSQL moves the long texts out of
line first and keeps the vector beside the columns the scan has already read.
Existing vectors are rewritten once (an unchanged value would keep its TOAST
pointer). SQLite: nothing to do (FTS5 keeps its own index).
"""

from django.db import migrations

FORWARD = [
    "ALTER TABLE library_publication SET (toast_tuple_target = 8160)",
    "ALTER TABLE library_publication ALTER COLUMN search_vector SET STORAGE MAIN",
    # `|| ''::tsvector` makes a new value, stored by the new rule.
    "UPDATE library_publication SET search_vector = search_vector || ''::tsvector "
    "WHERE search_vector IS NOT NULL",
]
BACKWARD = [
    "ALTER TABLE library_publication RESET (toast_tuple_target)",
    "ALTER TABLE library_publication ALTER COLUMN search_vector SET STORAGE EXTENDED",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("library", "0005_pg_search_index_per_language")]

    operations = [migrations.RunPython(forwards, backwards)]

"""The full-text index, in the form each database offers.

SQLite: an FTS5 virtual table (rowid = publication id) holding the normalised
public title and text of published documents only. PostgreSQL: a GIN index on
`library_publication.search_vector`. The services keep either in sync.
"""

from django.db import migrations

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS library_fts USING fts5("
    "title, body, tokenize = 'unicode61 remove_diacritics 2')"
)
SQLITE_DROP = "DROP TABLE IF EXISTS library_fts"
PG_CREATE = (
    "CREATE INDEX IF NOT EXISTS library_pub_search_gin "
    "ON library_publication USING gin (search_vector)"
)
PG_DROP = "DROP INDEX IF EXISTS library_pub_search_gin"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
    elif vendor == "postgresql":
        schema_editor.execute(PG_CREATE)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
    elif vendor == "postgresql":
        schema_editor.execute(PG_DROP)


class Migration(migrations.Migration):
    dependencies = [("library", "0001_publication")]
    operations = [migrations.RunPython(create, drop)]

"""SQLite: a covering index for the search's facet columns.

In SQLite's row format the facet columns (outcome, year, body_id) come after the
long texts, so reading them from the table walks each row's overflow pages; this
index answers `id → body_id, category, year, language, outcome` on its own
(`ati.library.search.SQLiteBackend.candidates`). PostgreSQL reads them from the
row it visits anyway: nothing to do there.
"""

from django.db import migrations

SQLITE_CREATE = (
    "CREATE INDEX IF NOT EXISTS library_pub_facets_idx "
    "ON library_publication (id, body_id, category, year, language, outcome)"
)
SQLITE_DROP = "DROP INDEX IF EXISTS library_pub_facets_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [("library", "0003_publishable_official")]
    operations = [migrations.RunPython(create, drop)]

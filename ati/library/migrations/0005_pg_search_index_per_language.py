"""PostgreSQL: one partial GIN index per language instead of one over every row.

The search asks, per language, `language = 'fr' AND state = 'published' AND
search_vector @@ plainto_tsquery('french', …)`. With a single index, PostgreSQL
ANDed the GIN bitmap with a bitmap of the language's b-tree (tens of thousands of
rows either side) on every search; a partial index per language answers the whole
condition alone, and each is a third of the size. SQLite: nothing to do.
"""

from django.db import migrations

LANGUAGES = ("fr", "ar", "en")
PG_CREATE = [
    f"CREATE INDEX IF NOT EXISTS library_pub_search_{lang} ON library_publication "
    f"USING gin (search_vector) WHERE language = '{lang}' AND state = 'published'"
    for lang in LANGUAGES
]
PG_DROP = [f"DROP INDEX IF EXISTS library_pub_search_{lang}" for lang in LANGUAGES]
PG_OLD_CREATE = (
    "CREATE INDEX IF NOT EXISTS library_pub_search_gin "
    "ON library_publication USING gin (search_vector)"
)
PG_OLD_DROP = "DROP INDEX IF EXISTS library_pub_search_gin"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_CREATE:
            schema_editor.execute(sql)
        schema_editor.execute(PG_OLD_DROP)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_OLD_CREATE)
        for sql in PG_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("library", "0004_sqlite_facet_index")]
    operations = [migrations.RunPython(forwards, backwards)]

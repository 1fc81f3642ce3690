"""Answers and commission decisions take the language of their own text.

They were stored with the applicant's language, so a French answer to an Arabic-speaking
applicant was laid out right to left and searched with the Arabic stemmer. The language is
now told by the text's script when proposed (`text.language_of`); this fixes the rows
proposed before. The script count is copied here, not imported, so that this migration
keeps its meaning whatever the code becomes. PostgreSQL: a changed published row's search
vector is rebuilt with its new language's configuration (SQLite's FTS5 index has none).
"""

from django.db import migrations

CATEGORIES = ("answer", "commission_decision")
PG_CONFIG = {"fr": "french", "ar": "arabic", "en": "english"}
# search.PostgreSQLBackend's vector, as it is today.
UPDATE_VECTOR = (
    "UPDATE library_publication SET search_vector = "
    "setweight(to_tsvector(%s::regconfig, %s), 'A') || "
    "setweight(to_tsvector(%s::regconfig, %s), 'B') WHERE id = %s"
)


def _is_arabic(ch):
    return "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\ufb50" <= ch <= "\ufefc"


def _language(text, fallback):
    arabic = latin = 0
    for ch in text:
        if _is_arabic(ch):
            arabic += 1
        elif ch.isalpha():
            latin += 1
    if arabic + latin and arabic / (arabic + latin) > 0.5:
        return "ar"
    return fallback if fallback in ("fr", "en") else "fr"


def forwards(apps, schema_editor):
    Publication = apps.get_model("library", "Publication")
    DocumentPage = apps.get_model("library", "DocumentPage")
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:
        from ati.library.text import normalise  # what the index holds (Arabic letters unified)
    rows = Publication.objects.filter(category__in=CATEGORIES).only(
        "pk", "language", "original_text", "title", "public_text", "state"
    )
    for pub in rows.iterator():
        language = _language(pub.original_text, pub.language)
        if language == pub.language:
            continue
        Publication.objects.filter(pk=pub.pk).update(language=language)
        if postgresql and pub.state == "published":
            pages = DocumentPage.objects.filter(
                document__publication_id=pub.pk, document__excluded=False
            ).order_by("document__position", "document_id", "number")
            body = "\n\n".join([pub.public_text, *pages.values_list("public_text", flat=True)])
            config = PG_CONFIG[language]
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(
                    UPDATE_VECTOR, [config, normalise(pub.title), config, normalise(body), pub.pk]
                )


class Migration(migrations.Migration):
    dependencies = [("library", "0008_released_documents")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

"""Bodies are searched by their folded names (ati/core/folding.py, issue 18): "الكهرباء"
finds "للكهرباء", "sante" finds "Santé". The column is derived; existing bodies get it
here, new and edited ones from PublicBody.save()."""

from django.db import migrations, models

from ati.bodies.models import search_text_of


def fill(apps, schema_editor):
    PublicBody = apps.get_model("bodies", "PublicBody")
    batch = []
    for body in PublicBody.objects.only("pk", "code", "name_fr", "name_ar", "name_en").iterator(
        chunk_size=2000
    ):
        body.search_text = search_text_of(body)
        batch.append(body)
        if len(batch) >= 2000:
            PublicBody.objects.bulk_update(batch, ["search_text"])
            batch = []
    PublicBody.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("bodies", "0003_public_body_signatory"),
    ]

    operations = [
        migrations.AddField(
            model_name="publicbody",
            name="search_text",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="search text"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]

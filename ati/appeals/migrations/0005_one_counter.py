"""The commission's yearly decision counter moves to the one counter model (core.Counter)."""

from django.db import migrations

NAME = "appeals.decision"


def forwards(apps, schema_editor):
    Old, Counter = apps.get_model("appeals", "DecisionCounter"), apps.get_model("core", "Counter")
    for row in Old.objects.all():
        Counter.objects.update_or_create(name=NAME, year=row.year, defaults={"value": row.last})


def backwards(apps, schema_editor):
    Old, Counter = apps.get_model("appeals", "DecisionCounter"), apps.get_model("core", "Counter")
    for row in Counter.objects.filter(name=NAME):
        Old.objects.update_or_create(year=row.year, defaults={"last": row.value})


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0004_due_basis"),
        ("core", "0002_counter"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="DecisionCounter"),
    ]

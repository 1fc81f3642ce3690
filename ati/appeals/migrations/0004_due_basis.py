"""The decision deadlines' computation stored as data (issue 18), explained in each
reader's language. Existing complaints and appeals get it where it can be rebuilt from
their filing date (it then gives their stored deadline); the others keep their sentence."""

from django.db import migrations, models

from ati.law.deadlines import add_period
from ati.law.history import Calendars, period


def rebuild(apps, schema_editor):
    calendars = Calendars(apps.get_model("law", "Holiday"))
    for model, step in (("Complaint", "head_decision"), ("Appeal", "commission_decision")):
        Model = apps.get_model("appeals", model)
        rows = Model.objects.filter(due_basis__isnull=True, decision_due__isnull=False)
        rows = rows.select_related("request__profile_version__calendar")
        batch = []
        for obj in rows.iterator(chunk_size=2000):
            version = obj.request.profile_version
            length = period(version, step)
            if length is None:
                continue
            deadline = add_period(obj.filed_on, length, calendars(version.calendar))
            if deadline.due == obj.decision_due:
                obj.due_basis = deadline.as_data()
                batch.append(obj)
            if len(batch) >= 2000:
                Model.objects.bulk_update(batch, ["due_basis"])
                batch = []
        Model.objects.bulk_update(batch, ["due_basis"])


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0003_commission"),
        ("requests", "0003_due_basis"),
        ("law", "0002_ship_profiles_and_calendars"),
    ]

    operations = [
        migrations.AddField(
            model_name="appeal",
            name="due_basis",
            field=models.JSONField(
                blank=True,
                null=True,
                verbose_name="how the decision's deadline was computed (data)",
            ),
        ),
        migrations.AddField(
            model_name="complaint",
            name="due_basis",
            field=models.JSONField(
                blank=True,
                null=True,
                verbose_name="how the decision's deadline was computed (data)",
            ),
        ),
        migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=True),
    ]

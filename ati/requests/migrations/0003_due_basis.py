"""The due date's computation stored as data (issue 18): its explanation is then written
in each reader's language. Existing rows get it where the computation can be rebuilt from
the start of the clock and the extensions (it then gives their stored due date); the
others (a clock that resumed after a clarification) keep their sentence as fallback."""

from django.db import migrations, models

from ati.law.deadlines import add_period
from ati.law.history import Calendars, period


def rebuild(apps, schema_editor):
    Request = apps.get_model("requests", "InformationRequest")
    calendars = Calendars(apps.get_model("law", "Holiday"))
    rows = (
        Request.objects.filter(due_basis__isnull=True)
        .select_related("profile_version__calendar")
        .only(
            "pk",
            "urgent",
            "clock_started_on",
            "extensions_used",
            "response_due",
            "profile_version",
        )
    )
    batch = []
    for req in rows.iterator(chunk_size=2000):
        version = req.profile_version
        response = (req.urgent and period(version, "urgent_response")) or period(
            version, "response"
        )
        extension = (req.urgent and period(version, "urgent_extension")) or period(
            version, "extension"
        )
        if response is None or (req.extensions_used and extension is None):
            continue
        calendar = calendars(version.calendar)
        deadline = add_period(req.clock_started_on, response, calendar)
        for _ in range(req.extensions_used):
            deadline = add_period(deadline.due, extension, calendar)
        if deadline.due == req.response_due:
            req.due_basis = deadline.as_data()
            batch.append(req)
        if len(batch) >= 2000:
            Request.objects.bulk_update(batch, ["due_basis"])
            batch = []
    Request.objects.bulk_update(batch, ["due_basis"])


class Migration(migrations.Migration):
    dependencies = [
        ("requests", "0002_identity_erased_at"),
        ("law", "0002_ship_profiles_and_calendars"),
    ]

    operations = [
        migrations.AddField(
            model_name="informationrequest",
            name="due_basis",
            field=models.JSONField(
                blank=True, null=True, verbose_name="how the due date was computed (data)"
            ),
        ),
        migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=True),
    ]

"""Ship Law 31-13 (default), fr-crpa, uk-foia, us-foia, in-rti and their calendars."""

from django.db import migrations


def forwards(apps, schema_editor):
    from ati.law.data import install_legal_data

    install_legal_data(apps)


class Migration(migrations.Migration):
    dependencies = [("law", "0001_legal_profiles_and_calendars")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

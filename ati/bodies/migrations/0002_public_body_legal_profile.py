import django.db.models.deletion
from django.db import migrations, models

import ati.law.models


def existing_bodies_follow_law_31_13(apps, schema_editor):
    LegalProfile = apps.get_model("law", "LegalProfile")
    PublicBody = apps.get_model("bodies", "PublicBody")
    profile = LegalProfile.objects.get(code="ma-31-13")
    PublicBody.objects.filter(legal_profile__isnull=True).update(legal_profile=profile)


class Migration(migrations.Migration):
    dependencies = [
        ("bodies", "0001_initial"),
        ("law", "0002_ship_profiles_and_calendars"),
    ]

    # Nullable first, filled from the shipped data, then required: existing
    # bodies were created under Law 31-13.
    operations = [
        migrations.AddField(
            model_name="publicbody",
            name="legal_profile",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="bodies",
                to="law.legalprofile",
                verbose_name="legal profile",
            ),
        ),
        migrations.RunPython(existing_bodies_follow_law_31_13, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="publicbody",
            name="legal_profile",
            field=models.ForeignKey(
                blank=True,
                default=ati.law.models.default_legal_profile,
                help_text="The law whose deadlines and refusal grounds apply (Law 31-13 by default).",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="bodies",
                to="law.legalprofile",
                verbose_name="legal profile",
            ),
        ),
    ]

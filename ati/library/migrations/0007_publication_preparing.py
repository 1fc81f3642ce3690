"""Proposals are prepared by the Celery worker: the `preparing` and `preparation_failed` states.

The redactions of a proposal are detected in the background (the French name model is
loaded by the worker, never by a web process), so a publication records what the worker
needs (`identities`), its claim on the work and the error of a failed attempt. The new
columns have database defaults, so that the previous release's code, still running during a
rolling upgrade, can insert rows. Documents already in review or beyond were prepared when
they were proposed: `prepared_at` is set to their creation. On SQLite, Django rebuilds the
table for these changes, which drops the facet index of 0004: it is made again.
"""

from importlib import import_module

import django_fsm
from django.db import migrations, models


FACETS = import_module("ati.library.migrations.0004_sqlite_facet_index")


def mark_prepared(apps, schema_editor):
    Publication = apps.get_model("library", "Publication")
    Publication.objects.exclude(state="draft").filter(prepared_at__isnull=True).update(
        prepared_at=models.F("created_at")
    )


class Migration(migrations.Migration):

    dependencies = [
        ('library', '0006_pg_search_vector_inline'),
    ]

    operations = [
        migrations.AddField(
            model_name='publication',
            name='identities',
            field=models.JSONField(blank=True, db_default=[], default=list, verbose_name='identities always redacted'),
        ),
        migrations.AddField(
            model_name='publication',
            name='preparation_attempts',
            field=models.PositiveSmallIntegerField(db_default=0, default=0),
        ),
        migrations.AddField(
            model_name='publication',
            name='preparation_claimed_until',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='publication',
            name='preparation_error',
            field=models.TextField(blank=True, db_default='', default='', verbose_name='why the preparation failed'),
        ),
        migrations.AddField(
            model_name='publication',
            name='prepared_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='publication',
            name='state',
            field=django_fsm.FSMField(choices=[('draft', 'Draft'), ('preparing', 'Preparing the redactions'), ('preparation_failed', 'Preparation failed'), ('in_review', 'Awaiting review'), ('published', 'Published'), ('unpublished', 'Unpublished')], db_index=True, default='draft', max_length=20, protected=True, verbose_name='state'),
        ),
        migrations.RunPython(mark_prepared, migrations.RunPython.noop),
        migrations.RunPython(FACETS.create, migrations.RunPython.noop),
    ]

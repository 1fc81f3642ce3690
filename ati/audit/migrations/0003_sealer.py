"""Events are sealed after commit: position, previous id, nullable hash (docs/audit.md)."""

from django.db import migrations, models


def number_existing(apps, schema_editor):
    # Events written before the sealer were chained in the order of their ids, 1, 2, 3…
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    AuditEvent.objects.update(position=models.F("id"))
    AuditEvent.objects.filter(id__gt=1).update(prev_id=models.F("id") - 1)
    AuditChainHead.objects.update(last_position=models.F("last_id"))


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_chain_head")]
    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="position",
            field=models.BigIntegerField(
                null=True, unique=True, verbose_name="position in the chain"
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_id",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(max_length=64, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="last_position",
            field=models.BigIntegerField(default=0),
        ),
        migrations.RunPython(number_existing, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                condition=models.Q(position__isnull=True), fields=["id"], name="audit_unsealed"
            ),
        ),
    ]

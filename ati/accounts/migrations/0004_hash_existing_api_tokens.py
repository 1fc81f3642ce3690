"""Tokens made with DRF's `authtoken` keep working, now stored hashed.

Each existing `authtoken` key becomes an `ApiToken` with the key's SHA-256 (its
holder's scripts keep their key), named "token made before 2026-12", expiring
ATI_API_TOKEN_DAYS after this migration; the plain keys are then deleted from
the `authtoken` table. Going back does not restore them (their keys are gone):
holders make new ones.
"""

import datetime as dt
import hashlib

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def hash_tokens(apps, schema_editor):
    try:
        Token = apps.get_model("authtoken", "Token")
    except LookupError:
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    expires = timezone.now() + dt.timedelta(days=getattr(settings, "ATI_API_TOKEN_DAYS", 90))
    for token in Token.objects.all().iterator():
        ApiToken.objects.get_or_create(
            key_hash=hashlib.sha256(token.key.encode()).hexdigest(),
            defaults={
                "user_id": token.user_id,
                "name": "token made before 2026-12",
                "prefix": token.key[:6],
                "created_at": token.created,
                "expires_at": expires,
            },
        )
    Token.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_api_tokens"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(hash_tokens, migrations.RunPython.noop)]

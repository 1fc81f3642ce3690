"""Personal API tokens: made, listed and revoked by their holder; checked on each call.

A key is `ati_` and 43 random URL-safe characters; the database keeps its SHA-256
only (`ApiToken.key_hash`). The API reads it from `Authorization: Token <key>`
(`ati.accounts.authentication.ApiTokenAuthentication`). See docs/api.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ati.audit.services import record
from ati.core import rows

from .models import ApiToken, User

KEY_PREFIX = "ati_"
#: Last use is written at most this often per token: not a write on every call.
LAST_USE_RESOLUTION = dt.timedelta(minutes=1)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_token(user: User, *, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """Make a token for the user's own account; the key, returned here, is never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, to tell it from others.")})
    if not user.is_active:
        raise PermissionDenied
    days = settings.ATI_API_TOKEN_DAYS if days is None else days
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name[:100],
            key_hash=hash_key(key),
            prefix=key[: len(KEY_PREFIX) + 6],
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        record(
            "api_token.created",
            actor=user,
            obj=token,
            after={"name": token.name, "prefix": token.prefix, "expires_at": token.expires_at},
        )
    return token, key


def revoke_token(actor: User, token: ApiToken, *, reason: str = "") -> ApiToken:
    """The holder revokes their token (an administrator may revoke anyone's)."""
    from . import permissions

    if token.user_id != actor.pk and not permissions.is_administrator(actor):
        raise PermissionDenied
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            record(
                "api_token.revoked",
                actor=actor,
                obj=token,
                after={"name": token.name, "prefix": token.prefix},
                reason=reason,
            )
    return token


def tokens_of(user: User) -> Any:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def user_for_key(key: str) -> tuple[User, ApiToken] | None:
    """The account a key opens, or None (unknown, revoked, expired, or account inactive)."""
    now = timezone.now()
    # Before every API call: read without the ORM's compiler, which costs more than the
    # query (ati/core/rows.py). The hash is unique.
    token = rows.one(
        ApiToken,
        where="t.key_hash = %s AND t.revoked_at IS NULL AND t.expires_at > %s",
        params=[hash_key(key), now],
        related=("user",),
    )
    if token is None:
        return None
    if not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_RESOLUTION:
        _write_last_use(token.pk, now)
        token.last_used_at = now
    return token.user, token


def _write_last_use(pk: int, now: dt.datetime) -> None:
    # One plain statement: a citizen's first call of the minute (most submissions) paid
    # the ORM's building of an UPDATE, more than the statement itself.
    field = ApiToken._meta.get_field("last_used_at")
    table, column = (connection.ops.quote_name(n) for n in (ApiToken._meta.db_table, field.column))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {column} = %s WHERE id = %s",  # noqa: S608 - the model's names
            [field.get_db_prep_save(now, connection), pk],
        )


def delete_tokens_of(user: User) -> int:
    """For the erasure of an account: its tokens go with it."""
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted

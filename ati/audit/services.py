"""Writing to the audit log: the only way an event is ever created."""

from __future__ import annotations

import json
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .context import current_ip
from .models import GENESIS_HASH, AuditChainHead, AuditEvent, canonical_json, compute_hash


def _jsonable(data: Any) -> Any:
    # Store exactly what the hash covered: the JSON round trip of the value.
    return None if data is None else json.loads(canonical_json(data))


def record(
    action: str,
    *,
    actor: Any = None,
    obj: models.Model | None = None,
    before: Any = None,
    after: Any = None,
    reason: str = "",
    ip_address: str | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction.

    The chain head row is locked first, so concurrent writers append one after
    the other and each event links to the one before it.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
    if actor is not None and not getattr(actor, "is_authenticated", True):
        actor = None
    with transaction.atomic():
        # The head row is made by the migration; creating it here is only a fallback.
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditChainHead.objects.create(pk=1)
        event = AuditEvent(
            id=head.last_id + 1,
            created_at=timezone.now(),
            actor=actor,
            actor_label=str(actor)[:320] if actor is not None else "system",
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr,
            before=_jsonable(before),
            after=_jsonable(after),
            reason=reason,
            ip_address=ip_address or current_ip(),
            prev_hash=head.last_hash or GENESIS_HASH,
        )
        event.hash = compute_hash(event.prev_hash, event.content())
        event.save(force_insert=True)
        AuditChainHead.objects.filter(pk=1).update(last_hash=event.hash, last_id=event.id)
    return event


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of an object, for `before` and `after`."""
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return {name: getattr(obj, name) for name in names}

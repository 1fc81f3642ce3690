"""Writing to the audit log: the only way an event is ever created."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from .context import current_ip
from .models import GENESIS_HASH, AuditChainHead, AuditEvent, canonical_json, compute_hash


def _jsonable(data: Any) -> Any:
    # Store exactly what the hash covered: the JSON round trip of the value.
    return None if data is None else json.loads(canonical_json(data))


def _label(thing: Any) -> str:
    """An object's own audit label (an account names no citizen, see User.audit_label)."""
    return str(getattr(thing, "audit_label", None) or thing)


#: Called with each event appended and the object it is about, inside the caller's
#: transaction, after the insert: how a higher app reacts to what happened (the requests
#: app queues its webhook events here) without this one knowing it. A hook must be cheap
#: for the events it ignores: a bulk recomputation appends thousands at once.
RECORD_HOOKS: list[Callable[[AuditEvent, Any], None]] = []


def register_record_hook(hook: Callable[[AuditEvent, Any], None]) -> None:
    if hook not in RECORD_HOOKS:
        RECORD_HOOKS.append(hook)


def _append(specs: list[dict[str, Any]], actor: Any, ip_address: str | None) -> list[AuditEvent]:
    """Append events to the chain, inside the caller's transaction.

    The chain head row is locked first, so concurrent writers append one after
    the other and each event links to the one before it.
    """
    if actor is not None and not getattr(actor, "is_authenticated", True):
        actor = None
    # No savepoint: inside the caller's transaction a failure here fails it anyway,
    # and a savepoint is two more round trips while the head row is locked.
    with transaction.atomic(savepoint=False):
        # The head row is made by the migration; creating it here is only a fallback.
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditChainHead.objects.create(pk=1)
        prev_hash, next_id, now = head.last_hash or GENESIS_HASH, head.last_id + 1, timezone.now()
        events = []
        for spec in specs:
            obj = spec.get("obj")
            event = AuditEvent(
                id=next_id,
                created_at=now,
                actor=actor,
                actor_label=_label(actor)[:320] if actor is not None else "system",
                action=spec["action"],
                object_type=spec.get("object_type") or (obj._meta.label_lower if obj else ""),
                object_id=spec.get("object_id") or (str(obj.pk) if obj else ""),
                object_repr=spec.get("object_repr") or (_label(obj)[:300] if obj else ""),
                before=_jsonable(spec.get("before")),
                after=_jsonable(spec.get("after")),
                reason=spec.get("reason", ""),
                ip_address=ip_address or current_ip(),
                prev_hash=prev_hash,
            )
            event.hash = compute_hash(prev_hash, event.content())
            events.append(event)
            prev_hash, next_id = event.hash, next_id + 1
        if len(events) > BULK_THRESHOLD:
            _insert_raw(events)
        else:
            AuditEvent.objects.bulk_create(events)
        AuditChainHead.objects.filter(pk=1).update(last_hash=prev_hash, last_id=next_id - 1)
    for hook in RECORD_HOOKS:
        for event, spec in zip(events, specs, strict=True):
            hook(event, spec.get("obj"))
    return events


#: Above this many events, rows are written with one plain executemany: the ORM's
#: per-row preparation costs more than the hashing (see bench/bench_recompute_requests.py).
BULK_THRESHOLD = 500


def _insert_raw(events: list[AuditEvent]) -> None:
    fields = list(AuditEvent._meta.concrete_fields)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names from the model
    json_fields = {"before", "after"}
    rows = [
        [
            canonical_json(getattr(e, f.attname))
            if f.name in json_fields and getattr(e, f.attname) is not None
            else f.get_db_prep_save(getattr(e, f.attname), connection)
            for f in fields
        ]
        for e in events
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


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
    """Append one event to the chain, inside the caller's transaction."""
    spec = {
        "action": action,
        "obj": obj,
        "before": before,
        "after": after,
        "reason": reason,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr,
    }
    return _append([spec], actor, ip_address)[0]


def record_many(events: list[dict[str, Any]], *, actor: Any = None) -> int:
    """Append many events under one lock and one insert (a bulk recomputation).

    Each dict takes the keyword arguments of `record` (action, obj or
    object_type/object_id/object_repr, before, after, reason).
    """
    return len(_append(events, actor, None)) if events else 0


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of an object, for `before` and `after`.

    Fields the object declares private (`audit_private_fields`: a password hash, a
    citizen's name and e-mail) are left out: the log is kept for good.
    """
    private = set(getattr(obj, "audit_private_fields", ()))
    names = [
        n for n in fields or [f.attname for f in obj._meta.concrete_fields] if n not in private
    ]
    return {name: getattr(obj, name) for name in names}

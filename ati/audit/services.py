"""Writing to the audit log: the only way an event is ever created."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from .context import current_ip
from .models import GENESIS_HASH, AuditChainHead, AuditEvent, canonical_json


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
    """Write events unsealed, inside the caller's transaction.

    No row is locked: concurrent writers insert side by side, each event's id
    comes from the table's sequence, and the sealer chains them once committed.
    """
    if actor is not None and not getattr(actor, "is_authenticated", True):
        actor = None
    now = timezone.now()
    events = []
    for spec in specs:
        obj = spec.get("obj")
        events.append(
            AuditEvent(
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
            )
        )
    if len(events) > BULK_THRESHOLD:
        _insert_raw(events)
    else:
        # bulk_create: no savepoint (a failure here fails the caller's transaction anyway).
        AuditEvent.objects.bulk_create(events)
    for hook in RECORD_HOOKS:
        for event, spec in zip(events, specs, strict=True):
            hook(event, spec.get("obj"))
    return events


#: Above this many events, rows are written with one plain executemany: the ORM's
#: per-row preparation costs more than the hashing (see bench/bench_recompute_requests.py).
BULK_THRESHOLD = 500


def _insert_raw(events: list[AuditEvent]) -> None:
    # The id is the sequence's (in the order of the rows); the seal is written later.
    fields = [f for f in AuditEvent._meta.concrete_fields if f.name != "id"]
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
    """Append one event, inside the caller's transaction (sealed into the chain after commit)."""
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


def seal(batch_size: int = 5000) -> int:
    """Chain every committed unsealed event, in the order of their ids; return how many.

    One sealer at a time: each batch is sealed under the chain head's row lock
    (`SELECT … FOR UPDATE`; on SQLite, write transactions are serialised), and a
    sealer that waited reads the events again once the other committed, so no event
    is sealed twice. Idempotent: with nothing unsealed it writes nothing. An event
    whose transaction commits after a later one was sealed simply takes the next
    position; a transaction that rolled back leaves a gap in the ids, never in the
    positions.
    """
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    q = connection.ops.quote_name
    sql = (
        f"UPDATE {table} SET {q('position')} = %s, {q('prev_id')} = %s, "  # noqa: S608
        f"{q('prev_hash')} = %s, {q('hash')} = %s WHERE {q('id')} = %s "
        f"AND {q('position')} IS NULL"
    )
    sealed = 0
    unsealed = AuditEvent.objects.filter(position__isnull=True)
    while True:
        # A read first: with nothing to seal (most seconds of a quiet site) no lock is
        # taken, which on SQLite would hold off every writer for the moment (BEGIN IMMEDIATE).
        if not connection.in_atomic_block and not unsealed.exists():
            return sealed
        with transaction.atomic():
            head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
            if head is None:  # made by the migration; this is only a fallback
                AuditChainHead.objects.bulk_create([AuditChainHead(pk=1)], ignore_conflicts=True)
                head = AuditChainHead.objects.select_for_update().get(pk=1)
            events = list(unsealed.order_by("id")[:batch_size])
            if not events:
                return sealed
            prev_hash = head.last_hash or GENESIS_HASH
            prev_id, position = head.last_id or None, head.last_position
            rows = []
            for event in events:
                position += 1
                event.position, event.prev_id, event.prev_hash = position, prev_id, prev_hash
                event.hash = event.compute_hash()
                rows.append([position, prev_id, prev_hash, event.hash, event.pk])
                prev_hash, prev_id = event.hash, event.pk
            with connection.cursor() as cursor:
                cursor.executemany(sql, rows)
            AuditChainHead.objects.filter(pk=1).update(
                last_hash=prev_hash, last_id=prev_id, last_position=position
            )
        sealed += len(events)
        if len(events) < batch_size:
            return sealed


def record_many(events: list[dict[str, Any]], *, actor: Any = None) -> int:
    """Append many events in one insert (a bulk recomputation).

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

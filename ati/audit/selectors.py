"""Reading the audit log: verification of the chain."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from .models import GENESIS_HASH, AuditChainHead, AuditEvent


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    problem: str


def verify_chain(
    batch_size: int = 5000, *, seal_first: bool = True
) -> tuple[int, ChainBreak | None]:
    """Walk the sealed chain in order; return how many events were checked and the first break.

    A row edited in place no longer matches its hash; a deleted row leaves a gap
    in the positions and a `prev_hash` that no longer links (the next event's
    `prev_id` names it); a row deleted from the end is caught by the chain head,
    which remembers the last event. An event still unsealed longer than
    `ATI_AUDIT_SEAL_DELAY_SECONDS` after it was written is a break too: the
    sealer is not running, or a transaction held the event that long.

    With `seal_first` (the default, as `verify_audit` does) what is committed is
    sealed before the walk, so the chain verified is the whole log; without it,
    the check watches the sealer (`verify_audit --no-seal`).
    """
    if seal_first:
        from .services import seal

        seal()
    prev_hash, expected, checked = GENESIS_HASH, 1, 0
    last_id = 0
    while True:
        batch = list(
            AuditEvent.objects.filter(position__gte=expected).order_by("position")[:batch_size]
        )
        if not batch:
            break
        for event in batch:
            if event.position != expected:
                missing = event.prev_id or expected
                return checked, ChainBreak(missing, f"event #{missing} is missing")
            if event.prev_hash != prev_hash or (event.prev_id or 0) != last_id:
                return checked, ChainBreak(event.id, "does not link to the event before it")
            if event.compute_hash() != event.hash:
                return checked, ChainBreak(event.id, "content does not match its hash (edited)")
            prev_hash, expected, last_id = event.hash, expected + 1, event.id
            checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_position != expected - 1:
        missing = head.last_id
        return checked, ChainBreak(missing, f"event #{missing} is missing (chain ends early)")
    late = oldest_unsealed(older_than=settings.ATI_AUDIT_SEAL_DELAY_SECONDS)
    if late is not None:
        return checked, ChainBreak(
            late.id,
            f"event #{late.id} is still unsealed {settings.ATI_AUDIT_SEAL_DELAY_SECONDS} s "
            "after it was written (is the sealer running?)",
        )
    return checked, None


def oldest_unsealed(older_than: float = 0) -> AuditEvent | None:
    """The first event not sealed yet and written more than `older_than` seconds ago."""
    limit = timezone.now() - dt.timedelta(seconds=older_than)
    unsealed = AuditEvent.objects.filter(position__isnull=True, created_at__lt=limit)
    return unsealed.order_by("id").first()

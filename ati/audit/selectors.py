"""Reading the audit log: verification of the chain."""

from __future__ import annotations

from dataclasses import dataclass

from .models import GENESIS_HASH, AuditChainHead, AuditEvent


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    problem: str


def verify_chain(batch_size: int = 5000) -> tuple[int, ChainBreak | None]:
    """Walk the chain in order; return how many events were checked and the first break.

    A row edited in place no longer matches its hash; a deleted row leaves a gap
    in the sequence and a `prev_hash` that no longer links; a row deleted from
    the end is caught by the chain head, which remembers the last event.
    """
    prev_hash, expected_id, checked = GENESIS_HASH, 1, 0
    last_id = 0
    while True:
        batch = list(AuditEvent.objects.filter(id__gte=expected_id).order_by("id")[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.id != expected_id:
                return checked, ChainBreak(expected_id, f"event #{expected_id} is missing")
            if event.prev_hash != prev_hash:
                return checked, ChainBreak(event.id, "does not link to the event before it")
            if event.compute_hash() != event.hash:
                return checked, ChainBreak(event.id, "content does not match its hash (edited)")
            prev_hash, expected_id, last_id = event.hash, event.id + 1, event.id
            checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_id != last_id:
        missing = last_id + 1
        return checked, ChainBreak(missing, f"event #{missing} is missing (chain ends early)")
    return checked, None

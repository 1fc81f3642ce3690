"""The sealer chains events after their transaction commits (docs/audit.md, issue #19)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from ati.audit.models import AuditChainHead, AuditEvent
from ati.audit.selectors import oldest_unsealed, verify_chain
from ati.audit.services import record, record_many, seal

from ..reliability.threads import InThread


def _events(n: int, start: int = 0) -> list[AuditEvent]:
    return [record("x.done", object_id=str(i), after={"i": i}) for i in range(start, start + n)]


@pytest.mark.django_db
def test_an_event_is_written_unsealed_and_takes_no_lock_on_the_chain():
    event = record("x.done")
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.position is None and stored.hash is None
    assert AuditChainHead.objects.get(pk=1).last_position == 0


@pytest.mark.django_db
def test_the_sealer_chains_events_in_the_order_of_their_ids_and_is_idempotent():
    events = _events(5)
    assert seal() == 5
    stored = list(AuditEvent.objects.order_by("position"))
    assert [e.pk for e in stored] == [e.pk for e in events]
    assert [e.position for e in stored] == [1, 2, 3, 4, 5]
    assert [e.prev_id for e in stored] == [None, *[e.pk for e in events[:-1]]]
    hashes = [e.hash for e in stored]
    assert seal() == 0  # nothing left: nothing rewritten
    assert [e.hash for e in AuditEvent.objects.order_by("position")] == hashes
    head = AuditChainHead.objects.get(pk=1)
    assert (head.last_id, head.last_position, head.last_hash) == (events[-1].pk, 5, hashes[-1])
    _events(2, start=5)
    assert seal() == 2
    assert verify_chain(seal_first=False) == (7, None)


@pytest.mark.django_db
def test_the_sealer_works_in_batches(settings):
    record_many([{"action": "x.bulk", "object_id": str(i)} for i in range(1200)])
    assert seal(batch_size=500) == 1200
    assert verify_chain(seal_first=False) == (1200, None)


@pytest.mark.django_db
def test_verify_audit_seals_first_and_reports_what_it_verified(capsys):
    _events(3)
    call_command("verify_audit")
    assert "intact: 3 events" in capsys.readouterr().out
    assert not AuditEvent.objects.filter(position__isnull=True).exists()


@pytest.mark.django_db
def test_seal_audit_command(capsys):
    _events(2)
    call_command("seal_audit")
    assert "sealed: 2" in capsys.readouterr().out


@pytest.mark.django_db
def test_an_event_left_unsealed_longer_than_the_delay_is_an_error(settings):
    settings.ATI_AUDIT_SEAL_DELAY_SECONDS = 60
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        late = record("x.done")
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, 30, tzinfo=dt.UTC), tick=False):
        assert verify_chain(seal_first=False) == (0, None)  # 30 s: the sealer has time yet
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 1, 1, tzinfo=dt.UTC), tick=False):
        _, broken = verify_chain(seal_first=False)
        assert broken is not None and broken.event_id == late.pk
        assert "unsealed" in broken.problem
        with pytest.raises(CommandError) as excinfo:
            call_command("verify_audit", "--no-seal")
        assert excinfo.value.returncode == 1
        assert oldest_unsealed(older_than=60) == late
        # Sealed late, it is part of the chain like any other.
        call_command("verify_audit")
    assert verify_chain() == (1, None)


@pytest.mark.django_db
def test_a_sealed_event_unsealed_by_hand_is_a_missing_event():
    _, second, _ = _events(3)
    seal()
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET position = NULL, hash = NULL WHERE id = %s",  # noqa: S608  # tampering on purpose
            [second.pk],
        )
    broken = verify_chain(seal_first=False)[1]
    assert broken is not None and broken.event_id == second.pk and "missing" in broken.problem


@pytest.mark.django_db
def test_events_swapped_in_the_chain_do_not_link():
    first, second, _ = _events(3)
    seal()
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:  # tampering on purpose: swap two positions
        cursor.execute(f"UPDATE {table} SET position = -1 WHERE id = %s", [first.pk])  # noqa: S608
        cursor.execute(f"UPDATE {table} SET position = 1 WHERE id = %s", [second.pk])  # noqa: S608
        cursor.execute(f"UPDATE {table} SET position = 2 WHERE id = %s", [first.pk])  # noqa: S608
    broken = verify_chain(seal_first=False)[1]
    assert broken is not None and broken.event_id == second.pk
    assert "does not link" in broken.problem


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_leaves_a_gap_in_the_ids_not_in_the_chain():
    kept = record("x.kept")
    with pytest.raises(RuntimeError), transaction.atomic():
        record("x.rolled_back")
        raise RuntimeError("the change fails")
    after = record("x.after")
    assert after.pk == kept.pk + 2  # the sequence skipped the rolled-back event's number
    assert seal() == 2
    assert verify_chain() == (2, None)
    assert list(AuditEvent.objects.order_by("position").values_list("position", "prev_id")) == [
        (1, None),
        (2, kept.pk),
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_event_committed_after_a_later_one_was_sealed_takes_the_next_position():
    from ..reliability.threads import Gate

    gate = Gate()

    def slow_writer():
        with transaction.atomic():
            event = record("x.slow")  # takes its id now, commits later
            gate.arrive()
        return event

    slow = InThread(slow_writer)
    gate.wait_reached()
    fast = record("x.fast")
    assert seal() == 1  # the slow one is not committed: not seen
    gate.open()
    slow_event = slow.result()
    assert slow_event.pk < fast.pk
    assert seal() == 1
    assert AuditEvent.objects.get(pk=slow_event.pk).position == 2
    assert verify_chain() == (2, None)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sealers_at_once_seal_each_event_once():
    for round_ in range(3):
        _events(300, start=round_ * 300)
        sealers = [InThread(lambda: seal(batch_size=50)) for _ in range(2)]
        writer = InThread(lambda r=round_: _events(50, start=10_000 + r * 50))
        counts = [s.result() for s in sealers]
        writer.result()
        assert sum(counts) + seal() == 350
    assert not AuditEvent.objects.filter(position__isnull=True).exists()
    assert verify_chain(seal_first=False) == (1050, None)

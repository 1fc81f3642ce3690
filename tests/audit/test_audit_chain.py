"""The audit log is append-only and tamper-evident (DESIGN.md § 1, issue #2)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from ati.audit.models import AppendOnlyError, AuditEvent
from ati.audit.selectors import verify_chain
from ati.audit.services import record, seal

pytestmark = pytest.mark.django_db


def _three_events(actor=None):
    """Three events, sealed (as beat's sealer does within a second of their commit).

    An event is tamper-evident once sealed: the tampering tests change sealed events.
    """
    events = [
        record(
            "request.submitted",
            actor=actor,
            object_type="request",
            object_id=str(i),
            after={"state": "submitted", "n": i},
            reason=f"step {i}",
        )
        for i in range(1, 4)
    ]
    seal()
    return events


def test_each_event_links_to_the_one_before(citizen):
    # Events are chained by the sealer once committed (docs/audit.md): read them back.
    first, second, third = (AuditEvent.objects.get(pk=e.pk) for e in _three_events(citizen))
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert verify_chain() == (3, None)
    # A citizen is named by number only: the log outlives the retention of their identity.
    assert AuditEvent.objects.get(pk=first.pk).actor_label == f"citizen #{citizen.pk}"


def test_staff_are_named_in_full_and_no_password_hash_is_recorded(officer, citizen):
    from ati.audit.services import snapshot

    event = record("account.changed", actor=officer, obj=citizen, after=snapshot(citizen))
    assert event.actor_label == str(officer)
    assert event.object_repr == f"citizen #{citizen.pk}"
    assert not {"password", "email", "full_name"} & set(event.after)
    assert "password" not in snapshot(officer) and snapshot(officer)["email"] == officer.email


def test_verify_audit_exits_zero_on_an_intact_chain(capsys):
    _three_events()
    call_command("verify_audit")
    assert "intact: 3 events" in capsys.readouterr().out


def test_verify_audit_detects_a_row_edited_through_raw_sql():
    _, second, _ = _three_events()
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET reason = %s WHERE id = %s",  # noqa: S608  # tampering on purpose; the table name is the model's
            ["nothing to see", second.pk],
        )
    with pytest.raises(CommandError) as excinfo:
        call_command("verify_audit")
    assert excinfo.value.returncode == 1
    assert f"#{second.pk}" in str(excinfo.value)
    assert "edited" in str(excinfo.value)


def test_verify_audit_detects_an_edited_before_after_payload():
    first, _, _ = _three_events()
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET action = %s WHERE id = %s",  # noqa: S608  # tampering on purpose; the table name is the model's
            ["request.granted", first.pk],
        )
    assert verify_chain()[1].event_id == first.pk


def test_verify_audit_detects_a_deleted_row():
    _, second, _ = _three_events()
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [second.pk])  # noqa: S608  # tampering on purpose
    broken = verify_chain()[1]
    assert broken is not None and broken.event_id == second.pk and "missing" in broken.problem


def test_verify_audit_detects_the_last_row_deleted():
    *_, third = _three_events()
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [third.pk])  # noqa: S608  # tampering on purpose
    broken = verify_chain()[1]
    assert broken is not None and broken.event_id == third.pk


def test_no_code_path_updates_or_deletes_an_event():
    event = record("x.done")
    event.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert verify_chain() == (1, None)


def test_event_keeps_the_ip_address_of_the_web_request(client, administrator):
    from ati.law.models import LegalProfile

    client.force_login(administrator)
    response = client.post(
        "/admin/bodies/publicbody/add/",
        {
            "code": "min-test",
            "name_fr": "Ministère test",
            "kind": "ministry",
            "legal_profile": LegalProfile.objects.get(code="ma-31-13").pk,
            "departments-TOTAL_FORMS": "0",
            "departments-INITIAL_FORMS": "0",
        },
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 302, response.content
    event = AuditEvent.objects.get(action="publicbody.created")
    assert event.ip_address == "203.0.113.7"
    assert event.actor_id == administrator.pk
    assert event.after["code"] == "min-test"


def test_admin_shows_the_log_read_only(client, administrator):
    event = record("x.done")
    client.force_login(administrator)
    assert client.get("/admin/audit/auditevent/").status_code == 200
    assert client.get(f"/admin/audit/auditevent/{event.pk}/change/").status_code == 200
    assert client.post(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    assert client.get("/admin/audit/auditevent/add/").status_code == 403


def test_a_bulk_append_keeps_the_chain_intact(citizen):
    """A calendar change audits thousands of due dates at once (record_many)."""
    from ati.audit.services import record_many

    record("before.bulk", after={"x": 1})
    specs = [
        {
            "action": "request.due_date_recomputed",
            "object_type": "requests.informationrequest",
            "object_id": str(i),
            "before": {"response_due": "2026-12-01"},
            "after": None if i % 2 else {"response_due": "2026-12-02", "note": "é"},
            "reason": "r",
        }
        for i in range(1200)
    ]
    assert record_many(specs, actor=citizen) == 1200
    record("after.bulk")
    assert verify_chain() == (1202, None)
    event = AuditEvent.objects.get(object_id="4", action="request.due_date_recomputed")
    assert event.position == 6  # after "before.bulk" and the first five of the bulk
    assert event.after == {"response_due": "2026-12-02", "note": "é"}
    assert event.actor_id == citizen.pk
    with connection.cursor() as cursor:
        table = AuditEvent._meta.db_table
        cursor.execute(f"UPDATE {table} SET reason = 'x' WHERE id = %s", [event.pk])  # noqa: S608
    assert verify_chain()[1].event_id == event.pk

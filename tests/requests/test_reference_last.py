"""The yearly number is taken last, then written into every row that carries it (issue #19)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ati.audit.models import AuditEvent
from ati.notifications.models import Notification, NotificationAttachment
from ati.requests.models import InformationRequest, ReferenceCounter

pytestmark = pytest.mark.django_db


def test_the_notices_and_the_event_carry_the_final_reference(submit, officer):
    req = submit()
    assert req.reference == "DAI-2026-00001"
    assert InformationRequest.objects.get(pk=req.pk).reference == req.reference
    notices = Notification.objects.filter(related_id=req.pk)
    assert notices.count() >= 2  # the applicant's receipt, the officers' notice
    for notice in notices:
        for text in (notice.subject, notice.text_body, notice.html_body):
            assert "pending-" not in text
        assert req.reference in notice.subject
        assert req.reference in notice.text_body
    names = list(NotificationAttachment.objects.values_list("name", flat=True))
    assert names == [f"recepisse-{req.reference}.pdf"]
    event = AuditEvent.objects.get(action="request.submitted", object_id=str(req.pk))
    assert event.object_repr.startswith(req.reference)


def test_the_counter_is_the_last_write_but_the_audit_event(submit, officer):
    submit()  # the counter row of the year exists from now on
    with CaptureQueriesContext(connection) as ctx:
        submit()
    sql = [q["sql"] for q in ctx.captured_queries]
    counter = ReferenceCounter._meta.db_table
    at = max(i for i, s in enumerate(sql) if f'UPDATE "{counter}"' in s)
    after = [s for s in sql[at + 1 :] if not s.startswith(("RELEASE", "SAVEPOINT"))]
    # Only the rows that carry the reference, then the audit event (no lock taken).
    assert all(s.startswith(("UPDATE", 'INSERT INTO "audit_auditevent"')) for s in after), after
    assert len(after) <= (1 if connection.vendor == "postgresql" else 3) + 1


@pytest.mark.postgres
def test_numbers_past_99999_keep_growing_as_before(submit, officer):
    ReferenceCounter.objects.create(year=2026, last=99_999)
    assert submit().reference == "DAI-2026-100000"
    ReferenceCounter.objects.filter(year=2026).update(last=41)
    assert submit().reference == "DAI-2026-00042"

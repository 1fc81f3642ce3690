"""The yearly number is taken last, then written into every row that carries it (issue #19)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ati.accounts.models import Role
from ati.audit.models import AuditEvent
from ati.core.models import Counter
from ati.notifications.models import Notification, NotificationAttachment
from ati.requests import services
from ati.requests.models import InformationRequest
from tests.factories import PublicBodyFactory, member

pytestmark = pytest.mark.django_db


def test_the_notices_and_the_event_carry_the_final_reference(
    submit, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
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


def test_the_counter_is_the_last_write(submit, officer):
    submit()  # the counter row of the year exists from now on
    with CaptureQueriesContext(connection) as ctx:
        submit()
    sql = [q["sql"] for q in ctx.captured_queries]
    counter = Counter._meta.db_table
    at = max(i for i, s in enumerate(sql) if f'"{counter}"' in s)
    after = [s for s in sql[at + 1 :] if not s.startswith(("RELEASE", "SAVEPOINT"))]
    # The audit event is written before, with the provisional reference; after the
    # counter only the request's and the event's references are rewritten (SQLite). On
    # PostgreSQL the counter's statement is the last: it inserts the request, numbered,
    # and rewrites the event's reference.
    assert all(s.startswith("UPDATE") for s in after), after
    assert len(after) <= (0 if connection.vendor == "postgresql" else 2)
    if connection.vendor == "postgresql":
        assert f'INSERT INTO "{InformationRequest._meta.db_table}"' in sql[at]


@pytest.mark.postgres
def test_the_request_row_is_written_once(submit, officer):
    # The reference is indexed: inserting the row and then rewriting its reference would
    # write every index of the table twice and leave a dead row (docs/performance.md).
    def writes() -> tuple[int, int]:
        # This test transaction's own counts of rows inserted and updated in the table.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT n_tup_ins, n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = %s",
                [InformationRequest._meta.db_table],
            )
            return cursor.fetchone()

    inserted, updated = writes()
    submit()
    assert writes() == (inserted + 1, updated)


def test_the_years_first_request_creates_its_counter(submit, officer):
    assert not Counter.objects.exists()
    assert submit().reference == "DAI-2026-00001"
    assert Counter.objects.get(name="requests.reference", year=2026).value == 1


@pytest.mark.postgres
def test_numbers_past_99999_keep_growing_as_before(submit, officer):
    Counter.objects.create(name="requests.reference", year=2026, value=99_999)
    assert submit().reference == "DAI-2026-100000"
    Counter.objects.filter(name="requests.reference", year=2026).update(value=41)
    assert submit().reference == "DAI-2026-00042"


def test_a_transfer_numbers_the_new_request_last(submit, officer):
    req = submit()
    other = PublicBodyFactory()
    member(Role.OFFICER, other)
    with CaptureQueriesContext(connection) as ctx:
        services.transfer(officer, req, to_body=other, reason="Compétence de l'autre organisme.")
    successor = InformationRequest.objects.get(transferred_from=req)
    assert successor.reference == "DAI-2026-00002"
    # Every notice of the transfer names the new request by its number, none by the
    # provisional one: the applicant's (about the old request) and the new body's officers'.
    notices = Notification.objects.filter(kind__in=["request.transferred", "request.new_request"])
    about = {n.related_id for n in notices if successor.reference in n.text_body}
    assert about == {req.pk, successor.pk}
    assert not Notification.objects.filter(text_body__contains="pending-").exists()
    event = AuditEvent.objects.get(action="request.submitted", object_id=str(successor.pk))
    assert event.object_repr.startswith(successor.reference)
    sql = [q["sql"] for q in ctx.captured_queries]
    at = max(i for i, s in enumerate(sql) if f'"{Counter._meta.db_table}"' in s)
    after = [s for s in sql[at + 1 :] if not s.startswith(("RELEASE", "SAVEPOINT"))]
    assert all(s.startswith(("UPDATE", 'INSERT INTO "audit_auditevent"')) for s in after), after

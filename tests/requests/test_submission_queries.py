"""What one submission through the API costs in SQL (issue #19): a fixed, short list."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ati.requests.models import InformationRequest
from tests.factories import UserFactory

from .test_api import PAYLOAD, api

pytestmark = pytest.mark.django_db


def test_a_submission_is_seven_statements_on_postgresql_eight_on_sqlite(body, officer, citizen):
    client = api(citizen)
    # The first of the year also creates the year's counter row; the legal profile
    # version in force is then kept by the process.
    assert client.post("/api/v1/requests/", {**PAYLOAD, "body": body.code}, format="json")
    other = api(UserFactory(email_verified=True))
    with CaptureQueriesContext(connection) as ctx:
        response = other.post("/api/v1/requests/", {**PAYLOAD, "body": body.code}, format="json")
    assert response.status_code == 201, response.content
    sql = [
        q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]
    # The rate limit, the body, the calendar held and read (PostgreSQL: one statement), the
    # request, the number (PostgreSQL: one statement, which inserts the request, its id
    # taken by one more before the audit event; SQLite: three), the audit event. Not
    # the legal profile version (kept), no check constraint re-run by a query, no re-read to
    # answer, and no notice: the worker writes the receipt and the officers' notice after
    # the commit (test_submission_notices.py).
    assert len(sql) <= (7 if connection.vendor == "postgresql" else 8), "\n".join(sql)
    assert not any("notifications_notification" in s for s in sql)
    assert not any('"bodies_membership"' in s for s in sql)
    assert sum('FROM "law_legalprofileversion"' in s for s in sql) == 0
    assert not any(s.startswith('SELECT "requests_informationrequest"') for s in sql)
    assert InformationRequest.objects.get(pk=response.json()["id"]).reference.endswith("00002")

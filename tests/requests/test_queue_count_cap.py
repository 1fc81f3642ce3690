"""A very large body's queue counts up to a cap and says "N+" (issue #19)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def _queue(officer, url="/api/v1/requests/"):
    client = APIClient()
    client.force_authenticate(officer)
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en")


def test_the_count_is_exact_up_to_the_cap(submit, officer, settings):
    settings.ATI_LIST_COUNT_CAP = 5
    for _ in range(3):
        submit()
    data = _queue(officer).json()
    assert (data["count"], data["count_exact"], data["count_label"]) == (3, True, "3 requests")


def test_above_the_cap_the_queue_says_at_least(submit, officer, settings):
    settings.ATI_LIST_COUNT_CAP = 3
    for _ in range(5):
        submit()
    with CaptureQueriesContext(connection) as ctx:
        response = _queue(officer, "/api/v1/requests/?page_size=2")
    data = response.json()
    assert (data["count"], data["count_exact"], data["count_label"]) == (3, False, "3+ requests")
    assert len(data["results"]) == 5  # the page itself is not capped (page size 50)
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1 and "LIMIT 4" in counts[0]

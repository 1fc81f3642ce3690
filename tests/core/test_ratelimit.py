"""The rate-limit counters in the database (no ATI_CACHE_URL): counted, and cheap to commit."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from ati.core import ratelimit
from ati.core.models import RateCounter


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return str(cursor.fetchone()[0])


@override_settings(ATI_CACHE_URL="", ATI_RATE_LIMITS={"submit": (2, 3600)})
@pytest.mark.django_db(transaction=True)
def test_hits_are_counted_up_to_the_limit_each_in_its_own_commit():
    assert ratelimit.hit("submit", "amina@example.ma")
    assert ratelimit.hit("submit", "Amina@example.ma")  # the same person
    assert not ratelimit.hit("submit", "amina@example.ma")
    assert ratelimit.hit("submit", "youssef@example.ma")  # another person
    assert ratelimit.count("submit", "amina@example.ma") == 3
    assert RateCounter.objects.count() == 2


@pytest.mark.postgres
@override_settings(ATI_CACHE_URL="", ATI_RATE_LIMITS={"submit": (5, 3600)})
@pytest.mark.django_db(transaction=True)
def test_a_hit_commits_lazily_but_leaves_the_connection_as_it_was():
    # The hit's own transaction does not wait for the WAL flush (a lost hit is harmless)…
    with CaptureQueriesContext(connection) as ctx:
        assert ratelimit.hit("submit", "amina@example.ma")
    assert any("synchronous_commit TO OFF" in q["sql"] for q in ctx.captured_queries)
    # …and what runs next on the connection, a submission, commits as before.
    assert _synchronous_commit() == "on"
    with transaction.atomic():
        assert _synchronous_commit() == "on"


@pytest.mark.postgres
@override_settings(ATI_CACHE_URL="", ATI_RATE_LIMITS={"submit": (5, 3600)})
@pytest.mark.django_db(transaction=True)
def test_a_hit_inside_a_callers_transaction_does_not_make_its_commit_lazy():
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        assert ratelimit.hit("submit", "amina@example.ma")
        assert _synchronous_commit() == "on"
    assert not any("synchronous_commit" in q["sql"] for q in ctx.captured_queries[:-1])
    assert ratelimit.count("submit", "amina@example.ma") == 1

"""The national-scale generator at a tiny scale: counts and invariants, on both databases."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from ati.appeals.models import Appeal, Complaint
from ati.core.models import Counter
from ati.library.models import Publication
from ati.requests.models import InformationRequest, Message, State


@pytest.fixture
def generated(db):
    out = StringIO()
    call_command(
        "generate_load_data",
        "--bodies=6",
        "--requests=3000",
        "--documents=90",
        "--today=2026-11-26",
        stdout=out,
    )
    return out.getvalue()


def test_counts_and_every_state(generated):
    assert InformationRequest.objects.count() == 3000
    states = set(InformationRequest.objects.values_list("state", flat=True).distinct())
    assert states == set(State.values)
    assert Message.objects.count() > 1000
    assert Complaint.objects.exists() and Appeal.objects.exists()
    assert Publication.objects.filter(state="published").count() == 90
    langs = dict(Publication.objects.values_list("language").annotate(n=Count("id")).order_by())
    assert langs == {"fr": 60, "ar": 30}
    assert "generated in" in generated


def test_references_unique_and_the_counter_continues(generated, citizen, body):
    refs = list(InformationRequest.objects.values_list("reference", flat=True))
    assert len(set(refs)) == len(refs)
    for counter in Counter.objects.filter(name="requests.reference"):
        numbers = [int(r.rsplit("-", 1)[1]) for r in refs if r.startswith(f"DAI-{counter.year}-")]
        assert max(numbers) == counter.value == len(numbers)
    from ati.requests import services

    citizen.email_verified = True
    citizen.save()
    req = services.submit_request(
        citizen,
        body=body,
        applicant=services.ApplicantDetails(
            first_name="A", last_name="B", address="Rabat", id_number="AB123", email="a@b.ma"
        ),
        details=services.RequestDetails(subject="S", information_requested="I"),
    )
    year = req.received_on.year
    assert (
        req.reference
        == f"DAI-{year}-{Counter.objects.get(name='requests.reference', year=year).value:05d}"
    )
    assert refs.count(req.reference) == 0


def test_due_dates_are_the_engines(generated):
    from ati.law.selectors import request_schedule

    for req in InformationRequest.objects.order_by("?")[:20]:
        due = request_schedule(req.profile_version, req.received_on).response_due.due
        assert req.original_response_due == due
        assert req.received_on <= dt.date(2026, 11, 26)


def test_due_dates_are_stored_as_a_submission_stores_them(generated):
    """With their computation (due_basis): pages explain them in the reader's language
    from it instead of recomputing, as for a request submitted on the site."""
    from ati.law.selectors import request_schedule
    from ati.requests.models import due_fields

    assert not InformationRequest.objects.filter(due_basis__isnull=True).exists()
    by_language = {
        lang: InformationRequest.objects.filter(language=lang).order_by("?")[:10]
        for lang in ("fr", "ar")
    }
    for lang, sample in by_language.items():
        assert sample
        for req in sample:
            deadline = request_schedule(req.profile_version, req.received_on).response_due
            stored = {k: getattr(req, k) for k in ("response_due", "due_basis", "due_explanation")}
            assert stored == due_fields(deadline, lang)
            # The explanation in another reader's language comes from the data.
            other = "ar" if lang == "fr" else "fr"
            assert req.explain_due(other) == deadline.explanation(other) != req.due_explanation


def test_search_index_in_sync(generated):
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM library_fts")
            assert cursor.fetchone()[0] == 90
    else:
        assert not Publication.objects.filter(search_vector__isnull=True).exists()
    from ati.library.search import search

    word = Publication.objects.filter(language="fr").first().title.split()[0]
    assert search(word, with_facets=False).total > 0

"""Law 09-08: no applicant's identity on any public page, in the anonymous API,
the library (its pages, PDFs and search index) or the open-data files."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client

from ati.library import search
from ati.library import services as library_services
from ati.library.models import Publication
from ati.stats.compute import refresh_stats

from .world import IDENTITIES, NOW, build_world

FIELDS = ("first_name", "last_name", "id_number", "email", "phone", "address")


def needles() -> list[str]:
    found = []
    for identity in IDENTITIES:
        found += [identity[f] for f in FIELDS]
        found.append(identity["id_number"].lower())
        found.append(identity["phone"].replace(" ", ""))
    return found


PUBLIC_URLS = [
    "/",
    "/library/",
    "/decisions/",
    "/statistics/",
    "/statistics/data/",
    "/statistics/data/requests.csv",
    "/statistics/data/requests.json",
    "/deadlines/",
    "/api/v1/bodies/",
    "/api/v1/departments/",
    "/api/v1/statistics/",
    "/api/v1/library/",
    "/api/schema/",
]


@pytest.fixture
def published_world(db):
    """The world, with the granted answer (naming its applicant) approved and published."""
    with time_machine.travel(NOW, tick=False):
        world = build_world()
        officer = world.users["officer"]
        library_services.approve_and_publish(officer, world.pending, title="Budget des hôpitaux")
        refresh_stats()
    return world


def _leaks(text: str) -> list[str]:
    lowered = text.lower()
    return [n for n in needles() if n.lower() in lowered]


def test_no_identity_on_public_pages_or_in_the_anonymous_api(published_world):
    anonymous = Client()
    urls = list(PUBLIC_URLS)
    for pub in Publication.objects.filter(state="published"):
        urls += [f"/library/{pub.pk}/", f"/api/v1/library/{pub.pk}/"]
    assert len(urls) > len(PUBLIC_URLS)
    with time_machine.travel(NOW, tick=False):
        for url in urls:
            response = anonymous.get(url)
            assert response.status_code == 200, url
            body = b"".join(response) if response.streaming else response.content
            assert _leaks(body.decode("utf-8", "replace")) == [], url


def test_no_identity_in_the_library_records_or_its_search_index(published_world):
    # Not vacuous: the answer as written named its applicant; anonymisation removed it.
    assert _leaks(published_world.pending.original_text) != []
    for pub in Publication.objects.filter(state="published"):
        assert _leaks(f"{pub.title}\n{pub.public_text}") == [], pub.pk
    for identity in IDENTITIES:
        for word in (identity["last_name"], identity["id_number"], identity["email"]):
            assert search.search(word).total == 0, word

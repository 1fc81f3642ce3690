"""The demo shows complaints and appeals in several stages, and seeding twice changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from ati.accounts.models import User
from ati.appeals.models import Appeal, Complaint

pytestmark = pytest.mark.django_db


def test_demo_has_complaints_and_appeals_in_several_stages(client):
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    assert sorted(Complaint.objects.values_list("state", flat=True)) == [
        "confirmed",
        "confirmed",
        "filed",
    ]
    assert sorted(Appeal.objects.values_list("state", flat=True)) == [
        "decided",
        "observations_requested",
    ]
    client.force_login(User.objects.get(email="commission@ati.demo"))
    for language in ("fr", "ar"):
        html = client.get("/commission/?stage=", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert "CDAI-" in html
    client.force_login(User.objects.get(email="head.sante@ati.demo"))
    assert "/complaints/" in client.get("/complaints/").content.decode()

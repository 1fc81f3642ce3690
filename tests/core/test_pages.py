"""The home page explains the right, in French, Arabic (right to left) and English."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from ati.bodies.models import PublicBody

pytestmark = pytest.mark.django_db


def test_home_is_in_french_by_default(client):
    html = client.get("/").content.decode()
    assert '<html lang="fr" dir="ltr">' in html
    assert "Votre droit à l’information" in html or "Votre droit à l'information" in html


def test_home_in_arabic_is_right_to_left(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "حقك في الحصول على المعلومات" in html


def test_language_switcher_remembers_the_choice(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en" dir="ltr">' in html and "Your right to information" in html


def test_admin_lists_the_seeded_bodies(client):
    call_command("seed_demo", stdout=StringIO())
    from ati.accounts.models import User

    client.force_login(User.objects.get(email="admin@ati.demo"))
    html = client.get("/admin/bodies/publicbody/?q=rabat").content.decode()
    assert "Commune de Rabat" in html
    assert client.get("/admin/bodies/membership/?role__exact=officer").status_code == 200


def test_seed_demo_is_idempotent():
    call_command("seed_demo", stdout=StringIO())
    counts = PublicBody.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert PublicBody.objects.count() == counts == 3


def test_openapi_schema_and_docs_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200

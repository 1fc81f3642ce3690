"""The law's grounds and the bodies with their codes: public, read-only, paginated (issue #16)."""

from __future__ import annotations

import pytest

from ati.law.models import LegalProfile
from ati.law.selectors import default_profile_version

pytestmark = pytest.mark.django_db


def test_grounds_of_the_default_profile_are_public_and_paginated(client):
    response = client.get("/api/v1/grounds/")
    assert response.status_code == 200
    data = response.json()
    assert list(data) == ["count", "next", "previous", "results"]
    version = default_profile_version()
    assert data["count"] == version.grounds.count() > 0
    ground = data["results"][0]
    assert set(ground) == {
        "code",
        "article",
        "kind",
        "label_fr",
        "label_ar",
        "label_en",
        "to_confirm",
        "profile",
        "version",
    }
    assert ground["profile"] == version.profile.code
    codes = {g["code"] for g in data["results"]}
    assert "state-security" in codes  # what an answer's `grounds` names


def test_grounds_of_another_profile_and_an_unknown_one(client):
    other = LegalProfile.objects.exclude(is_default=True).first()
    if other is not None:
        data = client.get("/api/v1/grounds/", {"profile": other.code}).json()
        assert {g["profile"] for g in data["results"]} <= {other.code}
    response = client.get("/api/v1/grounds/", {"profile": "no-such-law"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "profile" in response.json()["fields"]
    assert client.get("/api/v1/grounds/", {"profile": ""}).status_code == 200


def test_bodies_give_their_code_names_and_legal_profile(client, body):
    data = client.get("/api/v1/bodies/").json()
    row = next(b for b in data["results"] if b["code"] == body.code)
    assert row["name_fr"] == body.name_fr and {"name_ar", "name_en"} <= set(row)
    assert row["legal_profile"] == body.legal_profile.code
    assert client.get(f"/api/v1/bodies/{body.code}/").json()["legal_profile"] == (
        body.legal_profile.code
    )

"""The applicant's identity is listed once (InformationRequest.IDENTITY_FIELDS), and every
use of it reads that list: a field added there is erased, redacted and masked with the rest."""

from __future__ import annotations

import pytest

from ati.library.services import request_identities
from ati.personal_data.services import apply_plan, plan_erasure
from ati.requests import admin, api
from ati.requests.models import InformationRequest

pytestmark = pytest.mark.django_db

#: Applicant fields that identify no one: the kind of identity document.
NOT_IDENTIFYING = {"applicant_id_kind"}


def test_every_applicant_field_is_an_identity_field_or_declared_harmless():
    applicant_fields = {
        f.name for f in InformationRequest._meta.concrete_fields if f.name.startswith("applicant_")
    }
    assert applicant_fields - NOT_IDENTIFYING == set(InformationRequest.IDENTITY_FIELDS)


def test_the_erasure_empties_every_identity_field(submit):
    req = submit()
    assert all(getattr(req, name) for name in InformationRequest.IDENTITY_FIELDS)
    apply_plan(plan_erasure([req]))
    req.refresh_from_db()
    assert {
        name: getattr(req, name) for name in InformationRequest.IDENTITY_FIELDS
    } == dict.fromkeys(InformationRequest.IDENTITY_FIELDS, "")
    assert req.identity_erased_at is not None


def test_the_library_redacts_every_identity_field(submit):
    req = submit()
    identities = request_identities(req)
    for name in InformationRequest.IDENTITY_FIELDS:
        assert getattr(req, name) in identities, name


def test_the_admin_and_the_api_mask_every_identity_field():
    assert set(InformationRequest.IDENTITY_FIELDS) <= set(admin.IDENTITY_FIELDS)
    assert set(InformationRequest.IDENTITY_FIELDS) <= set(api.IDENTITY_FIELDS)

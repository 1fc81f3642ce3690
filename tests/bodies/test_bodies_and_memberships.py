"""Bodies, departments and memberships refuse inconsistent data (issue #2 § 5)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from ati.accounts.models import Role
from ati.audit.models import AuditEvent
from ati.bodies import services
from ati.bodies.models import Department, Membership
from tests.factories import DepartmentFactory, PublicBodyFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def _english_messages():
    # These tests read the messages' English wording (the msgids). Outside a web
    # request the active language is the site's default, French.
    with translation.override("en"):
        yield


def test_a_department_cannot_be_attached_to_two_bodies(administrator, department, other_body):
    department.body = other_body
    with pytest.raises(ValidationError) as excinfo:
        services.save_department(administrator, department)
    assert "another body" in str(excinfo.value)
    assert Department.objects.get(pk=department.pk).body_id != other_body.pk


def test_department_codes_are_unique_within_a_body(administrator, department):
    clash = Department(body=department.body, code=department.code, name_fr="Autre")
    with pytest.raises(ValidationError):
        services.save_department(administrator, clash)


def test_a_duplicate_membership_is_refused(administrator, body):
    officer = UserFactory(role=Role.OFFICER)
    services.add_membership(administrator, user=officer, body=body, role=Role.OFFICER)
    with pytest.raises(ValidationError) as excinfo:
        services.add_membership(administrator, user=officer, body=body, role=Role.OFFICER)
    assert "already has this role" in str(excinfo.value)
    assert Membership.objects.filter(user=officer).count() == 1


def test_a_membership_with_an_unknown_role_is_refused(administrator, body):
    person = UserFactory(role=Role.OFFICER)
    with pytest.raises(ValidationError) as excinfo:
        services.add_membership(administrator, user=person, body=body, role="janitor")
    assert "janitor" in str(excinfo.value)


def test_a_membership_must_match_the_accounts_role(administrator, body):
    citizen = UserFactory(role=Role.CITIZEN)
    with pytest.raises(ValidationError):
        services.add_membership(administrator, user=citizen, body=body, role=Role.OFFICER)


def test_staff_belong_to_a_department_of_the_same_body(administrator, body, other_body):
    person = UserFactory(role=Role.DEPARTMENT_STAFF)
    with pytest.raises(ValidationError, match="department"):
        services.add_membership(administrator, user=person, body=body, role=Role.DEPARTMENT_STAFF)
    foreign = DepartmentFactory(body=other_body)
    with pytest.raises(ValidationError, match="another body"):
        services.add_membership(
            administrator, user=person, body=body, role=Role.DEPARTMENT_STAFF, department=foreign
        )
    assert not Membership.objects.exists()


def test_a_body_cannot_be_placed_under_itself(administrator):
    parent = PublicBodyFactory()
    child = PublicBodyFactory(parent=parent)
    parent.parent = child
    with pytest.raises(ValidationError, match="under itself"):
        services.save_body(administrator, parent)


def test_only_administrators_manage_bodies_and_every_change_is_audited(
    administrator, officer, body
):
    body.name_fr = "Nouveau nom"
    with pytest.raises(PermissionDenied):
        services.save_body(officer, body)
    services.save_body(administrator, body)
    event = AuditEvent.objects.get(action="body.changed")
    assert event.after["name_fr"] == "Nouveau nom" and event.before["name_fr"] != "Nouveau nom"


def test_bodies_are_public_in_the_api(client, body):
    response = client.get("/api/v1/bodies/")
    assert response.status_code == 200
    assert response.json()["results"][0]["code"] == body.code

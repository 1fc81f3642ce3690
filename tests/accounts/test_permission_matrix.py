"""Who may act as what: one table, every role against every check."""

from __future__ import annotations

import pytest

from ati.accounts import permissions
from ati.accounts.models import Role
from tests.factories import DepartmentFactory, UserFactory, member

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "citizen",
    "officer",
    "officer_elsewhere",
    "staff",
    "staff_other_dept",
    "head",
    "commissioner",
    "administrator",
    "inactive_officer",
]

# check name -> the roles for which it is True (against `body` and `department`)
MATRIX = {
    "is_citizen": {"citizen"},
    "is_officer_of": {"officer"},
    "is_head_of": {"head"},
    "is_staff_of": {"staff"},
    "is_commission_member": {"commissioner"},
    "is_administrator": {"administrator"},
    "can_manage_accounts": {"administrator"},
    "can_manage_bodies": {"administrator"},
    "can_manage_calendar": {"administrator"},
    "can_view_audit": {"administrator"},
}


@pytest.fixture
def people(body, other_body, department):
    from django.contrib.auth.models import AnonymousUser

    other_dept = DepartmentFactory(body=body)
    inactive = member(Role.OFFICER, body)
    inactive.is_active = False
    inactive.save()
    return {
        "anonymous": AnonymousUser(),
        "citizen": UserFactory(role=Role.CITIZEN),
        "officer": member(Role.OFFICER, body),
        "officer_elsewhere": member(Role.OFFICER, other_body),
        "staff": member(Role.DEPARTMENT_STAFF, body, department),
        "staff_other_dept": member(Role.DEPARTMENT_STAFF, body, other_dept),
        "head": member(Role.HEAD_OF_BODY, body),
        "commissioner": UserFactory(role=Role.COMMISSION_MEMBER),
        "administrator": UserFactory(role=Role.ADMINISTRATOR, is_superuser=True),
        "inactive_officer": inactive,
    }


@pytest.mark.parametrize("check", sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(people, body, department, check, role):
    func = getattr(permissions, check)
    args = {"is_officer_of": (body,), "is_head_of": (body,), "is_staff_of": (department,)}
    allowed = func(people[role], *args.get(check, ()))
    assert allowed is (role in MATRIX[check]), f"{check}({role}) should be {role in MATRIX[check]}"


def test_body_ids_lists_only_the_bodies_a_person_works_for(people, body, other_body):
    assert permissions.body_ids(people["officer"]) == {body.pk}
    assert permissions.body_ids(people["officer_elsewhere"]) == {other_body.pk}
    assert permissions.body_ids(people["citizen"]) == set()
    assert permissions.body_ids(people["anonymous"]) == set()
    assert permissions.department_ids(people["staff"]) == {
        people["staff"].memberships.get().department_id
    }

"""Role checks: the one place that says who may act as what.

Views, the API and services ask these functions; none of them looks at roles
or memberships directly. `tests/accounts/test_permission_matrix.py` pins them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from .models import Role

# Bodies and departments are models of the bodies app, above this one (docs/architecture.md):
# only their primary keys are read here, through the memberships.


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _memberships(user: Any) -> list[Any]:
    # Cached on the user object: a page asks several questions about the same person.
    cached = getattr(user, "_ati_memberships", None)
    if cached is None:
        cached = list(user.memberships.select_related("department").all())
        user._ati_memberships = cached
    return cached


def is_administrator(user: Any) -> bool:
    return _active(user) and (user.is_superuser or user.role == Role.ADMINISTRATOR)


def is_citizen(user: Any) -> bool:
    return _active(user) and user.role == Role.CITIZEN


def is_commission_member(user: Any) -> bool:
    return _active(user) and user.role == Role.COMMISSION_MEMBER


def has_body_role(user: Any, body: Model | int, role: Role) -> bool:
    if not _active(user) or user.role != role:
        return False
    body_id = body if isinstance(body, int) else body.pk
    return any(m.body_id == body_id and m.role == role for m in _memberships(user))


def is_officer_of(user: Any, body: Model | int) -> bool:
    """An information officer (personne chargée) of this body."""
    return has_body_role(user, body, Role.OFFICER)


def is_head_of(user: Any, body: Model | int) -> bool:
    return has_body_role(user, body, Role.HEAD_OF_BODY)


def is_staff_of(user: Any, department: Model) -> bool:
    if not _active(user) or user.role != Role.DEPARTMENT_STAFF:
        return False
    return any(m.department_id == department.pk for m in _memberships(user))


def body_ids(user: Any, role: Role | None = None) -> set[int]:
    """The bodies this person works for (in the given role, or any)."""
    if not _active(user) or user.role not in {
        Role.OFFICER,
        Role.DEPARTMENT_STAFF,
        Role.HEAD_OF_BODY,
    }:
        return set()
    return {m.body_id for m in _memberships(user) if role is None or m.role == role}


def department_ids(user: Any) -> set[int]:
    if not _active(user) or user.role != Role.DEPARTMENT_STAFF:
        return set()
    return {m.department_id for m in _memberships(user) if m.department_id}


def can_manage_accounts(user: Any) -> bool:
    """Only administrators create staff accounts and give roles."""
    return is_administrator(user)


def can_manage_bodies(user: Any) -> bool:
    return is_administrator(user)


def can_manage_calendar(user: Any) -> bool:
    """Confirming or moving holidays changes every open deadline: administrators only."""
    return is_administrator(user)


def can_view_audit(user: Any) -> bool:
    return is_administrator(user)

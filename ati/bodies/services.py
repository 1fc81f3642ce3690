"""Writes about bodies, departments and memberships."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from ati.accounts import permissions
from ati.audit.services import record, snapshot

from .models import Department, Membership, PublicBody


def save_body(actor: Any, body: PublicBody) -> PublicBody:
    if not permissions.can_manage_bodies(actor):
        raise PermissionDenied(_("Only an administrator can manage public bodies."))
    return _save_audited(actor, body, "body")


def save_department(actor: Any, department: Department) -> Department:
    if not permissions.can_manage_bodies(actor):
        raise PermissionDenied(_("Only an administrator can manage departments."))
    return _save_audited(actor, department, "department")


def add_membership(
    actor: Any, *, user: Any, body: PublicBody, role: str, department: Department | None = None
) -> Membership:
    """Give a person a role in a body. Refuses duplicates and foreign departments."""
    if not permissions.can_manage_accounts(actor):
        raise PermissionDenied(_("Only an administrator can give roles."))
    membership = Membership(user=user, body=body, role=role, department=department)
    return _save_audited(actor, membership, "membership")


def remove_membership(actor: Any, membership: Membership, *, reason: str = "") -> None:
    if not permissions.can_manage_accounts(actor):
        raise PermissionDenied(_("Only an administrator can remove roles."))
    with transaction.atomic():
        record(
            "membership.removed",
            actor=actor,
            obj=membership,
            before=snapshot(membership),
            reason=reason,
        )
        membership.delete()


def _save_audited(actor: Any, obj: Any, name: str) -> Any:
    """Validate, save and audit one object, all or nothing."""
    obj.full_clean()
    with transaction.atomic():
        before = None
        if obj.pk is not None:
            old = type(obj).objects.select_for_update().filter(pk=obj.pk).first()
            before = snapshot(old) if old is not None else None
        action = f"{name}.{'changed' if before else 'created'}"
        obj.save()
        record(action, actor=actor, obj=obj, before=before, after=snapshot(obj))
    return obj

"""Who may propose, review, publish and unpublish documents of the library."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ati.accounts import permissions as roles

from .models import Category, Publication


def can_manage(user: Any, body: Any) -> bool:
    """Information officers of the body, and administrators."""
    return roles.is_officer_of(user, body) or roles.is_administrator(user)


def can_propose(user: Any, body: Any, category: str) -> bool:
    if category == Category.COMMISSION_DECISION:
        return roles.is_commission_member(user) or roles.is_administrator(user)
    return can_manage(user, body)


def can_review(user: Any, publication: Publication) -> bool:
    """Approving is a person's act: an active officer of the body (or an administrator)."""
    if publication.category == Category.COMMISSION_DECISION and roles.is_commission_member(user):
        return True
    return can_manage(user, publication.body_id)


def may(user: Any, action: str, publication: Publication) -> bool:
    """Who may take an action of the publication's workflow (its audit name)."""
    if action == "unpublished":
        return can_manage(user, publication.body_id)
    if action == "published" and not getattr(user, "is_authenticated", False):
        return False
    return can_review(user, publication)


def refusal(action: str) -> str:
    if action == "unpublished":
        return _("You may not unpublish this document.")
    if action == "published":
        return _("Only an officer of the body may approve a publication.")
    return _("You may not review this document.")

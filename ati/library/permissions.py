"""Who may propose, review, publish and unpublish documents of the library."""

from __future__ import annotations

from typing import Any

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

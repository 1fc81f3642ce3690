"""Reads about public bodies: what a page offers, and a body's deadlines under its law."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from ati.core.folding import fold_words
from ati.law.selectors import Schedule, current_version, request_schedule

from .models import PublicBody


def active_bodies() -> QuerySet[PublicBody]:
    """The bodies a person can choose, with their legal profile (one query)."""
    return PublicBody.objects.filter(is_active=True).select_related("legal_profile")


def schedule_for_body(body: PublicBody, received: date, urgent: bool = False) -> Schedule:
    """Every deadline of a request this body received, under the law that governs it."""
    version = current_version(body.legal_profile.code, received)
    return request_schedule(version, received, urgent=urgent)


#: Words of a query searched at most (a query is a name, not a text).
QUERY_WORDS = 12


def directory(query: str = "", kind: str = "") -> QuerySet[PublicBody]:
    """The active bodies for the public list, with their parent (one query).

    Found by part of any of their names or their code, folded as the body picker folds
    them (ati/core/folding.py): every word of the query is in the body's `search_text`,
    whatever its accents, case, hamza or article ("الكهرباء" finds "للكهرباء"). The
    column is folded already: a plain LIKE, the same on SQLite and PostgreSQL.
    """
    bodies = PublicBody.objects.filter(is_active=True).select_related("parent")
    words = fold_words(query)[:QUERY_WORDS]
    if query.strip() and not words:
        return bodies.none()  # punctuation alone: nothing to find, not everything
    for word in words:
        bodies = bodies.filter(search_text__contains=word)
    if kind:
        bodies = bodies.filter(kind=kind)
    return bodies.order_by("name_fr", "pk")


def public_body(code: str) -> PublicBody:
    """An active body by its code, with its parent and law; DoesNotExist otherwise (a body
    that no longer takes requests has no public page)."""
    return PublicBody.objects.select_related("parent", "legal_profile").get(
        code=code, is_active=True
    )


def sub_bodies(body: PublicBody) -> QuerySet[PublicBody]:
    return body.children.filter(is_active=True).order_by("name_fr", "pk")

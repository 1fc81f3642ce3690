"""Reads about public bodies: what a page offers, and a body's deadlines under its law."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from ati.law.selectors import Schedule, current_version, request_schedule

from .models import PublicBody


def active_bodies() -> QuerySet[PublicBody]:
    """The bodies a person can choose, with their legal profile (one query)."""
    return PublicBody.objects.filter(is_active=True).select_related("legal_profile")


def schedule_for_body(body: PublicBody, received: date, urgent: bool = False) -> Schedule:
    """Every deadline of a request this body received, under the law that governs it."""
    version = current_version(body.legal_profile.code, received)
    return request_schedule(version, received, urgent=urgent)

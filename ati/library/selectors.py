"""Reads of the library for pages and the API (no N+1: bodies joined)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ati.accounts import permissions as roles

from . import anonymise
from .models import Publication, PublicationState


@dataclass
class Segment:
    text: str
    index: int | None = None  # the redaction's index when this segment is redacted
    category: str = ""
    marker: str = ""


def segments(pub: Publication) -> list[Segment]:
    """The original cut at the redactions, for the side-by-side review."""
    out, position = [], 0
    ordered = sorted(enumerate(pub.redactions or []), key=lambda item: item[1]["start"])
    for index, r in ordered:
        start, end = int(r["start"]), int(r["end"])
        if start < position:  # overlapping: shown once, merged on approval
            start = position
        if end <= start:
            continue
        out.append(Segment(pub.original_text[position:start]))
        out.append(
            Segment(
                pub.original_text[start:end],
                index,
                r["category"],
                anonymise.marker(r["category"], pub.language),
            )
        )
        position = end
    out.append(Segment(pub.original_text[position:]))
    return out


#: What the officers' queue lists: proposals still being prepared (or whose preparation
#: failed, to be tried again) as well as those awaiting a person's review.
QUEUE_STATES = (
    PublicationState.PREPARING,
    PublicationState.PREPARATION_FAILED,
    PublicationState.IN_REVIEW,
)


def review_queue(user: Any) -> Any:
    qs = Publication.objects.filter(state__in=QUEUE_STATES).select_related("body")
    if roles.is_administrator(user):
        return qs
    if roles.is_commission_member(user):
        return qs.filter(category="commission_decision")
    return qs.filter(body_id__in=roles.body_ids(user, roles.Role.OFFICER))


def recent(limit: int = 5) -> Any:
    return Publication.objects.published().select_related("body")[:limit]

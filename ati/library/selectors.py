"""Reads of the library for pages and the API (no N+1: bodies joined)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Min, Prefetch, Sum

from ati.accounts import permissions as roles

from . import anonymise, pages
from .models import DocumentPage, Publication, PublicationState, SourceDocument


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


def progress(pub: Publication) -> tuple[int, int | None]:
    """Pages of the released files read so far, and how many there are (None: not counted yet)."""
    docs = pub.documents.filter(excluded=False)
    totals = docs.aggregate(done=Sum("pages_done"), total=Sum("pages_total"))
    if docs.filter(pages_total__isnull=True).exists():
        return totals["done"] or 0, None
    return totals["done"] or 0, totals["total"] or 0


@dataclass
class Rect:
    """A box in the review's SVG overlay, whose view box is 1000 × 1000 over the page."""

    x: str
    y: str
    width: str
    height: str
    category: str = ""
    number: int = 0
    text: str = ""

    @classmethod
    def of(cls, box: Any, **kwargs: Any) -> Rect:
        x0, y0, x1, y1 = (float(v) * 1000 for v in box)
        return cls(f"{x0:.1f}", f"{y0:.1f}", f"{x1 - x0:.1f}", f"{y1 - y0:.1f}", **kwargs)


@dataclass
class ReviewPage:
    """A page as the reviewer sees it: its image, its boxes, its uncertain words."""

    page: DocumentPage
    boxes: list[Rect]
    uncertain: list[Rect]


def review_documents(pub: Publication) -> list[tuple[SourceDocument, list[ReviewPage]]]:
    """The proposal's released files with their pages (one query each: no N+1)."""
    docs = pub.documents.order_by("position", "pk").prefetch_related(
        Prefetch("pages", queryset=DocumentPage.objects.order_by("number"))
    )
    out = []
    for doc in docs:
        rows = []
        for page in doc.pages.all():
            words = pages.words_of(page.words)
            boxes = pages.boxes(words, page.redactions, page.language)
            rows.append(
                ReviewPage(
                    page,
                    [Rect.of(b.box, category=b.category, number=b.index + 1) for b in boxes],
                    [Rect.of(words[i].box, text=words[i].text) for i in pages.uncertain(words)],
                )
            )
        out.append((doc, rows))
    return out


def public_pages(pub: Publication) -> list[DocumentPage]:
    """A published document's pages, in reading order (never the private fields)."""
    return list(
        DocumentPage.objects.filter(document__publication=pub, document__excluded=False)
        .select_related("document")
        .only(
            "pk",
            "number",
            "language",
            "public_text",
            "thumbnail",
            "public_image",
            "document__name",
            "document__position",
        )
        .order_by("document__position", "document_id", "number")
    )


def preparation_backlog() -> list[str]:
    """Proposals waiting for the worker (prepared by library.prepare_pending), for jobs_status."""
    preparing = Publication.objects.filter(state=PublicationState.PREPARING)
    oldest = preparing.aggregate(at=Min("created_at"))["at"]
    failed = Publication.objects.filter(state=PublicationState.PREPARATION_FAILED).count()
    return [
        f"library proposals preparing: {preparing.count()} "
        f"(oldest: {oldest.isoformat() if oldest else '-'})",
        f"library proposals whose preparation failed (retry from the review page): {failed}",
    ]

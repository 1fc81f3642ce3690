"""Every write on the library: propose, review (redactions), approve and publish, unpublish.

Each function checks the actor's right, locks the publication row, changes it,
writes one audit event, all in one transaction. The search index follows the
publish and unpublish services here (not signals), in the same transaction.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from ati.audit.services import record
from ati.bodies.models import Department, PublicBody
from ati.core import files, texts
from ati.core.errors import TransitionConflict
from ati.requests import permissions as request_permissions
from ati.requests.models import AttachmentKind, InformationRequest, Outcome, State

from . import anonymise, pdf, permissions, search
from .models import (
    CATEGORY_LANGUAGES,
    Category,
    Publication,
    PublicationState,
    PublishableOfficial,
)

PUBLISHABLE_OUTCOMES = (Outcome.GRANTED, Outcome.PARTIALLY_GRANTED)
TEXT_ATTACHMENT_LIMIT = 200_000


def allow_list(body: PublicBody) -> list[str]:
    """What stays in a body's texts: the names of bodies and departments, its chosen officials."""
    names: list[str] = []
    for b in PublicBody.objects.only("name_fr", "name_ar", "name_en", "email"):
        names += [b.name_fr, b.name_ar, b.name_en, b.email]
    for d in Department.objects.filter(body=body).only("name_fr", "name_ar", "name_en"):
        names += [d.name_fr, d.name_ar, d.name_en]
    names += list(PublishableOfficial.objects.filter(body=body).values_list("name", flat=True))
    return [n for n in names if n]


def request_identities(req: InformationRequest) -> list[str]:
    """The applicant's identity as the request knows it: always redacted."""
    return [
        v
        for v in (
            req.applicant_name,
            f"{req.applicant_last_name} {req.applicant_first_name}",
            req.applicant_first_name,
            req.applicant_last_name,
            req.applicant_address,
            req.applicant_id_number,
            req.applicant_email,
            req.applicant_phone,
        )
        if v and v.strip()
    ]


def _snapshot(pub: Publication) -> dict[str, Any]:
    return {
        "state": pub.state,
        "redactions": len(pub.redactions or []),
        "category": pub.category,
        "title": pub.title,
    }


def _locked(pub: Publication | int) -> Publication:
    pk = pub if isinstance(pub, int) else pub.pk
    return Publication.objects.select_for_update(of=("self",)).select_related("body").get(pk=pk)


def _conflict(pub: Publication, exc: Exception) -> TransitionConflict:
    return TransitionConflict(
        _("This action is not possible while the document is “%(state)s”.")
        % {"state": pub.get_state_display()},
        state=pub.state,
        allowed=[t.name for t in pub.get_available_state_transitions()],  # type: ignore[attr-defined]
    )


def _text_attachments(req: InformationRequest) -> list[str]:
    texts = []
    for att in req.attachments.filter(kind=AttachmentKind.ANSWER, content_type="text/plain"):
        with att.file.open("rb") as handle:
            texts.append(handle.read(TEXT_ATTACHMENT_LIMIT).decode("utf-8", "replace"))
    return texts


def _create(
    actor: Any,
    *,
    body: PublicBody,
    category: str,
    title: str,
    text: str,
    language: str,
    identities: list[str],
    source: InformationRequest | None = None,
    outcome: str = "",
) -> Publication:
    allowed = allow_list(body)
    redactions = anonymise.find_redactions(
        text, identities=identities, allow=allowed, language=language
    )
    # The title is short and public at once in the review queue: redacted without review.
    safe_title = anonymise.anonymise(
        title, language=language, identities=identities, allow=allowed
    ).text
    pub = Publication(
        body=body,
        category=category,
        title=safe_title[:300],
        language=language,
        original_text=text,
        redactions=[r.as_dict() for r in redactions],
        source_request=source,
        outcome=outcome,
        proposed_by=actor,
    )
    pub.submit_for_review()
    pub.save()
    record(
        "publication.proposed",
        actor=actor,
        obj=pub,
        after=_snapshot(pub),
        reason=f"{len(redactions)} redactions proposed",
    )
    return pub


def propose_from_request(officer: Any, req: InformationRequest, title: str = "") -> Publication:
    """Propose the answer to a request (granted or partially granted) for publication."""
    texts.check_texts(title=(title, texts.LINE))
    with transaction.atomic():
        req = InformationRequest.objects.select_related("body").get(pk=req.pk)
        if not request_permissions.handles(officer, req) and not permissions.can_manage(
            officer, req.body_id
        ):
            raise PermissionDenied(_("Only the body's information officers publish its answers."))
        if (
            req.state not in (State.ANSWERED, State.CLOSED)
            or req.outcome not in PUBLISHABLE_OUTCOMES
        ):
            raise ValidationError(_("Only granted or partially granted answers are published."))
        if req.publications.exclude(state=PublicationState.UNPUBLISHED).exists():
            raise ValidationError(_("This answer is already proposed or published."))
        parts = [req.answer_text, *_text_attachments(req)]
        if req.outcome == Outcome.PARTIALLY_GRANTED and req.withheld_description:
            parts.append(_("Withheld: %(what)s") % {"what": req.withheld_description})
        text = "\n\n".join(p.strip() for p in parts if p and p.strip())
        return _create(
            officer,
            body=req.body,
            category=Category.ANSWER,
            title=title or req.subject,
            text=text,
            language=req.language,
            identities=request_identities(req),
            source=req,
            outcome=req.outcome,
        )


def propose_proactive(
    actor: Any,
    body: PublicBody,
    *,
    category: str,
    title: str,
    text: str,
    language: str = "fr",
    identities: list[str] | None = None,
) -> Publication:
    """A document the body publishes of its own motion (Article 10), or a commission decision."""
    texts.check_texts(title=(title, texts.LINE), text=(text, texts.DOCUMENT))
    if category not in Category.values or category == Category.ANSWER:
        raise ValidationError(_("Choose an Article 10 category."))
    if language not in CATEGORY_LANGUAGES:
        raise ValidationError(_("Unknown language."))
    if not permissions.can_propose(actor, body, category):
        raise PermissionDenied(_("You may not publish for this body."))
    with transaction.atomic():
        return _create(
            actor,
            body=body,
            category=category,
            title=title,
            text=text,
            language=language,
            identities=list(identities or []),
        )


def _edit_redactions(
    actor: Any, pub: Publication | int, change: Any, action: str, reason: str
) -> Publication:
    with transaction.atomic():
        locked = _locked(pub)
        if not permissions.can_review(actor, locked):
            raise PermissionDenied(_("You may not review this document."))
        if locked.state != PublicationState.IN_REVIEW:
            raise TransitionConflict(
                _("Redactions change only while the document is in review."), state=locked.state
            )
        before = _snapshot(locked)
        change(locked)
        locked.redactions = sorted(locked.redactions, key=lambda r: (r["start"], r["end"]))
        locked.save(update_fields=["redactions"])
        record(
            f"publication.{action}",
            actor=actor,
            obj=locked,
            before=before,
            after=_snapshot(locked),
            reason=reason,
        )
        return locked


def add_redaction(
    actor: Any,
    pub: Publication | int,
    *,
    start: int | None = None,
    end: int | None = None,
    phrase: str = "",
    category: str = "other",
) -> Publication:
    """Redact a range of the original, or every occurrence of a phrase."""
    if category not in anonymise.CATEGORIES:
        raise ValidationError(_("Unknown redaction category."))
    texts.check_texts(phrase=(phrase, texts.PHRASE))

    def change(p: Publication) -> None:
        spans: list[tuple[int, int]] = []
        if phrase.strip():
            spans = [
                (m.start(), m.end())
                for m in re.finditer(re.escape(phrase.strip()), p.original_text, re.IGNORECASE)
            ]
            if not spans:
                raise ValidationError(_("This phrase is not in the text."))
        elif start is not None and end is not None and 0 <= start < end <= len(p.original_text):
            spans = [(start, end)]
        else:
            raise ValidationError(_("Give a phrase of the text, or a valid range."))
        for s, e in spans:
            p.redactions.append(
                {"start": s, "end": e, "category": category, "original": p.original_text[s:e]}
            )

    return _edit_redactions(actor, pub, change, "redaction_added", category)


def remove_redaction(actor: Any, pub: Publication | int, index: int) -> Publication:
    """Keep in the published text what a proposed redaction would have hidden."""

    def change(p: Publication) -> None:
        if not 0 <= index < len(p.redactions):
            raise ValidationError(_("No such redaction."))
        p.redactions.pop(index)

    return _edit_redactions(actor, pub, change, "redaction_removed", str(index))


def approve_and_publish(actor: Any, pub: Publication | int, *, title: str = "") -> Publication:
    """A person approves the redactions: the public text, PDF and index are made from them."""
    texts.check_texts(title=(title, texts.LINE))
    with files.atomic():  # the PDF goes if the publication does not commit
        locked = _locked(pub)
        if not getattr(actor, "is_authenticated", False) or not permissions.can_review(
            actor, locked
        ):
            raise PermissionDenied(_("Only an officer of the body may approve a publication."))
        before = _snapshot(locked)
        if title.strip():
            locked.title = anonymise.anonymise(
                title.strip(), language=locked.language, allow=allow_list(locked.body)
            ).text[:300]
        now = timezone.now()
        locked.approved_by, locked.approved_at = actor, now
        public_text = anonymise.apply(
            locked.original_text, locked.redactions, language=locked.language
        )
        try:
            locked.publish(public_text, now)
        except (TransitionNotAllowed, ConcurrentTransition) as exc:
            raise _conflict(locked, exc) from exc
        locked.save()
        files.save(
            locked.pdf, f"publication-{locked.pk}.pdf", ContentFile(pdf.publication_pdf(locked))
        )
        search.index_publication(locked)
        record(
            "publication.published",
            actor=actor,
            obj=locked,
            before=before,
            after=_snapshot(locked),
            reason="approved by a person",
        )
        return locked


def unpublish(actor: Any, pub: Publication | int, reason: str) -> Publication:
    """Withdraw a document: it leaves the index and its page becomes a tombstone."""
    if not reason.strip():
        raise ValidationError(_("Say why the document is unpublished."))
    texts.check_texts(reason=(reason, texts.REASON))
    with transaction.atomic():
        locked = _locked(pub)
        if not permissions.can_manage(actor, locked.body_id):
            raise PermissionDenied(_("You may not unpublish this document."))
        before = _snapshot(locked)
        try:
            locked.unpublish(reason.strip(), actor, timezone.now())
        except (TransitionNotAllowed, ConcurrentTransition) as exc:
            raise _conflict(locked, exc) from exc
        locked.save()
        search.remove_publication(locked.pk)
        if locked.pdf:
            # Deleted once the withdrawal commits: a rollback keeps the row and its file.
            files.delete_on_commit(locked.pdf.storage, locked.pdf.name)
            locked.pdf.name = ""
            locked.save(update_fields=["pdf"])
        record(
            "publication.unpublished",
            actor=actor,
            obj=locked,
            before=before,
            after=_snapshot(locked),
            reason=reason.strip(),
        )
        return locked

"""Every write on the library: propose, prepare, review, approve and publish, unpublish.

Each function checks the actor's right, locks the publication row, changes it,
writes one audit event, all in one transaction. The search index follows the
publish and unpublish services here (not signals), in the same transaction.

Proposing records the text and the proposer and leaves the publication
`preparing`; the redactions are detected by the Celery worker
(`prepare_publication`, queued after the commit, and `prepare_pending` every
minute for a task that was lost or a worker that died). The French name model
is loaded there, never in a web process: it costs seconds and ~124 MB to the
process that loads it (docs/library.md).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import Counter
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
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

log = logging.getLogger(__name__)

PUBLISHABLE_OUTCOMES = (Outcome.GRANTED, Outcome.PARTIALLY_GRANTED)
TEXT_ATTACHMENT_LIMIT = 200_000
#: How long a worker owns a proposal it prepares; past it, `prepare_pending` takes it again
#: (the worker died: the model takes seconds, a page tens of milliseconds).
PREPARATION_CLAIM_SECONDS = 300
#: Claims that never finished (a worker killed each time, out of memory say) before the
#: proposal is marked failed, for a person to see the error and try again.
PREPARATION_MAX_ATTEMPTS = 3


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
    snapshot = {
        "state": pub.state,
        "redactions": len(pub.redactions or []),
        "category": pub.category,
    }
    # Until the worker has redacted it with the French name model, the title may still hold
    # a name written without a title: it stays out of the (append-only) audit log.
    if pub.is_prepared:
        snapshot["title"] = pub.title
    return snapshot


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
    # The title is short and public at once in the review queue: redacted without review,
    # by the rules here (a web process never loads the French model), then again by the
    # worker with the model and the names it finds in the text.
    safe_title = anonymise.anonymise(
        title, language=language, identities=identities, allow=allow_list(body), model=False
    ).text
    pub = Publication(
        body=body,
        category=category,
        title=safe_title[:300],
        language=language,
        original_text=text,
        identities=identities,
        source_request=source,
        outcome=outcome,
        proposed_by=actor,
    )
    pub.propose()
    pub.save()
    record(
        "publication.proposed",
        actor=actor,
        obj=pub,
        after=_snapshot(pub),
        reason="redactions prepared in the background",
    )
    schedule_preparation(pub.pk)
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


# --- preparation (the Celery worker) ----------------------------------------------------
def schedule_preparation(pk: int) -> None:
    """After commit, ask a worker to prepare this proposal (best effort: see prepare_pending)."""
    transaction.on_commit(lambda: enqueue_preparation(pk))


def enqueue_preparation(pk: int) -> None:
    from .tasks import prepare_publication as task

    if not Publication.objects.filter(pk=pk, state=PublicationState.PREPARING).exists():
        # Already prepared by the time the proposal committed (seed_demo prepares its own
        # documents in-process): no message, which on the demo's filesystem broker would
        # each cost the worker a poll (about a second) before the next real one.
        return
    try:
        # No publishing retries: a broker that is down must not hold up the officer's
        # request. The proposal stays `preparing` and prepare_pending takes it.
        task.apply_async((pk,), retry=False)
    except Exception as exc:
        log.warning("broker unavailable, publication %s waits for prepare_pending: %s", pk, exc)


def _preparable(now: dt.datetime) -> Q:
    return Q(state=PublicationState.PREPARING) & (
        Q(preparation_claimed_until__isnull=True) | Q(preparation_claimed_until__lt=now)
    )


def claim_preparation(pk: int, now: dt.datetime | None = None) -> bool:
    """Take a proposal for one attempt; False when another worker has it or it is prepared."""
    now = now or timezone.now()
    return bool(
        Publication.objects.filter(_preparable(now), pk=pk).update(
            preparation_claimed_until=now + dt.timedelta(seconds=PREPARATION_CLAIM_SECONDS),
            preparation_attempts=F("preparation_attempts") + 1,
        )
    )


def detect_redactions(pub: Publication) -> tuple[list[dict[str, Any]], str]:
    """The proposed redactions of the text, and the title redacted again with the same names.

    Runs the French name model on French texts: call it from the worker (or a command),
    never from a web view.
    """
    allowed = allow_list(pub.body)
    redactions = anonymise.find_redactions(
        pub.original_text, identities=pub.identities, allow=allowed, language=pub.language
    )
    names = [r.original for r in redactions if r.category == "person"]
    title = anonymise.anonymise(
        pub.title, language=pub.language, identities=pub.identities, allow=allowed, names=names
    ).text
    return [r.as_dict() for r in redactions], title[:300]


def _settle(pk: int, change: Any, action: str, reason: str) -> str:
    """Apply the worker's result to a proposal still preparing, audited; "" if it is not."""
    with transaction.atomic():
        locked = _locked(pk)
        if locked.state != PublicationState.PREPARING:
            return ""  # another worker finished first (or a person acted): one result only
        before = _snapshot(locked)
        change(locked)
        locked.save()
        record(action, obj=locked, before=before, after=_snapshot(locked), reason=reason)
        return str(locked.state)


def prepare_publication(pk: int) -> str:
    """Detect a proposal's redactions and move it to review (the Celery task's body).

    Idempotent: the claim lets one worker at a time compute, the result is written only
    while the proposal is still `preparing`, and it replaces the redactions rather than
    adding to them; a second run, or a run after a worker died mid-task, finds nothing to
    do or gives the same single set. Returns the state it left ("" when it was not ours).
    """
    if not claim_preparation(pk):
        return ""
    pub = Publication.objects.select_related("body").get(pk=pk)
    if pub.preparation_attempts > PREPARATION_MAX_ATTEMPTS:
        error = (
            f"The worker stopped {pub.preparation_attempts - 1} times while preparing this "
            "document (killed, or out of memory); see the worker's log."
        )
        return _settle(
            pk, lambda p: p.preparation_failed(error), "publication.preparation_failed", error
        )
    try:
        redactions, title = detect_redactions(pub)
    except Exception as exc:  # shown to the officer, who can try again
        log.exception("publication %s: the redactions could not be prepared", pk)
        error = f"{type(exc).__name__}: {exc}"[:2000]
        return _settle(
            pk, lambda p: p.preparation_failed(error), "publication.preparation_failed", error[:300]
        )
    return _settle(
        pk,
        lambda p: p.prepared(redactions, title, timezone.now()),
        "publication.prepared",
        f"{len(redactions)} redactions proposed",
    )


def prepare_pending(limit: int = 100) -> dict[str, int]:
    """Every proposal still waiting: its task was lost (broker down) or its worker died."""
    pks = list(
        Publication.objects.filter(_preparable(timezone.now()))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    # The state each one was left in ("" when another worker had it meanwhile: not counted).
    return dict(Counter(state for state in map(prepare_publication, pks) if state))


def retry_preparation(actor: Any, pub: Publication | int) -> Publication:
    """A person asks again for the redactions of a proposal whose preparation failed."""
    with transaction.atomic():
        locked = _locked(pub)
        if not permissions.can_review(actor, locked):
            raise PermissionDenied(_("You may not review this document."))
        before = _snapshot(locked)
        try:
            locked.retry_preparation()
        except (TransitionNotAllowed, ConcurrentTransition) as exc:
            raise _conflict(locked, exc) from exc
        locked.save()
        record(
            "publication.preparation_retried",
            actor=actor,
            obj=locked,
            before=before,
            after=_snapshot(locked),
            reason=locked.preparation_error[:300],
        )
        schedule_preparation(locked.pk)
        return locked


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
        if not locked.is_prepared:
            raise TransitionConflict(
                _("Nothing can be approved before the redactions are prepared."),
                state=locked.state,
            )
        before = _snapshot(locked)
        if title.strip() and title.strip() != locked.title:
            # Without the model (this runs in a web process): the rules, the applicant's
            # identity and the names the worker found in the text.
            names = [r["original"] for r in locked.redactions if r.get("category") == "person"]
            locked.title = anonymise.anonymise(
                title.strip(),
                language=locked.language,
                identities=locked.identities,
                allow=allow_list(locked.body),
                model=False,
                names=names,
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

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

from celery import current_app
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ati import workflow
from ati.audit.services import record
from ati.bodies.models import Department, PublicBody
from ati.core import files, texts
from ati.core.errors import TransitionConflict
from ati.requests import permissions as request_permissions
from ati.requests.models import AttachmentKind, InformationRequest, Outcome, State
from ati.requests.uploads import check_upload

from . import anonymise, documents, pages, pdf, permissions, search
from .models import (
    CATEGORY_LANGUAGES,
    Category,
    DocumentPage,
    Publication,
    PublicationState,
    PublishableOfficial,
    SourceDocument,
)
from .text import language_of

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
    names = (req.applicant_name, f"{req.applicant_last_name} {req.applicant_first_name}")
    values = (getattr(req, name) for name in InformationRequest.IDENTITY_FIELDS)
    return [v for v in (*names, *values) if v and v.strip()]


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


#: The publication's machine (ati/workflow/ runs every change of a proposal through it).
PUBLICATION: workflow.Machine[Publication] = workflow.Machine(
    "publication",
    Publication,
    may=lambda actor, action, pub: permissions.may(actor, action, pub),
    snapshot=_snapshot,
    denied=permissions.refusal,
    related=("body",),
    conflict_message=gettext_lazy("This action is not possible while the document is “%(state)s”."),
)


class _NotPreparing(Exception):
    """The worker's result comes after another worker's, or a person's action: not applied."""


def _text_attachments(req: InformationRequest) -> list[str]:
    texts = []
    for att in req.attachments.filter(kind=AttachmentKind.ANSWER, content_type="text/plain"):
        with att.file.open("rb") as handle:
            texts.append(handle.read(TEXT_ATTACHMENT_LIMIT).decode("utf-8", "replace"))
    return texts


#: The released files read page by page (documents.py); plain text joins the typed answer.
DOCUMENT_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/tiff")
OFFICE_PREFIXES = ("application/vnd.openxmlformats", "application/vnd.oasis", "application/msword")


def _refuse_office(name: str) -> ValidationError:
    return ValidationError(
        _(
            "“%(name)s” is a Word or OpenDocument file: it cannot be redacted safely. Export it "
            "as a PDF (File → Export as PDF), attach the PDF, and propose the answer again."
        )
        % {"name": name}
    )


#: (file name, content type, content) of a released file joining a proposal.
Released = tuple[str, str, bytes]
EXTENSIONS = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/tiff": "tif",
}


def _answer_documents(req: InformationRequest) -> list[Released]:
    """The answer's released files, read page by page by the worker."""
    out = []
    for att in req.attachments.filter(kind=AttachmentKind.ANSWER).order_by("uploaded_at", "pk"):
        if att.content_type.startswith(OFFICE_PREFIXES):
            raise _refuse_office(att.original_name)
        if att.content_type in DOCUMENT_TYPES:
            with att.file.open("rb") as handle:
                out.append((att.original_name, att.content_type, handle.read()))
    return out


def _add_documents(pub: Publication, released: list[Released]) -> None:
    """Copy the released files into the proposal (private storage), in their order."""
    for position, (name, content_type, data) in enumerate(released, start=1):
        doc = SourceDocument(
            publication=pub,
            position=position,
            name=name[:200],
            content_type=content_type,
            size=len(data),
        )
        files.save(doc.file, f"source.{EXTENSIONS[content_type]}", ContentFile(data))


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
    released: list[Released] | None = None,
    appeal: Any = None,
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
        source_appeal=appeal,
        outcome=outcome,
        proposed_by=actor,
    )
    pub.propose()
    pub.save()
    _add_documents(pub, released or [])
    record(
        "publication.proposed",
        actor=actor,
        obj=pub,
        after={**_snapshot(pub), "documents": len(released or [])},
        reason="redactions prepared in the background",
    )
    schedule_preparation(pub.pk)
    return pub


def propose_from_request(officer: Any, req: InformationRequest, title: str = "") -> Publication:
    """Propose the answer to a request (granted or partially granted) for publication."""
    texts.check_texts(title=(title, texts.LINE))
    with files.atomic():  # the copied documents go if the proposal does not commit
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
            language=language_of(text, fallback=req.language),
            identities=request_identities(req),
            source=req,
            outcome=req.outcome,
            released=_answer_documents(req),
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
    uploads: list[Any] | None = None,
) -> Publication:
    """A document the body publishes of its own motion (Article 10), or a commission decision.

    `uploads` are released files (PDFs, scans, images) published with the text, after the
    same preparation and review.
    """
    texts.check_texts(title=(title, texts.LINE), text=(text, texts.DOCUMENT))
    released = []
    for upload in uploads or []:
        name, content_type = check_upload(upload.file, upload.name, upload.size)
        if content_type.startswith(OFFICE_PREFIXES):
            raise _refuse_office(name)
        if content_type not in DOCUMENT_TYPES:
            raise ValidationError(
                _("“%(name)s”: attach PDFs or images (JPEG, PNG, TIFF).") % {"name": name}
            )
        upload.file.seek(0)
        released.append((name, content_type, upload.file.read()))
    if category not in Category.values or category == Category.ANSWER:
        raise ValidationError(_("Choose an Article 10 category."))
    if language not in CATEGORY_LANGUAGES:
        raise ValidationError(_("Unknown language."))
    if not permissions.can_propose(actor, body, category):
        raise PermissionDenied(_("You may not publish for this body."))
    with files.atomic():
        return _create(
            actor,
            body=body,
            category=category,
            title=title,
            text=text,
            language=language,
            identities=list(identities or []),
            released=released,
        )


def propose_decision(actor: Any, appeal: Any, text: str) -> Publication:
    """The commission's decision, proposed by `appeals.publish_decision` (its hook).

    The appeals service has checked who may publish and locked the appeal; here the text
    takes the one path to the public: anonymiser (the applicant's identity always), then a
    commission member's review. The appeal is published with it (`approve_and_publish`).
    """
    req = appeal.request
    # The decision's own language (the commission may write in French to an Arabic-speaking
    # applicant): its title, direction and search follow the text.
    language = language_of(text, fallback=req.language)
    with translation.override(language):
        title = _("Decision %(number)s of the commission") % {"number": appeal.decision_number}
    return _create(
        actor,
        body=req.body,
        category=Category.COMMISSION_DECISION,
        title=title,
        text=text,
        language=language,
        identities=request_identities(req),
        source=req,
        appeal=appeal,
    )


def _publish_appeal(pub: Publication, at: dt.datetime | None) -> None:
    """The appeal's decision page follows its publication (its reviewed public text)."""
    from ati.appeals.models import Appeal

    if pub.source_appeal_id is None:
        return
    Appeal.objects.filter(pk=pub.source_appeal_id).update(
        published_text=pub.public_text if at else "", published_at=at
    )
    record(
        "appeal.decision_published" if at else "appeal.decision_unpublished",
        actor=pub.approved_by if at else pub.unpublished_by,
        obj=pub.source_appeal,
        reason=f"publication {pub.pk}",
    )


# --- preparation (the Celery worker) ----------------------------------------------------
def schedule_preparation(pk: int) -> None:
    """After commit, ask a worker to prepare this proposal (best effort: see prepare_pending)."""
    transaction.on_commit(lambda: enqueue_preparation(pk))


def enqueue_preparation(pk: int) -> None:
    # The task by its name: ati/library/tasks.py imports this module (the app's ready()
    # imports it, so the task is registered in every process).
    task = current_app.tasks["library.prepare_publication"]
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


class DocumentNotReadable(Exception):
    """A released file the worker cannot read (encrypted, corrupt, too large).

    The proposal is never prepared, nor published, half-done: the reviewer leaves the file
    out (or attaches a readable one and proposes again)."""


def _require_french_model(pub: Publication) -> None:
    """Fail closed: a proposal is never prepared by the rules alone (decision 0012).

    Every proposal, not only French ones: a released file's pages may be French whatever
    the proposal's language. `manage.py check --deploy` reports the missing model too.
    """
    anonymise.require_french_model()


def _encoded(image: Any, *, scan: bool) -> tuple[bytes, str]:
    """A page image as stored: JPEG for scans and photographs (a noisy grey page is 1 MB and
    0.3 s as PNG, 250 KB and 4 ms as JPEG), PNG for pages rendered from a PDF's text."""
    import io

    buffer = io.BytesIO()
    if not scan and image.mode in ("1", "L", "P"):
        image.save(buffer, format="PNG", compress_level=6)
        return buffer.getvalue(), "png"
    image.convert("L" if image.mode in ("1", "L", "P") else "RGB").save(
        buffer, format="JPEG", quality=80
    )
    return buffer.getvalue(), "jpg"


def prepare_documents(pub: Publication, *, names: list[str] = ()) -> None:  # type: ignore[assignment]
    """Read each released file page by page; each page is saved as soon as it is read.

    The review page shows "page k of n" from what is saved; a preparation taken again (a
    worker that died) resumes after the last saved page. Each page renews the claim.
    """
    allowed = allow_list(pub.body)
    for doc in pub.documents.filter(excluded=False).order_by("position", "pk"):
        try:
            if doc.pages_total is None:
                _kind, total = documents.inspect(doc.file.path)
                SourceDocument.objects.filter(pk=doc.pk).update(pages_total=total, error="")
                doc.pages_total = total
            for page in documents.read_pages(doc.file.path, lang="auto", first=doc.pages_done + 1):
                _save_page(
                    pub,
                    doc,
                    page,
                    pages.page_redactions(
                        page, identities=pub.identities, allow=allowed, names=names
                    ),
                )
        except documents.DocumentError as exc:
            SourceDocument.objects.filter(pk=doc.pk).update(error=str(exc)[:2000])
            raise DocumentNotReadable(f"{doc.name}: {exc}") from exc


def _save_page(
    pub: Publication, doc: SourceDocument, page: documents.Page, redactions: list[dict[str, Any]]
) -> None:
    data, extension = _encoded(page.image, scan=page.source == "ocr")
    with files.atomic():
        DocumentPage.objects.filter(document=doc, number=page.number).delete()
        row = DocumentPage(
            document=doc,
            number=page.number,
            language=page.language,
            source=page.source,
            width_pt=page.width_pt,
            height_pt=page.height_pt,
            text=page.text,
            words=[w.as_json() for w in page.words],
            redactions=redactions,
        )
        files.save(row.image, f"{page.number}.{extension}", ContentFile(data))
        doc.pages_done = page.number
        SourceDocument.objects.filter(pk=doc.pk).update(pages_done=page.number)
        Publication.objects.filter(pk=pub.pk, state=PublicationState.PREPARING).update(
            preparation_claimed_until=timezone.now()
            + dt.timedelta(seconds=PREPARATION_CLAIM_SECONDS)
        )


def _settle(pk: int, change: Any, action: str, reason: str) -> str:
    """Apply the worker's result to a proposal still preparing, audited; "" if it is not."""

    def check(locked: Publication) -> None:
        if locked.state != PublicationState.PREPARING:
            raise _NotPreparing  # another worker finished first, or a person acted

    try:
        settled = workflow.run(
            PUBLICATION, None, pk, action, change, reason=reason, check=check, system=True
        )
    except _NotPreparing:
        return ""
    return str(settled.state)


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
        return _settle(pk, lambda p: p.preparation_failed(error), "preparation_failed", error)
    try:
        _require_french_model(pub)
        redactions, title = detect_redactions(pub)
        names = [r["original"] for r in redactions if r["category"] == "person"]
        prepare_documents(pub, names=names)
    except DocumentNotReadable as exc:  # an encrypted or corrupt file: the reviewer decides
        error = str(exc)[:2000]
        return _settle(pk, lambda p: p.preparation_failed(error), "preparation_failed", error[:300])
    except Exception as exc:  # shown to the officer, who can try again
        log.exception("publication %s: the redactions could not be prepared", pk)
        error = f"{type(exc).__name__}: {exc}"[:2000]
        return _settle(pk, lambda p: p.preparation_failed(error), "preparation_failed", error[:300])
    return _settle(
        pk,
        lambda p: p.prepared(redactions, title, timezone.now()),
        "prepared",
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
    return workflow.run(
        PUBLICATION,
        actor,
        pub,
        "preparation_retried",
        lambda p: p.retry_preparation(),
        # The error that failed it, read from the locked row.
        reason=lambda p: p.preparation_error[:300],
        notify=lambda p: schedule_preparation(p.pk),
    )


def _in_review(locked: Publication) -> None:
    if locked.state != PublicationState.IN_REVIEW:
        raise TransitionConflict(
            _("Redactions change only while the document is in review."), state=locked.state
        )


def _edit_redactions(
    actor: Any, pub: Publication | int, change: Any, action: str, reason: str
) -> Publication:
    def edit(locked: Publication) -> None:
        change(locked)
        locked.redactions = sorted(locked.redactions, key=lambda r: (r["start"], r["end"]))

    return workflow.run(PUBLICATION, actor, pub, action, edit, reason=reason, check=_in_review)


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
            # Every occurrence in the released files' pages too ("redact everywhere").
            on_pages = _redact_phrase_on_pages(p, phrase.strip(), category)
            if not spans and not on_pages:
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


def _redact_phrase_on_pages(pub: Publication, phrase: str, category: str) -> int:
    """Hide every run of words reading `phrase` on the pages; how many runs were found."""
    found = 0
    rows = DocumentPage.objects.select_for_update().filter(
        document__publication=pub, document__excluded=False
    )
    for page in rows:
        runs = pages.find_phrase(pages.words_of(page.words), phrase)
        if not runs:
            continue
        found += len(runs)
        page.redactions = [
            *page.redactions,
            *(
                pages.redaction(
                    run, category, " ".join(str(page.words[i][0]) for i in run), "reviewer"
                )
                for run in runs
            ),
        ]
        page.save(update_fields=["redactions"])
    return found


def remove_redaction(actor: Any, pub: Publication | int, index: int) -> Publication:
    """Keep in the published text what a proposed redaction would have hidden."""

    def change(p: Publication) -> None:
        if not 0 <= index < len(p.redactions):
            raise ValidationError(_("No such redaction."))
        p.redactions.pop(index)

    return _edit_redactions(actor, pub, change, "redaction_removed", str(index))


def _locked_page(pub: Publication, page_id: int) -> DocumentPage:
    try:
        return DocumentPage.objects.select_for_update().get(
            pk=page_id, document__publication=pub, document__excluded=False
        )
    except DocumentPage.DoesNotExist as exc:
        raise ValidationError(_("No such page in this document.")) from exc


def _edit_page(
    actor: Any, pub: Publication | int, page_id: int, change: Any, action: str, reason: str
) -> DocumentPage:
    """One reviewer's change to a page's redactions: the proposal locked, checked, audited."""
    edited: list[DocumentPage] = []

    def edit(locked: Publication) -> None:
        page = _locked_page(locked, page_id)
        change(page)
        page.save(update_fields=["redactions"])
        edited.append(page)

    workflow.run(
        PUBLICATION,
        actor,
        pub,
        action,
        edit,
        reason=f"page {page_id}: {reason}",
        check=_in_review,
    )
    return edited[0]


def add_page_redaction(
    actor: Any,
    pub: Publication | int,
    page_id: int,
    *,
    words: list[int] | None = None,
    rect: tuple[float, float, float, float] | None = None,
    category: str = "other",
) -> DocumentPage:
    """Hide words of a page chosen by the reviewer, or a rectangle drawn on it."""
    if category not in anonymise.CATEGORIES:
        raise ValidationError(_("Unknown redaction category."))
    if rect is not None:
        x0, y0, x1, y1 = (float(v) for v in rect)
        if not (0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1):
            raise ValidationError(_("Draw a rectangle inside the page."))
        rect = (x0, y0, x1, y1)

    def change(page: DocumentPage) -> None:
        chosen = sorted({int(i) for i in words or [] if 0 <= int(i) < len(page.words)})
        if not chosen and rect is None:
            raise ValidationError(_("Choose words of the page, or draw a rectangle."))
        original = " ".join(str(page.words[i][0]) for i in chosen)
        if rect is not None:
            covered = documents.words_in_rect(pages.words_of(page.words), rect)
            original = " ".join(str(page.words[i][0]) for i in covered) or original
        page.redactions = [
            *page.redactions,
            pages.redaction(
                chosen, category, original, "reviewer", [rect] if rect is not None else []
            ),
        ]

    how = "rectangle" if rect is not None else "words"
    return _edit_page(actor, pub, page_id, change, "page_redaction_added", f"{category}, {how}")


def remove_page_redaction(
    actor: Any, pub: Publication | int, page_id: int, index: int
) -> DocumentPage:
    """Keep on the page what a proposed redaction would have hidden."""

    def change(page: DocumentPage) -> None:
        if not 0 <= index < len(page.redactions):
            raise ValidationError(_("No such redaction."))
        page.redactions = [r for i, r in enumerate(page.redactions) if i != index]

    return _edit_page(actor, pub, page_id, change, "page_redaction_removed", str(index))


def exclude_document(actor: Any, pub: Publication | int, document_id: int) -> Publication:
    """Leave out a released file that cannot be read, and prepare the rest again."""
    left_out: list[SourceDocument] = []

    def check(locked: Publication) -> None:
        if locked.state != PublicationState.PREPARATION_FAILED:
            raise TransitionConflict(
                _("A file is left out only when the preparation failed."), state=locked.state
            )
        doc = locked.documents.filter(pk=document_id, excluded=False).first()
        if doc is None:
            raise ValidationError(_("No such file in this proposal."))
        left_out.append(doc)

    def change(locked: Publication) -> None:
        doc = left_out[0]
        for page in doc.pages.all():
            files.delete_on_commit(page.image.storage, page.image.name)
        doc.pages.all().delete()
        doc.excluded = True
        doc.save(update_fields=["excluded"])
        locked.retry_preparation()

    return workflow.run(
        PUBLICATION,
        actor,
        pub,
        "document_excluded",
        change,
        check=check,
        reason=f"document {document_id}",
        notify=lambda p: schedule_preparation(p.pk),
    )


def _publish_pages(pub: Publication) -> list[documents.RedactedPage]:
    """Each page's public text, image and thumbnail from what remains; the PDF's pages."""
    from PIL import Image

    out = []
    rows = DocumentPage.objects.filter(document__publication=pub, document__excluded=False)
    for page in rows.select_related("document").order_by("document__position", "number"):
        words = pages.words_of(page.words)
        with page.image.open("rb") as handle:
            image = Image.open(handle)
            image.load()
        redacted, hidden, page_boxes = pages.redacted_page(
            image, page.width_pt, page.height_pt, words, page.redactions, page.language
        )
        page.public_text = pages.public_text(words, hidden, page.language)
        burned = pages.burn(image, page_boxes)
        scan = page.source == "ocr"
        data, extension = _encoded(
            burned.convert("L") if image.mode in ("1", "L") else burned, scan=scan
        )
        files.save(
            page.public_image, f"{page.number}-public.{extension}", ContentFile(data), save=False
        )
        small, small_extension = _encoded(pages.thumbnail(burned), scan=True)
        files.save(
            page.thumbnail, f"{page.number}-thumb.{small_extension}", ContentFile(small), save=False
        )
        page.save(update_fields=["public_text", "public_image", "thumbnail"])
        out.append(redacted)
    return out


def approve_and_publish(actor: Any, pub: Publication | int, *, title: str = "") -> Publication:
    """A person approves the redactions: the public text, PDF and index are made from them."""
    texts.check_texts(title=(title, texts.LINE))

    def check(locked: Publication) -> None:
        if not locked.is_prepared:
            raise TransitionConflict(
                _("Nothing can be approved before the redactions are prepared."),
                state=locked.state,
            )
        unfinished = locked.documents.filter(excluded=False).exclude(pages_total=F("pages_done"))
        if unfinished.exists():
            raise TransitionConflict(
                _("Every page of the released files must be prepared before approval."),
                state=locked.state,
            )

    def change(locked: Publication) -> None:
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
        locked.publish(public_text, now)

    def publish(locked: Publication) -> None:
        content = pdf.publication_pdf(locked)
        released = _publish_pages(locked)
        if released:
            # Rebuilt from the page images: nothing of the original files is copied.
            content = documents.merge_pdfs(
                [
                    content,
                    documents.redacted_pdf(released, title=locked.title, lang=locked.language),
                ]
            )
        files.save(locked.pdf, f"publication-{locked.pk}.pdf", ContentFile(content))
        search.index_publication(locked)
        _publish_appeal(locked, locked.approved_at)

    return workflow.run(
        PUBLICATION,
        actor,
        pub,
        "published",
        change,
        check=check,
        then=publish,
        reason="approved by a person",
    )


def unpublish(actor: Any, pub: Publication | int, reason: str) -> Publication:
    """Withdraw a document: it leaves the index and its page becomes a tombstone."""
    if not reason.strip():
        raise ValidationError(_("Say why the document is unpublished."))
    texts.check_texts(reason=(reason, texts.REASON))

    def withdraw(locked: Publication) -> None:
        search.remove_publication(locked.pk)
        _publish_appeal(locked, None)
        for page in DocumentPage.objects.filter(document__publication=locked):
            for stored in (page.public_image, page.thumbnail):
                files.delete_on_commit(stored.storage, stored.name)
        DocumentPage.objects.filter(document__publication=locked).update(
            public_image="", thumbnail="", public_text=""
        )
        if locked.pdf:
            # Deleted once the withdrawal commits: a rollback keeps the row and its file.
            files.delete_on_commit(locked.pdf.storage, locked.pdf.name)
            locked.pdf.name = ""
            locked.save(update_fields=["pdf"])

    return workflow.run(
        PUBLICATION,
        actor,
        pub,
        "unpublished",
        lambda p: p.unpublish(reason.strip(), actor, timezone.now()),
        then=withdraw,
        reason=reason.strip(),
    )

"""An applicant's rights over their personal data (Law 09-08): access and erasure.

* `export_personal_data`: the archive of everything ati holds about the account.
* `request_erasure`: the applicant asks (password confirmed). Erased at once
  when no request keeps the data any more; otherwise refused with the date, and
  the request is kept: `apply_retention` (the periodic job and the command
  `erase_expired_personal_data`) carries it out once the retention has ended.
* `erase_account`: the erasure itself, in one transaction, with one audit event
  that holds only numbers.

What is erased and what is kept (docs/security.md, "Personal data"): the
identity fields of the requests are emptied, the applicant's own messages and
files deleted, their notices deleted, the known identity values masked in every
remaining text (the body's answers, complaints, appeals, library proposals,
staff notices), and the account anonymised (e-mail replaced, no name, password
unusable, inactive, tokens and sessions ended). The requests stay as anonymous
records for the statistics, the library and the audit chain, which is never
rewritten (it holds no applicant's name or e-mail: see `User.audit_label`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import SESSION_KEY
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ati.accounts import permissions as roles
from ati.accounts.models import User
from ati.accounts.services import erase_sign_in_data
from ati.appeals.models import Appeal, Complaint
from ati.audit.services import record
from ati.core import files
from ati.core.progress import Progress
from ati.law.deadlines import format_date
from ati.library import anonymise, pages, search
from ati.library.models import DocumentPage, Publication, PublicationState, SourceDocument
from ati.library.services import request_identities
from ati.notifications.models import Notification, NotificationAttachment
from ati.requests.models import (
    OPEN_STATES,
    Attachment,
    AttachmentKind,
    Direction,
    InformationRequest,
    Message,
)

from .export import Archive, build_archive
from .models import ErasureRequest, ErasureState
from .retention import Retention, holds_for, retention_days, retention_for, with_procedure

#: The identity fields of a request, emptied by the erasure (the model's one list).
IDENTITY_FIELDS = InformationRequest.IDENTITY_FIELDS
#: Texts written by the body, the commission or the applicant that stay (the procedure's
#: record) with the applicant's known identity values masked.
REQUEST_TEXTS = (
    "subject",
    "information_requested",
    "urgency_reason",
    "clarification_question",
    "clarification_answer",
    "extension_reason",
    "draft_text",
    "answer_text",
    "withheld_description",
    "holder_name",
    "transfer_reason",
)
COMPLAINT_TEXTS = ("reasons", "decision_text")
APPEAL_TEXTS = (
    "reasons",
    "inadmissibility_text",
    "observations_note",
    "observations_text",
    "hearing_minutes",
    "draft_reasons",
    "decision_reasons",
    "compliance_note",
    "published_text",
)
NOTICE_TEXTS = ("subject", "text_body", "html_body")


def check_applicant(actor: Any) -> None:
    """Only an applicant's (citizen's) own account: staff accounts belong to the administrator."""
    if not roles.is_citizen(actor):
        raise PermissionDenied(
            _(
                "Only applicants' accounts are handled here; staff accounts are managed by "
                "the administrator."
            )
        )


# --- access --------------------------------------------------------------------------------------


def export_personal_data(actor: Any, *, language: str = "fr") -> Archive:
    """Build the archive of the account's data and record that it was given out."""
    check_applicant(actor)
    archive = build_archive(actor, language)
    record(
        "personal_data.exported",
        actor=actor,
        obj=actor,
        after={**archive.counts, "bytes": archive.size},
    )
    return archive


# --- erasure: what it touches --------------------------------------------------------------------


class _Mask:
    """Replaces the applicant's known identity values in a text by a visible marker."""

    def __init__(self, identities: Iterable[str]) -> None:
        self.patterns = anonymise.identity_patterns(sorted(set(identities), key=len, reverse=True))

    def __call__(self, text: str, language: str = "fr") -> str:
        if not text:
            return text
        marker = anonymise.marker("identity", language)
        for pattern in self.patterns:
            text = pattern.sub(marker, text)
        return text


@dataclass
class Plan:
    """What an erasure will touch: found first (a dry run stops here), then applied."""

    requests: list[InformationRequest]
    identities: list[str]
    emails: set[str]
    messages: list[Message] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    notices: list[Notification] = field(default_factory=list)
    account: User | None = None

    def counts(self) -> dict[str, int]:
        documents = NotificationAttachment.objects.filter(notification__in=self.notices).count()
        return {
            "accounts": int(self.account is not None),
            "requests": len(self.requests),
            "messages": len(self.messages),
            "files": len(self.attachments) + documents,
            "notices": len(self.notices),
        }


def _related(requests: list[InformationRequest]) -> Q:
    """Notices about these requests, their complaints or their appeals."""
    ids = [r.pk for r in requests]
    label = InformationRequest._meta.label_lower
    return (
        Q(related_type=label, related_id__in=ids)
        | Q(
            related_type=Complaint._meta.label_lower,
            related_id__in=Complaint.objects.filter(request_id__in=ids).values("pk"),
        )
        | Q(
            related_type=Appeal._meta.label_lower,
            related_id__in=Appeal.objects.filter(request_id__in=ids).values("pk"),
        )
    )


def _emails_q(emails: Iterable[str]) -> Q:
    q = Q(pk__in=[])
    for email in emails:
        q |= Q(recipient_email__iexact=email)
    return q


def plan_erasure(requests: Iterable[InformationRequest], account: User | None = None) -> Plan:
    """Find what the erasure of these requests (and of the account, if given) touches."""
    requests = list(requests)
    identities = [v for req in requests for v in request_identities(req)]
    emails = {r.applicant_email for r in requests if r.applicant_email}
    if account is not None:
        identities += [v for v in (account.full_name, account.email) if v]
        emails.add(account.email)
    ids = [r.pk for r in requests]
    mine = Q(request_id__in=ids)
    messages = list(Message.objects.filter(mine, direction=Direction.FROM_APPLICANT))
    attachments = list(
        Attachment.objects.filter(mine).filter(
            Q(kind=AttachmentKind.REQUEST) | Q(message__direction=Direction.FROM_APPLICANT)
        )
    )
    to_person = Q(recipient=account) if account is not None else Q(pk__in=[])
    if account is None:  # only the notices about these requests
        to_person |= _related(requests) & (
            _emails_q(emails) | Q(recipient_id__in=[r.applicant_id for r in requests])
        )
    else:
        to_person |= _emails_q(emails)
    notices = list(Notification.objects.filter(to_person))
    return Plan(requests, identities, emails, messages, attachments, notices, account)


def _masked(obj: models.Model, fields: Iterable[str], mask: _Mask, language: str) -> int:
    """Mask the identity in these text fields of one row (one UPDATE when any changed)."""
    changes = {}
    for name in fields:
        value = getattr(obj, name)
        new = mask(value, language)
        if new != value:
            changes[name] = new
    if changes:
        type(obj)._default_manager.filter(pk=obj.pk).update(**changes)
    return len(changes)


def _mask_publication(pub: Publication, mask: _Mask) -> int:
    """A library document made from the request: its private original keeps only the
    redacted form (the proposed redactions applied), masked; nothing of the identity stays."""
    original = anonymise.apply(pub.original_text, pub.redactions or [], language=pub.language)
    changes: dict[str, Any] = {
        "original_text": mask(original, pub.language),
        "redactions": [],
        # The identity kept for the worker's detection: the texts are masked already.
        "identities": [],
        "title": mask(pub.title, pub.language),
        "public_text": mask(pub.public_text, pub.language),
        "unpublish_reason": mask(pub.unpublish_reason, pub.language),
    }
    Publication.objects.filter(pk=pub.pk).update(**changes)
    _mask_released_documents(pub, mask)
    if pub.state == PublicationState.PUBLISHED and changes["public_text"] != pub.public_text:
        pub.refresh_from_db()
        search.index_publication(pub)
    return 1


def _mask_released_documents(pub: Publication, mask: _Mask) -> None:
    """The released files of a document made from the request: the original files and page
    images (which show the identity) are deleted; each page keeps only its redacted text,
    masked. The published pages (redacted images, public text) stay, their text masked."""
    docs = list(SourceDocument.objects.filter(publication=pub))
    rows = list(DocumentPage.objects.filter(document__publication=pub))
    for stored in [d.file for d in docs] + [p.image for p in rows]:
        files.delete_on_commit(stored.storage, stored.name)  # the library's private storage
    SourceDocument.objects.filter(publication=pub).update(file="")
    for page in rows:
        words = pages.words_of(page.words)
        redacted = pages.public_text(words, pages.redacted_words(words, page.redactions), "fr")
        DocumentPage.objects.filter(pk=page.pk).update(
            text=mask(redacted, page.language),
            words=[],
            redactions=[],
            image="",
            public_text=mask(page.public_text, page.language),
        )


def _delete_files_after_commit(names: Iterable[str]) -> None:
    """Remove stored files once the erasure has committed, unless a row still uses them
    (a transferred request shares its attachments with the original)."""
    names = {n for n in names if n}

    def remove() -> None:
        for name in names:
            if (
                not Attachment.objects.filter(file=name).exists()
                and not NotificationAttachment.objects.filter(file=name).exists()
            ):
                default_storage.delete(name)

    if names:
        transaction.on_commit(remove)


def _end_sessions(user: User) -> int:
    """Delete the account's sessions (the changed password would refuse them anyway)."""
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return 0
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            session.delete()
            ended += 1
    return ended


def _anonymise_account(user: User) -> None:
    user.email = f"erased-{user.pk}@erased.invalid"
    user.full_name = ""
    user.set_unusable_password()
    user.is_active = False
    user.email_verified = False
    user.last_login = None
    user.save(
        update_fields=[
            "email",
            "full_name",
            "password",
            "is_active",
            "email_verified",
            "last_login",
        ]
    )
    erase_sign_in_data(user)
    _end_sessions(user)
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).update(object_repr=user.audit_label, change_message="")


def apply_plan(plan: Plan) -> dict[str, int]:
    """Carry out an erasure, inside the caller's transaction. Returns the counts."""
    counts = Counter(plan.counts())
    mask = _Mask(plan.identities)
    files = [a.file.name for a in plan.attachments]
    files += list(
        NotificationAttachment.objects.filter(notification__in=plan.notices)
        .exclude(file="")
        .values_list("file", flat=True)
    )
    Attachment.objects.filter(pk__in=[a.pk for a in plan.attachments]).delete()
    Message.objects.filter(pk__in=[m.pk for m in plan.messages]).delete()
    Notification.objects.filter(pk__in=[n.pk for n in plan.notices]).delete()
    now = timezone.now()
    requests = InformationRequest.objects.filter(pk__in=[r.pk for r in plan.requests])
    for req in requests:
        lang = req.language
        counts["texts_masked"] += _masked(req, REQUEST_TEXTS, mask, lang)
        for message in req.messages.all():
            counts["texts_masked"] += _masked(message, ["text"], mask, lang)
        for complaint in req.complaints.all():
            counts["texts_masked"] += _masked(complaint, COMPLAINT_TEXTS, mask, lang)
        for appeal in req.appeals.all():
            counts["texts_masked"] += _masked(appeal, APPEAL_TEXTS, mask, lang)
        for pub in Publication.objects.filter(source_request=req):
            counts["library_documents"] += _mask_publication(pub, mask)
    requests.update(**dict.fromkeys(IDENTITY_FIELDS, ""), identity_erased_at=now)
    for notice in Notification.objects.filter(_related(plan.requests)):
        counts["texts_masked"] += _masked(notice, NOTICE_TEXTS, mask, notice.language)
    request_type = ContentType.objects.get_for_model(InformationRequest)
    for entry in LogEntry.objects.filter(
        content_type=request_type, object_id__in=[str(r.pk) for r in plan.requests]
    ):
        _masked(entry, ["object_repr", "change_message"], mask, "fr")
    if plan.account is not None:
        _anonymise_account(plan.account)
    _delete_files_after_commit(files)
    return dict(counts)


# --- erasure: the use cases ----------------------------------------------------------------------


class RetentionNotOver(ValidationError):
    """The account's data must still be kept: nothing was erased."""

    def __init__(self, retention: Retention) -> None:
        self.retention = retention
        super().__init__(refusal_message(retention), code="retention")


def refusal_message(retention: Retention) -> str:
    until = retention.kept_until
    date = format_date(until, get_language() or "fr", weekday=False) if until else ""
    if retention.running:
        return _(
            "Your personal data cannot be erased yet: a request, complaint or appeal of yours is "
            "still being handled, and its data must then be kept for %(days)s days; at the "
            "earliest until %(date)s."
        ) % {"days": retention.days, "date": date}
    return _(
        "Your personal data cannot be erased yet: the law requires ati to keep them until "
        "%(date)s (%(days)s days after the end of your last procedure)."
    ) % {"days": retention.days, "date": date}


def erase_account(
    user: User, *, actor: Any = None, erasure: ErasureRequest | None = None
) -> dict[str, int]:
    """Erase an account's personal data now, in one transaction, if its retention has ended.

    Raises `RetentionNotOver` (nothing erased) while a request still keeps them.
    """
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        retention = retention_for(locked)
        if not retention.may_erase:
            raise RetentionNotOver(retention)
        requests = InformationRequest.objects.select_for_update(of=("self",)).filter(
            applicant=locked
        )
        counts = apply_plan(plan_erasure(requests, account=locked))
        now = timezone.now()
        erasure = (
            erasure
            or ErasureRequest.objects.filter(user=locked, state=ErasureState.PENDING).first()
        )
        if erasure is None:
            erasure = ErasureRequest(user=locked, requested_at=now)
        erasure.state, erasure.done_at, erasure.counts = ErasureState.DONE, now, counts
        erasure.save()
        # Numbers only: no name, address or e-mail enters the append-only log.
        record("personal_data.erased", actor=actor, obj=locked, after=counts)
    user.refresh_from_db()
    return counts


@dataclass(frozen=True)
class ErasureOutcome:
    erased: bool
    retention: Retention
    erasure: ErasureRequest
    counts: dict[str, int]


def ask_for_erasure(user: User, *, actor: Any) -> ErasureOutcome:
    """Erase now when the retention allows it; otherwise keep the request for later."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        retention = retention_for(locked)
        pending = ErasureRequest.objects.filter(user=locked, state=ErasureState.PENDING).first()
        if retention.may_erase:
            counts = erase_account(locked, actor=actor, erasure=pending)
            erasure = ErasureRequest.objects.filter(user=locked).order_by("-pk").first()
            assert erasure is not None
            return ErasureOutcome(True, retention, erasure, counts)
        erasure = pending or ErasureRequest(user=locked)
        erasure.not_before = retention.not_before
        erasure.save()
        record(
            "personal_data.erasure_requested",
            actor=actor,
            obj=locked,
            after={
                "not_before": retention.not_before,
                "requests_kept": len(retention.holds),
                "procedure_running": retention.running,
            },
        )
    return ErasureOutcome(False, retention, erasure, {})


def request_erasure(actor: Any, *, password: str) -> ErasureOutcome:
    """The applicant asks for the erasure of their data, confirming with their password."""
    check_applicant(actor)
    if not actor.check_password(password):
        raise ValidationError({"password": _("This password is not correct.")})
    return ask_for_erasure(actor, actor=actor)


def cancel_erasure(actor: Any) -> bool:
    """The applicant withdraws an erasure request still waiting; False when none waits."""
    check_applicant(actor)
    with transaction.atomic():
        pending = (
            ErasureRequest.objects.select_for_update()
            .filter(user=actor, state=ErasureState.PENDING)
            .first()
        )
        if pending is None:
            return False
        pending.state, pending.cancelled_at = ErasureState.CANCELLED, timezone.now()
        pending.save(update_fields=["state", "cancelled_at"])
        record("personal_data.erasure_cancelled", actor=actor, obj=actor)
    return True


def pending_erasure(user: Any) -> ErasureRequest | None:
    return ErasureRequest.objects.filter(user=user, state=ErasureState.PENDING).first()


# --- the retention, applied by the periodic job and the command ----------------------------------


@dataclass
class RetentionRun:
    """What one run did (or, in a dry run, would do)."""

    today: dt.date
    dry_run: bool
    accounts: list[tuple[int, dict[str, int]]] = field(default_factory=list)
    waiting: list[tuple[int, dt.date | None]] = field(default_factory=list)
    requests: list[tuple[str, dict[str, int]]] = field(default_factory=list)


def erase_request_identity(req: InformationRequest) -> dict[str, int]:
    """Erase one request's applicant identity (not the account), if its retention has ended."""
    with transaction.atomic():
        locked = (
            with_procedure(InformationRequest.objects.select_for_update(of=("self",)))
            .filter(pk=req.pk)
            .get()
        )
        if holds_for([locked]):
            raise ValidationError(_("The retention period of this request has not ended."))
        counts = apply_plan(plan_erasure([locked]))
        record(
            "personal_data.request_identity_erased",
            obj=locked,
            object_repr=locked.reference,
            after=counts,
        )
    return counts


def _expired_requests(today: dt.date) -> list[InformationRequest]:
    """Requests still holding an identity whose retention has ended (checked in batches)."""
    # A procedure cannot end before the request was submitted: newer ones are skipped.
    oldest = timezone.now() - dt.timedelta(days=retention_days())
    candidates = (
        InformationRequest.objects.filter(identity_erased_at__isnull=True, submitted_at__lt=oldest)
        .exclude(state__in=OPEN_STATES)
        .order_by("pk")
    )
    expired = []
    batch: list[InformationRequest] = []
    for req in with_procedure(candidates).iterator(chunk_size=500):
        batch.append(req)
        if len(batch) == 500:
            held = {h.request_id for h in holds_for(batch, today)}
            expired += [r for r in batch if r.pk not in held]
            batch = []
    held = {h.request_id for h in holds_for(batch, today)}
    return expired + [r for r in batch if r.pk not in held]


def apply_retention(
    *, dry_run: bool = False, all_requests: bool = False, progress: bool = False
) -> RetentionRun:
    """Carry out the erasures asked for whose retention has ended; with `all_requests`,
    also erase the applicant's identity on every request past its retention (the
    accounts themselves are erased only when asked). With `progress`, a bar on a
    terminal, a line every 10 s otherwise (ati.core.progress)."""
    run = RetentionRun(today=timezone.localdate(), dry_run=dry_run)
    pending = ErasureRequest.objects.filter(state=ErasureState.PENDING).select_related("user")
    erasures = list(pending.order_by("not_before", "pk"))
    with Progress("accounts", len(erasures), unit="accounts", enabled=progress) as bar:
        for erasure in erasures:
            bar.update()
            _apply_erasure(run, erasure, dry_run)
    if all_requests:
        expired = _expired_requests(run.today)
        with Progress("requests", len(expired), unit="requests", enabled=progress) as bar:
            for req in expired:
                bar.update()
                if dry_run:
                    run.requests.append((req.reference, plan_erasure([req]).counts()))
                else:
                    run.requests.append((req.reference, erase_request_identity(req)))
    return run


def _apply_erasure(run: RetentionRun, erasure: ErasureRequest, dry_run: bool) -> None:
    """One erasure asked for: carried out if its retention has ended, else kept for later."""
    user = erasure.user
    retention = retention_for(user, run.today)
    if not retention.may_erase:
        run.waiting.append((user.pk, retention.not_before))
        if not dry_run and erasure.not_before != retention.not_before:
            ErasureRequest.objects.filter(pk=erasure.pk).update(not_before=retention.not_before)
        return
    if dry_run:
        requests = InformationRequest.objects.filter(applicant=user)
        run.accounts.append((user.pk, plan_erasure(requests, account=user).counts()))
        return
    try:
        with transaction.atomic():
            # Still pending? The applicant may have withdrawn it since the list was read.
            if (
                ErasureRequest.objects.select_for_update()
                .filter(pk=erasure.pk, state=ErasureState.PENDING)
                .exists()
            ):
                run.accounts.append((user.pk, erase_account(user, erasure=erasure)))
    except RetentionNotOver as late:  # a new request came in meanwhile
        run.waiting.append((user.pk, late.retention.not_before))

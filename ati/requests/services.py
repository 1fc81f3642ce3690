"""Every write on an information request: one function per use case.

Each function checks the actor's right (`permissions.may`), locks the request
row, runs the model's transition, saves, writes one audit event and queues the
notices to send after commit — all in one transaction. A transition that the
current state does not allow (or that another person just made impossible)
raises `TransitionConflict`, which pages and the API show as a 409.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from celery import current_app
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ati import workflow
from ati.accounts import permissions as roles
from ati.audit.models import AuditEvent
from ati.audit.services import record, record_many
from ati.bodies.models import Department, PublicBody
from ati.core import counters, files, texts
from ati.core.errors import TransitionConflict
from ati.core.progress import Progress
from ati.law import selectors as law
from ati.law.deadlines import Deadline, add_period, resume_after_pause
from ati.notifications import webhooks
from ati.notifications.models import Notification, NotificationAttachment

from . import notify, permissions
from .models import (
    OPEN_STATES,
    OUTCOMES_NEEDING_GROUNDS,
    Attachment,
    AttachmentKind,
    Channel,
    Direction,
    InformationRequest,
    Message,
    Outcome,
    State,
)
from .uploads import check_upload, real_size

log = logging.getLogger(__name__)

REFERENCE_PREFIX = "DAI"
#: Called inside the answer's transaction, after the answer is saved, with (actor, request).
#: `ati.appeals` registers the one that records compliance with a disclosure order.
ANSWER_HOOKS: list[Callable[[Any, InformationRequest], None]] = []
#: The profile's ground for "request too unclear", used when a clarification goes unanswered.
UNCLEAR_GROUND = "unclear-request"


@dataclass
class Upload:
    """A file given to a service: its content, the name it came with and its size."""

    file: IO[bytes]
    name: str
    size: int


@dataclass
class ApplicantDetails:
    first_name: str
    last_name: str
    address: str
    id_number: str
    email: str
    id_kind: str = "cin"
    phone: str = ""
    language: str = "fr"


@dataclass
class RequestDetails:
    subject: str
    information_requested: str
    delivery_form: str = "electronic"
    urgent: bool = False
    urgency_reason: str = ""
    attachments: list[Upload] = field(default_factory=list)


# --- helpers -------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def _state_snapshot(req: InformationRequest) -> dict[str, Any]:
    return {
        "state": req.state,
        "department": req.department_id,
        "assignee": req.assignee_id,
        "response_due": req.response_due,
        "outcome": req.outcome or None,
    }


#: The request's machine (ati/workflow/ runs every transition through it).
REQUEST: workflow.Machine[InformationRequest] = workflow.Machine(
    "request",
    InformationRequest,
    may=lambda actor, action, req: permissions.may(actor, action, req),
    snapshot=_state_snapshot,
    denied=gettext_lazy("You may not do this on this request."),
    can_view=lambda actor, req: permissions.can_view(actor, req),
    related=("body", "department", "profile_version"),
    conflict_message=gettext_lazy("This action is not possible while the request is “%(state)s”."),
)


def _locked(req: InformationRequest | int) -> InformationRequest:
    """The request, locked until the transaction ends (the frame's own lock helper)."""
    return REQUEST.lock(req)


#: The yearly sequence of request references in ati/core/counters.py.
REFERENCE_COUNTER = "requests.reference"


def _numbering(body: PublicBody, year: int) -> tuple[str, str]:
    """The counter that numbers a request to `body` received in `year`, and the prefix of
    its references (decision 0016): one sequence for the year, DAI-2026-00042; or with
    ATI_REFERENCE_SCOPE=body one per body and year, DAI-2026-<code>-00042. A reference is
    a function of the counter's name and value, so no two can be equal."""
    if settings.ATI_REFERENCE_SCOPE == "body":
        return f"{REFERENCE_COUNTER}.{body.code}", f"{REFERENCE_PREFIX}-{year}-{body.code}-"
    return REFERENCE_COUNTER, f"{REFERENCE_PREFIX}-{year}-"


def _format_reference(prefix: str, number: int) -> str:
    return f"{prefix}{number:05d}"


def _provisional_reference() -> str:
    """Unique, as long as the column: the request's reference until `_number_last`."""
    return f"pending-{secrets.token_hex(12)}"


def _number_last(
    req: InformationRequest,
    provisional: str,
    *,
    notices: bool = False,
    events: Iterable[int] = (),
    also: Iterable[int] = (),
    insert: bool = False,
) -> str:
    """Give the request its number of the year, as the transaction's last write.

    Everything else was written before with a `provisional` reference (the request
    row, its attachments and, with `notices`, the notices rendered with it, about this
    request or the requests `also` named: a transfer's notice to the applicant is about
    the old request and names the new one): the counter row, which every submission of
    the year locks until commit, is taken here (ati/core/counters.py), and only the rows
    that carry the reference are changed after it, with no Python work in between.
    On PostgreSQL that is one statement (the counter, the request, the notices'
    texts and file names); on SQLite, whose writers are serialised anyway, two to five.
    The audit `events` written before it have the provisional reference in their label.
    A submission writes no notice in its transaction (`send_submission_notices`).

    With `insert` (PostgreSQL), the request row is not written yet, only its id taken
    (`_reserve_id`): the statement inserts it with its number, rather than insert a row
    and rewrite it, which would index it twice (the reference is indexed, so the rewrite
    is a new version of the row in each of the table's indexes).
    """
    year = req.received_on.year
    counter, prefix = _numbering(req.body, year)
    tables = InformationRequest, Notification, NotificationAttachment, AuditEvent
    request, notice, notice_file, audit = (
        connection.ops.quote_name(m._meta.db_table) for m in tables
    )
    label, about, events = InformationRequest._meta.label_lower, [req.pk, *also], list(events)
    # An event's label is cut at 300 characters (ati/audit/services.py); a reference may be
    # longer than the provisional one (a per-body prefix).
    repr_max = AuditEvent._meta.get_field("object_repr").max_length
    if connection.vendor == "postgresql":
        number = (
            "%s || CASE WHEN c.value < 100000 THEN lpad(c.value::text, 5, '0') "
            "ELSE c.value::text END"
        )
        # The counter taken by an upsert: the year's first number too, in this statement.
        ctes = [f"c AS ({counters.take_sql()})"]
        params: list[Any] = [counter, year]
        if insert:
            columns, marks, values = _insert_values(req, f"(SELECT {number} FROM c)", [prefix])  # noqa: S608
            ctes.append(
                f"""r AS (INSERT INTO {request} ({columns}) VALUES ({marks})
                      RETURNING {request}.reference)"""  # noqa: S608
            )
            params += values
        else:
            ctes.append(
                f"""r AS (UPDATE {request} SET reference = {number}
                      FROM c WHERE {request}.id = %s RETURNING {request}.reference)"""  # noqa: S608
            )
            params += [prefix, req.pk]
        if notices:
            ctes += [
                f"""n AS (UPDATE {notice} SET subject = replace(subject, %s, r.reference),
                      text_body = replace(text_body, %s, r.reference),
                      html_body = replace(html_body, %s, r.reference)
                  FROM r WHERE related_type = %s AND related_id = ANY(%s)
                  RETURNING {notice}.id)""",  # noqa: S608
                f"""a AS (UPDATE {notice_file} SET name = replace(name, %s, r.reference)
                  FROM r, n WHERE notification_id = n.id)""",  # noqa: S608
            ]
        if events:
            ctes.append(
                f"""e AS (UPDATE {audit} SET object_repr =
                      left(replace(object_repr, %s, r.reference), %s)
                  FROM r WHERE {audit}.id = ANY(%s))"""  # noqa: S608
            )
        sql = f"WITH {', '.join(ctes)} SELECT reference FROM r"  # noqa: S608 - model tables
        if notices:
            params += [*[provisional] * 3, label, about, provisional]
        if events:
            params += [provisional, repr_max, events]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if insert:
            req._state.adding, req._state.db = False, connection.alias
        return str(row[0])
    reference = _format_reference(prefix, counters.next_value(counter, year))
    marks = ", ".join(["%s"] * len(about))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {request} SET reference = %s WHERE id = %s",  # noqa: S608
            [reference, req.pk],
        )
        if events:
            cursor.execute(
                f"UPDATE {audit} SET object_repr = substr(replace(object_repr, %s, %s), 1, %s) "  # noqa: S608
                f"WHERE id IN ({', '.join(['%s'] * len(events))})",
                [provisional, reference, repr_max, *events],
            )
        if not notices:
            return reference
        cursor.execute(
            f"UPDATE {notice} SET subject = replace(subject, %s, %s), "  # noqa: S608
            "text_body = replace(text_body, %s, %s), html_body = replace(html_body, %s, %s) "
            f"WHERE related_type = %s AND related_id IN ({marks})",
            [*[provisional, reference] * 3, label, *about],
        )
        cursor.execute(
            f"UPDATE {notice_file} SET name = replace(name, %s, %s) "  # noqa: S608
            f"WHERE notification_id IN (SELECT id FROM {notice} "
            f"WHERE related_type = %s AND related_id IN ({marks}))",
            [provisional, reference, label, *about],
        )
    return reference


def _reserve_id() -> int:
    """The id of a request to be inserted later in the transaction (PostgreSQL; the
    rows written before it point to it, their foreign keys checked at commit)."""
    table = InformationRequest._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
        return int(cursor.fetchone()[0])


def _insert_values(
    req: InformationRequest, reference: str, reference_params: list[Any]
) -> tuple[str, str, list[Any]]:
    """The columns, placeholders and parameters of the request's INSERT, as Model.save
    would write them (each field's pre_save, then its value for the database), with the
    SQL expression `reference` and its parameters for the reference."""
    quote = connection.ops.quote_name
    columns, marks, values = [], [], []
    for column in InformationRequest._meta.local_concrete_fields:
        columns.append(quote(column.column))
        value = column.get_db_prep_save(column.pre_save(req, True), connection)
        if column.attname == "reference":
            marks.append(reference)
            values.extend(reference_params)
        else:
            marks.append("%s")
            values.append(value)
    return ", ".join(columns), ", ".join(marks), values


def _store_attachments(
    req: InformationRequest,
    uploads: Iterable[Upload],
    kind: str,
    actor: Any,
    message: Message | None = None,
) -> list[Attachment]:
    stored = []
    for upload in uploads:
        name, content_type = check_upload(upload.file, upload.name, upload.size)
        data = upload.file.read()
        attachment = Attachment(
            request=req,
            message=message,
            kind=kind,
            token=secrets.token_urlsafe(24),
            original_name=name,
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        files.save(attachment.file, attachment.token, ContentFile(data))
        stored.append(attachment)
    return stored


def _validate_uploads(uploads: Iterable[Upload], *, max_files: int | None = None) -> None:
    """Each file checked by its content; at most `max_files` at once (a message, a submission)."""
    uploads = list(uploads)
    if max_files is not None and len(uploads) > max_files:
        raise ValidationError(
            {
                "attachments": ngettext(
                    "At most %(max)d file may be sent at once; you sent %(count)d.",
                    "At most %(max)d files may be sent at once; you sent %(count)d.",
                    max_files,
                )
                % {"max": max_files, "count": len(uploads)}
            }
        )
    errors = []
    for upload in uploads:
        try:
            check_upload(upload.file, upload.name, upload.size)
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError({"attachments": errors})


def _check_room(uploads: list[Upload], held: tuple[int, int] = (0, 0)) -> None:
    """Bound the files a request holds: `ATI_MAX_FILES_PER_REQUEST` files and
    `ATI_MAX_BYTES_PER_REQUEST` bytes, counting the `held` (files, bytes) already there.

    Called under the request's lock, so that two messages at once cannot both fit.
    """
    if not uploads:
        return
    max_files = settings.ATI_MAX_FILES_PER_REQUEST
    max_bytes = settings.ATI_MAX_BYTES_PER_REQUEST
    files_held, bytes_held = held
    if files_held + len(uploads) > max_files:
        raise ValidationError(
            {
                "attachments": ngettext(
                    "A request may hold at most %(max)d file; it holds %(held)d already.",
                    "A request may hold at most %(max)d files; it holds %(held)d already.",
                    max_files,
                )
                % {"max": max_files, "held": files_held}
            }
        )
    adding = sum(real_size(u.file, u.size) for u in uploads)
    if bytes_held + adding > max_bytes:
        raise ValidationError(
            {
                "attachments": _(
                    "The files of a request may total at most %(max)s; with these they "
                    "would total %(total)s."
                )
                % {
                    "max": filesizeformat(max_bytes),
                    "total": filesizeformat(bytes_held + adding),
                }
            }
        )


def _conversation_files(req: InformationRequest) -> tuple[int, int]:
    """The files of the request and of its messages (not the answer's): count and bytes."""
    totals = req.attachments.filter(
        kind__in=[AttachmentKind.REQUEST, AttachmentKind.MESSAGE]
    ).aggregate(count=Count("pk"), size=Sum("size"))
    return totals["count"] or 0, totals["size"] or 0


# --- submission ------------------------------------------------------------------


def submit_request(
    actor: Any,
    *,
    body: PublicBody,
    applicant: ApplicantDetails,
    details: RequestDetails,
    channel: str = Channel.ONLINE,
    received_on: dt.date | None = None,
) -> InformationRequest:
    """A citizen submits online, or an officer records a paper, e-mail or in-person request.

    The request gets its reference, the legal profile version in force, and its
    due dates; the receipt is e-mailed after commit.
    """
    texts.check_texts(
        information_requested=(details.information_requested, texts.STATEMENT),
        urgency_reason=(details.urgency_reason, texts.SHORT),
        address=(applicant.address, texts.PHRASE),
    )
    on_behalf = not roles.is_citizen(actor)
    if on_behalf and not permissions.can_submit_on_behalf(actor, body):
        raise PermissionDenied(
            _("Only citizens, or an information officer of this body, can submit a request here.")
        )
    if not on_behalf and channel != Channel.ONLINE:
        raise ValidationError({"channel": _("Requests you send yourself come through the portal.")})
    if not on_behalf and not actor.email_verified:
        raise PermissionDenied(_("Confirm your e-mail address before submitting a request."))
    if details.urgent and not details.urgency_reason.strip():
        raise ValidationError(
            {
                "urgency_reason": _(
                    "Say why the request is urgent: the law "
                    "shortens the deadline only for a threat to "
                    "life, safety or liberty."
                )
            }
        )
    if not body.is_active:
        raise ValidationError({"body": _("This body no longer receives requests.")})
    today = _today()
    received = received_on or today
    if received > today:
        raise ValidationError({"received_on": _("The date of receipt cannot be in the future.")})
    if not on_behalf and received != today:
        raise ValidationError({"received_on": _("An online request is received today.")})
    _validate_uploads(details.attachments, max_files=settings.ATI_MAX_FILES_PER_MESSAGE)
    _check_room(list(details.attachments))

    version = law.current_version(body.legal_profile.code, received)
    req = InformationRequest(
        body=body,
        profile_version=version,
        applicant=None if on_behalf else actor,
        applicant_first_name=applicant.first_name.strip(),
        applicant_last_name=applicant.last_name.strip(),
        applicant_address=applicant.address.strip(),
        applicant_id_kind=applicant.id_kind,
        applicant_id_number=applicant.id_number.strip().upper(),
        applicant_email=applicant.email.strip().lower(),
        applicant_phone=applicant.phone.strip(),
        language=applicant.language,
        subject=details.subject.strip(),
        information_requested=details.information_requested.strip(),
        delivery_form=details.delivery_form,
        urgent=details.urgent,
        urgency_reason=details.urgency_reason.strip() if details.urgent else "",
        channel=channel,
        recorded_by=actor if on_behalf else None,
        received_on=received,
        clock_started_on=received,
        reference="pending",
    )
    # The service vouches for the related rows (the body, the actor): no query to recheck
    # them; the due dates are counted below, once, on the calendar held until commit. Nor
    # a query per check constraint: the urgent reason is checked above with its own
    # message, a new request is not answered, and the database enforces both anyway.
    computed_below = [
        "reference",
        "response_due",
        "original_response_due",
        "due_explanation",
        "due_basis",
    ]
    req.full_clean(
        exclude=["profile_version", "body", "state", "applicant", "recorded_by", *computed_below],
        validate_constraints=False,
    )
    with files.atomic():  # the attachments go if the submission does not commit
        # Count on the calendar held until commit: an administrator changing it
        # meanwhile waits for this request, or this request for the change, whose
        # recompute would not see a request stored after it read (law.hold_calendar).
        version.calendar = law.hold_calendar(version.calendar_id)
        due = law.request_schedule(version, received, urgent=details.urgent).response_due
        req.set_due(due)
        req.original_response_due = due.due
        # The number of the year is taken last (_number_last), so the counter row is
        # held the shortest time.
        provisional = req.reference = _provisional_reference()
        # The receipt and the officers' notice are rendered and stored by the worker once
        # this commits (send_submission_notices): not the web process's work, nor held in
        # the transaction. The flag is how the sweeper behind that task finds them.
        req.submission_notices_pending = True
        # On PostgreSQL the row is written once, by the numbering statement (`insert`),
        # its id taken now for the rows that point to it; SQLite writes it, then numbers it.
        insert = connection.vendor == "postgresql"
        if insert:
            req.pk = _reserve_id()
        else:
            req.save()
        _store_attachments(req, details.attachments, AttachmentKind.REQUEST, actor)
        # The event, and the webhook rows its hook queues, name the request by its
        # provisional reference, which the numbering statement rewrites: so nothing
        # but the commit follows the counter (an event waits for no other transaction,
        # since the sealer chains events after commit).
        event = record(
            "request.submitted",
            actor=actor,
            obj=req,
            after={
                **_state_snapshot(req),
                "channel": channel,
                "received_on": received,
                "profile_version": version.pk,
                "urgent": req.urgent,
            },
            reason=due.explanation("en"),
        )
        req.reference = _number_last(
            req,
            provisional,
            events=[event.pk],
            notices=webhooks.has_endpoints(body.pk),
            insert=insert,
        )
        if not notices_polled():  # polled, beat's job finds it by its flag
            transaction.on_commit(lambda: _enqueue_submission_notices(req.pk))
    return req


def _enqueue_submission_notices(pk: int) -> None:
    # The task by its name: ati/requests/tasks.py imports this module.
    task = current_app.tasks["requests.send_submission_notices"]
    try:
        # No publishing retries: a broker that is down must not hold up the citizen's
        # submission. The flag stays set and send_pending_submission_notices takes it.
        task.apply_async((pk,), retry=False)
    except Exception as exc:
        log.warning("broker unavailable, request %s waits for the sweeper: %s", pk, exc)


def send_submission_notices(pk: int, *, skip_locked: bool = False) -> bool:
    """Write a submission's receipt (to the applicant) and notice (to the body's officers).

    Run by the worker after the submission commits, and again by the sweeper for a
    submission whose task was lost: under the request's lock, once (the flag is cleared
    in the same transaction as the notices are stored). False when already done, or,
    with `skip_locked`, when another worker holds it (polling workers share the backlog).
    """
    with transaction.atomic():
        req = (
            InformationRequest.objects.select_for_update(of=("self",), skip_locked=skip_locked)
            .select_related("body", "profile_version")
            .filter(pk=pk, submission_notices_pending=True)
            .first()
        )
        if req is None:
            return False
        notify.request_submitted(req)
        InformationRequest.objects.filter(pk=pk).update(submission_notices_pending=False)
    return True


def notices_polled() -> bool:
    return bool(settings.ATI_SUBMISSION_NOTICES == "poll")


def _waiting_for_notices() -> Any:
    return InformationRequest.objects.filter(submission_notices_pending=True)


def submissions_wait_for_notices() -> bool:
    return bool(_waiting_for_notices().exists())


def send_pending_submission_notices(
    *, older_than: dt.timedelta | None = None, batch: int = 500
) -> int:
    """Submissions whose notices are still unwritten after `older_than`, oldest first.

    With one task per submission (ATI_SUBMISSION_NOTICES=task), the sweeper behind those
    tasks: a submission waits ATI_SUBMISSION_NOTICES_GRACE_SECONDS before it is taken,
    as its task may still be on its way. Polled, the only way there: every waiting one,
    at once, until none is left; several workers running this share the backlog (each
    skips the rows another holds).
    """
    if older_than is None:
        seconds = 0.0 if notices_polled() else settings.ATI_SUBMISSION_NOTICES_GRACE_SECONDS
        older_than = dt.timedelta(seconds=seconds)
    sent = 0
    while True:
        pks = list(
            _waiting_for_notices()
            .filter(submitted_at__lte=timezone.now() - older_than)
            .order_by("submitted_at", "pk")
            .values_list("pk", flat=True)[:batch]
        )
        done = 0
        for pk in pks:
            try:
                done += send_submission_notices(pk, skip_locked=True)
            except Exception:
                # One submission whose notices cannot be written (its transaction rolled
                # back, the flag still set) must not hold up every receipt behind it.
                log.exception("the notices of request %s could not be written", pk)
        sent += done
        # A short batch was the last; a batch held entirely by other workers is theirs.
        if len(pks) < batch or not done:
            return sent


# --- handling by the body ----------------------------------------------------------


def assign(
    actor: Any, req: InformationRequest | int, *, department: Department, assignee: Any = None
) -> InformationRequest:
    def check(locked: InformationRequest) -> None:
        if department.body_id != locked.body_id:
            raise ValidationError({"department": _("This department belongs to another body.")})
        if (
            assignee is not None
            and not roles.is_staff_of(assignee, department)
            and not roles.is_officer_of(assignee, locked.body_id)
        ):
            raise ValidationError({"assignee": _("This person does not work in this department.")})

    # Assign or reassign (the permission and the audit name) as the request is under its
    # lock: read before the lock, a concurrent assignment would make this one an "assign".
    # The frame takes the same lock again, in this transaction.
    with files.atomic():
        action = "reassign" if _locked(req).state == State.ASSIGNED else "assign"
        return workflow.run(
            REQUEST,
            actor,
            req,
            action,
            lambda r: r.assign(department, assignee),
            check=check,
            notify=notify.request_assigned,
        )


def request_clarification(
    actor: Any, req: InformationRequest | int, *, question: str
) -> InformationRequest:
    """Ask the applicant to clarify: the response clock stops until they answer."""
    if not question.strip():
        raise ValidationError({"question": _("Say what needs clarifying.")})
    texts.check_texts(question=(question, texts.REASON))
    return workflow.run(
        REQUEST,
        actor,
        req,
        "request_clarification",
        lambda r: r.request_clarification(question.strip(), _today()),
        reason=question.strip(),
        notify=notify.clarification_requested,
    )


def provide_clarification(
    actor: Any, req: InformationRequest | int, *, answer: str
) -> InformationRequest:
    """The applicant answers: the response period restarts (or resumes) from today."""
    if not answer.strip():
        raise ValidationError({"answer": _("Write your clarification.")})
    texts.check_texts(answer=(answer, texts.STATEMENT))

    def change(r: InformationRequest) -> None:
        today = _today()
        calendar = law.working_calendar(r.profile_version)
        period = r.response_period()
        if r.profile_version.clarification_mode == "resume" and r.clock_paused_on:
            due = resume_after_pause(r.clock_started_on, r.clock_paused_on, today, period, calendar)
            started = r.clock_started_on
        else:
            due, started = add_period(today, period, calendar), today
        r.provide_clarification(answer.strip(), started, due)

    return workflow.run(
        REQUEST,
        actor,
        req,
        "provide_clarification",
        change,
        reason=answer.strip()[:500],
        notify=notify.clarification_provided,
    )


def extend(actor: Any, req: InformationRequest | int, *, reason: str) -> InformationRequest:
    """Extend once, before the deadline passes, telling the applicant why."""
    if not reason.strip():
        raise ValidationError(
            {"reason": _("Give the reason for the extension: the applicant is told.")}
        )
    texts.check_texts(reason=(reason, texts.REASON))

    def check(r: InformationRequest) -> None:
        if r.state in OPEN_STATES and not r.can_extend():
            raise TransitionConflict(
                _("The deadline has already been extended as often as the law allows."),
                state=r.state,
                allowed=[a for a in workflow.allowed_actions(r) if a != "extend"],
            )
        if r.state in OPEN_STATES and _today() > r.response_due:
            raise ValidationError(
                {"reason": _("The deadline has passed: it can only be extended before it expires.")}
            )

    def change(r: InformationRequest) -> None:
        calendar = law.working_calendar(r.profile_version)
        # An extension counts from the due date in force, not from today.
        due = add_period(r.response_due, r.extension_period(), calendar)
        r.extend(reason.strip(), due)

    return workflow.run(
        REQUEST,
        actor,
        req,
        "extend",
        change,
        reason=reason.strip(),
        check=check,
        notify=notify.request_extended,
    )


def transfer(
    actor: Any, req: InformationRequest | int, *, to_body: PublicBody, reason: str
) -> InformationRequest:
    """Send the request to the body that holds the information; a new clock starts there."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the request goes to another body.")})
    texts.check_texts(reason=(reason, texts.REASON))
    new_request: list[InformationRequest] = []

    def check(r: InformationRequest) -> None:
        if to_body.pk == r.body_id:
            raise ValidationError({"to_body": _("Choose another body.")})
        if not to_body.is_active:
            raise ValidationError({"to_body": _("This body no longer receives requests.")})

    def change(r: InformationRequest) -> None:
        r.transfer(reason.strip())
        today = _today()
        version = law.current_version(to_body.legal_profile.code, today)
        due = law.request_schedule(version, today, urgent=r.urgent).response_due
        copy = InformationRequest(
            body=to_body,
            profile_version=version,
            applicant=r.applicant,
            **{
                f: getattr(r, f)
                # The identity by the model's one list: a field added there follows.
                for f in (
                    *InformationRequest.IDENTITY_FIELDS,
                    "applicant_id_kind",
                    "language",
                    "subject",
                    "information_requested",
                    "delivery_form",
                    "urgent",
                    "urgency_reason",
                    "channel",
                )
            },
            recorded_by=actor,
            received_on=today,
            clock_started_on=today,
            response_due=due.due,
            original_response_due=due.due,
            due_explanation=due.explanation(r.language),
            due_basis=due.as_data(),
            transferred_from=r,
            reference=_provisional_reference(),  # numbered last, below
        )
        r.save()
        copy.save()
        for attachment in r.attachments.filter(kind=AttachmentKind.REQUEST):
            Attachment.objects.create(
                request=copy,
                kind=attachment.kind,
                token=secrets.token_urlsafe(24),
                file=attachment.file.name,
                original_name=attachment.original_name,
                content_type=attachment.content_type,
                size=attachment.size,
                sha256=attachment.sha256,
                uploaded_by=attachment.uploaded_by,
            )
        new_request.append(copy)

    with files.atomic():
        # The copy's due date counts on the receiving body's calendar: held before the
        # request's row is locked, in the order a calendar change takes them.
        law.hold_calendar(law.current_version(to_body.legal_profile.code, _today()).calendar_id)
        old = workflow.run(
            REQUEST, actor, req, "transfer", change, reason=reason.strip(), check=check
        )
        (copy,) = new_request
        provisional = copy.reference
        notify.request_transferred(old, copy)
        # The new request's number of the year, as a submission takes it: last, then
        # written into the notices that name it (also the applicant's, about the old one).
        copy.reference = _number_last(copy, provisional, notices=True, also=[old.pk])
        record(
            "request.submitted",
            actor=actor,
            obj=copy,
            after={
                **_state_snapshot(copy),
                "transferred_from": old.reference,
                "received_on": copy.received_on,
            },
            reason=f"transfer from {old.reference}",
        )
        return old


def submit_draft(
    actor: Any, req: InformationRequest | int, *, outcome: str, text: str
) -> InformationRequest:
    """Department staff propose the answer; the officer approves it with `answer`."""
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    if not text.strip():
        raise ValidationError({"text": _("Write the proposed answer.")})
    texts.check_texts(text=(text, texts.ANSWER))
    return workflow.run(
        REQUEST,
        actor,
        req,
        "submit_draft",
        lambda r: r.submit_draft(outcome, text.strip(), actor),
        notify=notify.draft_submitted,
    )


def return_draft(actor: Any, req: InformationRequest | int, *, comment: str) -> InformationRequest:
    if not comment.strip():
        raise ValidationError({"comment": _("Say what must change in the draft.")})
    texts.check_texts(comment=(comment, texts.REASON))
    return workflow.run(
        REQUEST, actor, req, "return_draft", lambda r: r.return_draft(), reason=comment.strip()
    )


def answer(
    actor: Any,
    req: InformationRequest | int,
    *,
    outcome: str,
    text: str,
    grounds: Iterable[str] = (),
    withheld: str = "",
    holder: str = "",
    cost: Decimal | int | str = 0,
    attachments: Iterable[Upload] = (),
) -> InformationRequest:
    """The body's answer: granted, partially granted, refused (citing grounds) or not held."""
    attachments = list(attachments)
    grounds = [g for g in grounds if g]
    errors: dict[str, Any] = texts.text_errors(
        text=(text, texts.ANSWER), withheld=(withheld, texts.REASON), holder=(holder, texts.LINE)
    )
    if outcome not in Outcome.values:
        errors["outcome"] = _("Choose an outcome.")
    if not text.strip():
        errors["text"] = _("Write the answer to the applicant.")
    if outcome in OUTCOMES_NEEDING_GROUNDS and not grounds:
        errors["grounds"] = _("A refusal, even partial, must cite at least one legal ground.")
    if outcome == Outcome.PARTIALLY_GRANTED and not withheld.strip():
        errors["withheld"] = _("Say what is withheld.")
    if outcome not in OUTCOMES_NEEDING_GROUNDS and grounds:
        errors["grounds"] = _("Only a refusal or a partial answer cites legal grounds.")
    try:
        cost_value = Decimal(str(cost or 0))
    except ArithmeticError:
        cost_value = Decimal("-1")
    if cost_value < 0 or cost_value > Decimal("99999999"):
        errors["cost"] = _("The cost of reproduction cannot be negative.")
    if errors:
        raise ValidationError(errors)
    # The answer's documents are bounded on their own (a request's limits, for this answer):
    # never by what the applicant attached, which must not stop the body from answering.
    _validate_uploads(attachments, max_files=settings.ATI_MAX_FILES_PER_REQUEST)
    _check_room(list(attachments))
    chosen: list[Any] = []

    def check(r: InformationRequest) -> None:
        chosen.extend(r.profile_version.grounds.filter(code__in=grounds))
        unknown = set(grounds) - {g.code for g in chosen}
        if unknown:
            raise ValidationError(
                {
                    "grounds": _("Not a ground of this request's law: %(codes)s.")
                    % {"codes": ", ".join(sorted(unknown))}
                }
            )
        if r.state == State.AWAITING_CLARIFICATION and (
            outcome != Outcome.REFUSED or UNCLEAR_GROUND not in grounds
        ):
            raise TransitionConflict(
                _(
                    "While a clarification is awaited, the only answer is a refusal because the "
                    "request is too unclear."
                ),
                state=r.state,
                allowed=workflow.allowed_actions(r),
            )

    def change(r: InformationRequest) -> None:
        r.answer(
            outcome=outcome,
            text=text.strip(),
            withheld=withheld.strip(),
            holder=holder.strip(),
            cost=cost_value,
            by=actor,
            at=timezone.now(),
        )
        r.save()
        r.refusal_grounds.set(chosen)
        _store_attachments(r, attachments, AttachmentKind.ANSWER, actor)
        for hook in ANSWER_HOOKS:
            hook(actor, r)

    return workflow.run(
        REQUEST,
        actor,
        req,
        "answer",
        change,
        check=check,
        audit_action=f"answered.{outcome}",
        reason=",".join(sorted(grounds)),
        notify=notify.request_answered,
    )


def reopen_after_order(
    actor: Any, req: InformationRequest | int, *, reason: str
) -> InformationRequest:
    """An order to disclose reopens the request with a new deadline for the answer.

    Called by `ati.appeals` when the head of the body overturns a refusal or the
    commission orders disclosure, inside their transaction. The response period
    (urgent or not) is counted again from the day of the order; extensions
    already used stay used. The cleared answer (outcome, text, grounds, cost) is
    kept in a `request.previous_answer` audit event written just before.
    """

    def change(r: InformationRequest) -> None:
        if r.answered_at is not None:
            record(
                "request.previous_answer",
                actor=actor,
                obj=r,
                reason=reason,
                before={
                    "outcome": r.outcome,
                    "answer_text": r.answer_text,
                    "withheld": r.withheld_description,
                    "holder": r.holder_name,
                    "grounds": sorted(g.code for g in r.refusal_grounds.all()),
                    "cost": r.reproduction_cost,
                    "answered_at": r.answered_at,
                },
            )
        today = _today()
        due = add_period(today, r.response_period(), law.working_calendar(r.profile_version))
        r.reopen(started=today, due=due)
        r.save()
        r.refusal_grounds.clear()

    return workflow.run(REQUEST, actor, req, "reopen", change, reason=reason)


def withdraw(actor: Any, req: InformationRequest | int, *, reason: str = "") -> InformationRequest:
    texts.check_texts(reason=(reason, texts.REASON))
    return workflow.run(
        REQUEST,
        actor,
        req,
        "withdraw",
        lambda r: r.withdraw(timezone.now()),
        reason=reason.strip(),
        notify=notify.request_withdrawn,
    )


def close(actor: Any, req: InformationRequest | int) -> InformationRequest:
    return workflow.run(REQUEST, actor, req, "close", lambda r: r.close(timezone.now()))


# --- messages ----------------------------------------------------------------------


def post_message(
    actor: Any,
    req: InformationRequest | int,
    *,
    text: str,
    internal: bool = False,
    attachments: Iterable[Upload] = (),
) -> Message:
    attachments = list(attachments)
    if not text.strip():
        raise ValidationError({"text": _("Write a message.")})
    texts.check_texts(text=(text, texts.STATEMENT))
    _validate_uploads(attachments, max_files=settings.ATI_MAX_FILES_PER_MESSAGE)
    with files.atomic():
        locked = REQUEST.lock(req)
        if not permissions.can_view(actor, locked):
            raise InformationRequest.DoesNotExist
        if not permissions.may(actor, "post_message", locked):
            raise PermissionDenied(_("You may not write on this request."))
        if not locked.accepts_messages:
            raise TransitionConflict(
                _("This request was withdrawn: no more messages can be written on it.")
                if locked.state == State.WITHDRAWN
                else _("This request is closed: no more messages can be written on it."),
                state=locked.state,
                allowed=workflow.allowed_actions(locked),
            )
        _check_room(attachments, _conversation_files(locked))
        from_applicant = permissions.is_applicant(actor, locked)
        if internal and from_applicant:
            raise ValidationError({"internal": _("Internal notes are for the body's staff.")})
        direction = (
            Direction.FROM_APPLICANT
            if from_applicant
            else Direction.INTERNAL
            if internal
            else Direction.TO_APPLICANT
        )
        message = Message.objects.create(
            request=locked, author=actor, direction=direction, text=text.strip()
        )
        _store_attachments(locked, attachments, AttachmentKind.MESSAGE, actor, message)
        record(
            "request.message",
            actor=actor,
            obj=locked,
            after={"direction": direction, "message": message.pk},
        )
        notify.message_posted(message)
    return message


# --- recomputation after a calendar change -----------------------------------------


def recompute_due_dates(calendar: Any, actor: Any, reason: str) -> int:
    """Recompute the due dates of open requests counted on this calendar, in bulk.

    Registered with `ati.law.recompute` (see apps.py). Requests that share a
    start date, profile version, urgency, extension count and language share
    their deadline: each distinct case is computed once, and each resulting due
    date is written with one UPDATE. One audit event per request that moved.
    """
    working = law.working_calendar(calendar)
    versions = {v.pk: v for v in calendar.versions.all()}
    # Locked, in the order of their keys as an officer's transaction locks one: an
    # extension or a clarification committed meanwhile is read here before its row
    # is recomputed, never overwritten with a due date computed from before it.
    rows = (
        InformationRequest.objects.open()
        .filter(profile_version__in=list(versions))
        .select_for_update(of=("self",))
        .order_by("pk")
        .values_list(
            "pk",
            "reference",
            "profile_version_id",
            "clock_started_on",
            "urgent",
            "extensions_used",
            "language",
            "response_due",
        )
    )
    deadlines: dict[tuple[Any, ...], Deadline] = {}
    moved: dict[tuple[Deadline, str], list[int]] = {}
    events: list[dict[str, Any]] = []
    label = InformationRequest._meta.label_lower
    # Run from an operator's command, the admin or a task: a line every 10 s when long
    # (a bar on a terminal), nothing when short (ati.core.progress).
    with transaction.atomic(), Progress("recompute due dates", unit="requests") as progress:
        for (
            pk,
            reference,
            version_id,
            started,
            urgent,
            extensions,
            language,
            stored,
        ) in rows.iterator(chunk_size=5000):
            key = (version_id, started, urgent, extensions, language)
            if key not in deadlines:
                case = InformationRequest(
                    profile_version=versions[version_id],
                    urgent=urgent,
                    extensions_used=extensions,
                    clock_started_on=started,
                )
                deadlines[key] = case.deadline_in_force(working)
            deadline = deadlines[key]
            new_due = deadline.due
            progress.update()
            if new_due != stored:
                moved.setdefault((deadline, language), []).append(pk)
                events.append(
                    {
                        "action": "request.due_date_recomputed",
                        "object_type": label,
                        "object_id": str(pk),
                        "object_repr": reference,
                        "before": {"response_due": stored},
                        "after": {"response_due": new_due},
                        "reason": reason,
                    }
                )
        for (deadline, language), pks in moved.items():
            explanation, basis = deadline.explanation(language), deadline.as_data()
            for start in range(0, len(pks), 5000):
                # update() bypasses save(): the FSM state is not touched here.
                InformationRequest.objects.filter(pk__in=pks[start : start + 5000]).update(
                    response_due=deadline.due, due_explanation=explanation, due_basis=basis
                )
        record_many(events, actor=actor)
    return len(events)

"""The information request and its state machine (Law 31-13, §§ 1-4).

Every transition lives here, on the model, as a django-fsm method: what state it
leaves from, where it goes and on which condition. The methods only change the
request's own fields; permissions, locking, audit events, notifications and
letters are the business of `services.py`, which calls them.

"Overdue" is never a state: it is computed from the stored due date (see
`InformationRequestQuerySet.with_overdue`), so it can never be stale.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from ati.core import texts
from ati.law.deadlines import Deadline, explain_stored


class State(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ASSIGNED = "assigned", _("Assigned to a department")
    AWAITING_CLARIFICATION = "awaiting_clarification", _("Awaiting clarification")
    DRAFT_READY = "draft_ready", _("Draft answer awaiting approval")
    ANSWERED = "answered", _("Answered")
    TRANSFERRED = "transferred", _("Transferred to another body")
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")
    CLOSED = "closed", _("Closed")


#: States in which the body owes an answer and the response clock runs.
CLOCK_RUNNING = (State.SUBMITTED, State.ASSIGNED, State.DRAFT_READY)
#: States in which the request is still being handled (the clock may be paused).
OPEN_STATES = (*CLOCK_RUNNING, State.AWAITING_CLARIFICATION)
FINAL_STATES = (State.TRANSFERRED, State.WITHDRAWN, State.CLOSED)
#: States in which no message may be written any more (issue 17): the applicant ended the
#: request, or the body closed it after its answer. A complaint or an appeal is not a
#: message, and an order to disclose reopens the request first.
NO_MESSAGES = (State.WITHDRAWN, State.CLOSED)


class Outcome(models.TextChoices):
    GRANTED = "granted", _("Granted")
    PARTIALLY_GRANTED = "partially_granted", _("Partially granted")
    REFUSED = "refused", _("Refused")
    NOT_HELD = "not_held", _("Information not held")


#: Outcomes that withhold something, and so must cite at least one legal ground.
OUTCOMES_NEEDING_GROUNDS = (Outcome.PARTIALLY_GRANTED, Outcome.REFUSED)


class DeliveryForm(models.TextChoices):
    ELECTRONIC = "electronic", _("Electronic copy")
    PAPER = "paper", _("Paper copy")
    ON_SITE = "on_site", _("Consultation on site")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online portal")
    IN_PERSON = "in_person", _("In person")
    POST = "post", _("Post")
    EMAIL = "email", _("E-mail")


class IdDocument(models.TextChoices):
    CIN = "cin", _("National identity card (CIN)")
    RESIDENCE_CARD = "residence_card", _("Residence card (foreign resident)")


def due_fields(deadline: Deadline, language: str) -> dict[str, Any]:
    """A due date as a request stores it: the date, how it was computed (data, shown in
    each reader's language), and that sentence in the applicant's ``language``.

    `InformationRequest.set_due` and the load generator's bulk rows both write these.
    """
    return {
        "response_due": deadline.due,
        "due_basis": deadline.as_data(),
        "due_explanation": deadline.explanation(language),
    }


class InformationRequestQuerySet(models.QuerySet["InformationRequest"]):
    def with_overdue(self, today: dt.date | None = None) -> InformationRequestQuerySet:
        """Annotate `is_overdue`: the clock runs and the due date has passed."""
        today = today or timezone.localdate()
        return self.annotate(
            is_overdue=Case(
                When(Q(state__in=CLOCK_RUNNING, response_due__lt=today), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            )
        )

    def overdue(self, today: dt.date | None = None) -> InformationRequestQuerySet:
        today = today or timezone.localdate()
        return self.filter(state__in=CLOCK_RUNNING, response_due__lt=today)

    def open(self) -> InformationRequestQuerySet:
        return self.filter(state__in=OPEN_STATES)


class InformationRequest(ConcurrentTransitionMixin, models.Model):
    # DAI-2026-00042, or DAI-2026-<body code>-00042 (decision 0016: a code is ≤ 64).
    reference = models.CharField(_("reference"), max_length=96, unique=True)
    body = models.ForeignKey(
        "bodies.PublicBody",
        verbose_name=_("body"),
        on_delete=models.PROTECT,
        related_name="requests",
    )
    department = models.ForeignKey(
        "bodies.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_requests",
    )
    profile_version = models.ForeignKey(
        "law.LegalProfileVersion",
        verbose_name=_("legal profile (version)"),
        on_delete=models.PROTECT,
        related_name="requests",
    )

    # The applicant. Personal data (Law 09-08): shown only to those who handle the request.
    # No index of its own: request_applicant_idx leads with it. (The body keeps its own:
    # without it SQLite plans the queue's query differently, docs/performance.md.)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant's account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="information_requests",
        db_index=False,
    )
    applicant_first_name = models.CharField(_("first name"), max_length=100)
    applicant_last_name = models.CharField(_("last name"), max_length=100)
    applicant_address = models.TextField(_("postal address"), max_length=texts.PHRASE)
    applicant_id_kind = models.CharField(
        _("identity document"), max_length=20, choices=IdDocument.choices, default=IdDocument.CIN
    )
    applicant_id_number = models.CharField(_("identity document number"), max_length=20)
    applicant_email = models.EmailField(_("e-mail address"))
    applicant_phone = models.CharField(_("telephone"), max_length=30, blank=True)
    #: The fields above that identify the applicant, the one list of them: emptied by the
    #: erasure (ati.personal_data), redacted from whatever the library publishes, masked by
    #: the admin and the API. A new identity field is added here, or it escapes all three
    #: (tests/requests/test_identity_fields.py fails until it is). The document's
    #: kind (CIN, passport…) names no one: it is masked with them, never erased.
    IDENTITY_FIELDS = (
        "applicant_first_name",
        "applicant_last_name",
        "applicant_address",
        "applicant_id_number",
        "applicant_email",
        "applicant_phone",
    )
    # Set when the applicant's identity was erased after the retention period (ati.personal_data):
    # the fields above are then empty and the request stays as an anonymous record.
    identity_erased_at = models.DateTimeField(_("identity erased on"), null=True, blank=True)
    language = models.CharField(
        _("language of the letters"),
        max_length=8,
        choices=[("fr", "Français"), ("ar", "العربية"), ("en", "English")],
        default="fr",
    )

    subject = models.CharField(_("subject"), max_length=200)
    information_requested = models.TextField(_("information requested"), max_length=texts.STATEMENT)
    delivery_form = models.CharField(
        _("form of delivery"),
        max_length=16,
        choices=DeliveryForm.choices,
        default=DeliveryForm.ELECTRONIC,
    )
    urgent = models.BooleanField(_("urgent (life, safety or liberty)"), default=False)
    urgency_reason = models.TextField(_("why it is urgent"), max_length=texts.SHORT, blank=True)
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.ONLINE
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    state = FSMField(
        _("state"),
        max_length=32,
        choices=State.choices,
        default=State.SUBMITTED,
        protected=True,
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    received_on = models.DateField(_("received on"))
    # Where the response period now counts from: the receipt, or the clarification's answer.
    clock_started_on = models.DateField(_("response period counted from"))
    # The deadline now in force (after extension or clarification), and the first one.
    response_due = models.DateField(_("answer due by"), db_index=True)
    original_response_due = models.DateField(_("first due date"))
    due_explanation = models.TextField(_("how the due date was computed"), blank=True)
    # The same computation as data (Deadline.as_data): pages and letters write its
    # explanation in their reader's language; the text above, in the applicant's, is
    # what older rows fall back to and what the API and the audit trail show.
    due_basis = models.JSONField(_("how the due date was computed (data)"), null=True, blank=True)
    extensions_used = models.PositiveSmallIntegerField(_("extensions used"), default=0)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    clock_paused_on = models.DateField(_("clock stopped on"), null=True, blank=True)
    clarification_question = models.TextField(_("clarification asked"), blank=True)
    clarification_answer = models.TextField(_("clarification given"), blank=True)

    # The draft prepared by department staff, approved (or returned) by the officer.
    draft_outcome = models.CharField(
        _("proposed outcome"), max_length=20, choices=Outcome.choices, blank=True
    )
    draft_text = models.TextField(_("draft answer"), blank=True)
    draft_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    answer_text = models.TextField(_("answer"), blank=True)
    withheld_description = models.TextField(_("what is withheld"), blank=True)
    holder_name = models.CharField(_("body that holds the information"), max_length=300, blank=True)
    refusal_grounds = models.ManyToManyField(
        "law.ExceptionGround",
        verbose_name=_("legal grounds cited"),
        blank=True,
        related_name="requests",
    )
    reproduction_cost = models.DecimalField(
        _("cost of reproduction and sending (MAD)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    transferred_from = models.OneToOneField(
        "self",
        verbose_name=_("transferred from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transferred_to",
    )
    transfer_reason = models.TextField(_("reason for the transfer"), blank=True)
    # The receipt and the officers' notice of a submission are written by the worker after
    # the submission commits (tasks.send_submission_notices); until then this is set, and
    # the sweeper behind the task (send_pending_submission_notices) finds it by it.
    submission_notices_pending = models.BooleanField(default=False, editable=False)

    objects = InformationRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("information request")
        verbose_name_plural = _("information requests")
        ordering = ["response_due", "pk"]
        indexes = [
            models.Index(fields=["body", "state", "response_due"], name="request_queue_idx"),
            models.Index(fields=["applicant", "submitted_at"], name="request_applicant_idx"),
            # Declared here rather than db_index=True, which on PostgreSQL adds a second
            # index for LIKE on each text column: every submission writes each index.
            models.Index(fields=["state"], name="request_state_idx"),
            models.Index(fields=["outcome"], name="request_outcome_idx"),
            # Only the few submissions whose notices are not written yet.
            models.Index(
                fields=["submitted_at"],
                condition=Q(submission_notices_pending=True),
                name="request_notices_pending_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(urgent=True) | ~Q(urgency_reason=""),
                name="urgent_request_has_a_reason",
            ),
            models.CheckConstraint(
                condition=~Q(state="answered") | ~Q(outcome=""),
                name="answered_request_has_an_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.subject}"

    @property
    def applicant_name(self) -> str:
        return f"{self.applicant_first_name} {self.applicant_last_name}".strip()

    def past_due(self, today: dt.date | None = None) -> bool:
        """Overdue now (querysets annotate the same as `is_overdue`, see `with_overdue`)."""
        today = today or timezone.localdate()
        return self.state in CLOCK_RUNNING and self.response_due < today

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def accepts_messages(self) -> bool:
        return self.state not in NO_MESSAGES

    def response_period(self) -> Any:
        """The period the body has to answer; a law without an urgent procedure
        (most of them) treats urgent requests like the others."""
        version = self.profile_version
        urgent = version.optional_period("urgent_response") if self.urgent else None
        return urgent or version.period("response")

    def extension_period(self) -> Any:
        version = self.profile_version
        urgent = version.optional_period("urgent_extension") if self.urgent else None
        return urgent or version.period("extension")

    def deadline_in_force(self, calendar: Any) -> Any:
        """The due date as the law computes it now: the response period from the
        start of the clock, then each extension granted, on this calendar."""
        from ati.law.deadlines import add_period  # pure arithmetic, no database

        deadline = add_period(self.clock_started_on, self.response_period(), calendar)
        for _i in range(self.extensions_used):
            deadline = add_period(deadline.due, self.extension_period(), calendar)
        return deadline

    def set_due(self, deadline: Deadline) -> None:
        """The due date in force, with how it was computed (data, and the applicant's words)."""
        for name, value in due_fields(deadline, self.language).items():
            setattr(self, name, value)

    def explain_due(self, language: str) -> str:
        """How the due date was computed, in ``language`` (the reader's)."""
        return explain_stored(self.due_basis, self.due_explanation, language)

    # --- transitions ---------------------------------------------------------
    # Each one changes fields only; see services.py for who may call it.

    @transition(
        field=state,
        source=[State.SUBMITTED, State.ASSIGNED, State.DRAFT_READY],
        target=State.ASSIGNED,
    )
    def assign(self, department: Any, assignee: Any = None) -> None:
        self.department = department
        self.assignee = assignee

    @transition(
        field=state, source=[State.SUBMITTED, State.ASSIGNED], target=State.AWAITING_CLARIFICATION
    )
    def request_clarification(self, question: str, today: dt.date) -> None:
        self.clarification_question = question
        self.clock_paused_on = today

    @transition(
        field=state,
        source=State.AWAITING_CLARIFICATION,
        target=RETURN_VALUE(State.SUBMITTED, State.ASSIGNED),
    )
    def provide_clarification(self, answer: str, started: dt.date, due: Deadline) -> str:
        self.clarification_answer = answer
        self.clock_paused_on = None
        self.clock_started_on = started
        self.set_due(due)
        # Back to the department that had it, if any.
        return State.ASSIGNED if self.department_id is not None else State.SUBMITTED

    def can_extend(self) -> bool:
        return self.extensions_used < self.profile_version.max_extensions

    @transition(
        field=state,
        source=[State.SUBMITTED, State.ASSIGNED, State.DRAFT_READY],
        target=None,
        conditions=[can_extend],  # type: ignore[list-item]
    )
    def extend(self, reason: str, due: Deadline) -> None:
        self.extensions_used += 1
        self.extension_reason = reason
        self.set_due(due)

    @transition(
        field=state,
        source=[State.SUBMITTED, State.ASSIGNED, State.AWAITING_CLARIFICATION],
        target=State.TRANSFERRED,
    )
    def transfer(self, reason: str) -> None:
        self.transfer_reason = reason
        self.clock_paused_on = None

    @transition(field=state, source=State.ASSIGNED, target=State.DRAFT_READY)
    def submit_draft(self, outcome: str, text: str, author: Any) -> None:
        self.draft_outcome = outcome
        self.draft_text = text
        self.draft_by = author

    @transition(field=state, source=State.DRAFT_READY, target=State.ASSIGNED)
    def return_draft(self) -> None:
        pass

    @transition(
        field=state, source=[*CLOCK_RUNNING, State.AWAITING_CLARIFICATION], target=State.ANSWERED
    )
    def answer(
        self,
        *,
        outcome: str,
        text: str,
        withheld: str,
        holder: str,
        cost: Decimal,
        by: Any,
        at: dt.datetime,
    ) -> None:
        self.outcome = outcome
        self.answer_text = text
        self.withheld_description = withheld
        self.holder_name = holder
        self.reproduction_cost = cost
        self.answered_by = by
        self.answered_at = at
        self.clock_paused_on = None

    @transition(field=state, source=list(OPEN_STATES), target=State.WITHDRAWN)
    def withdraw(self, at: dt.datetime) -> None:
        self.closed_at = at

    @transition(field=state, source=State.ANSWERED, target=State.CLOSED)
    def close(self, at: dt.datetime) -> None:
        self.closed_at = at

    @transition(
        field=state,
        source=[State.ANSWERED, State.CLOSED, *CLOCK_RUNNING],
        target=RETURN_VALUE(State.SUBMITTED, State.ASSIGNED, State.DRAFT_READY),
    )
    def reopen(self, *, started: dt.date, due: Deadline) -> str:
        """An order to disclose (the head of the body's or the commission's) reopens the request.

        The body owes a new answer within the response period counted from the
        order. The previous answer is cleared here; the service keeps it in the
        audit event, so the trail still shows what was answered and overturned.
        A request still being handled (silence overturned) keeps its state and
        only gets the new deadline.
        """
        self.clock_started_on = started
        self.set_due(due)
        self.clock_paused_on = None
        if self.state in CLOCK_RUNNING:
            return self.state
        self.outcome = ""
        self.answer_text = ""
        self.withheld_description = ""
        self.holder_name = ""
        self.reproduction_cost = Decimal("0")
        self.answered_at = None
        self.answered_by = None
        self.closed_at = None
        self.draft_outcome = ""
        self.draft_text = ""
        return State.ASSIGNED if self.department_id is not None else State.SUBMITTED


class Direction(models.TextChoices):
    FROM_APPLICANT = "from_applicant", _("From the applicant")
    TO_APPLICANT = "to_applicant", _("To the applicant")
    INTERNAL = "internal", _("Internal note (body only)")


class Message(models.Model):
    """A message on a request, in either direction, or an internal note of the body."""

    request = models.ForeignKey(
        InformationRequest, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    direction = models.CharField(max_length=16, choices=Direction.choices)
    text = models.TextField(_("message"), max_length=texts.STATEMENT)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.request.reference} · {self.get_direction_display()}"


class AttachmentKind(models.TextChoices):
    REQUEST = "request", _("Attached to the request")
    ANSWER = "answer", _("Attached to the answer")
    MESSAGE = "message", _("Attached to a message")


def attachment_path(instance: Attachment, filename: str) -> str:
    # Never the uploaded name: a random name under the request's folder.
    return f"requests/{instance.request_id}/{instance.token}"


class Attachment(models.Model):
    request = models.ForeignKey(
        InformationRequest, on_delete=models.CASCADE, related_name="attachments"
    )
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(max_length=16, choices=AttachmentKind.choices)
    token = models.CharField(max_length=64, unique=True)
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name

"""Complaints to the head of the body and appeals to the commission (Law 31-13, § 5).

Two processes, each its own django-fsm state machine:

* `Complaint`: filed -> confirmed | overturned | lapsed. The head of the body
  decides within the profile's ``head_decision`` period; when it passes with no
  decision the system records the lapse (`services.record_lapsed_complaints`).
* `Appeal` to the commission (CDAI, or CADA under the French profile):
  filed -> admissible | inadmissible -> observations_requested
  -> observations_received -> (hearing_held) -> decided -> complied | not_complied.

As in `ati.requests`, the methods only change the object's own fields; who may
call them, locks, audit events and notices live in `services.py`. Deadlines are
stored when computed (from the request's legal profile version and its
calendar) together with the sentence that explains them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from ati.core import texts
from ati.core.i18n import pick_translation


class Ground(models.TextChoices):
    """What the applicant complains of (law-31-13.md § 5.1)."""

    REFUSAL = "refusal", _("Refusal")
    PARTIAL = "partial", _("Partial answer")
    DEEMED_REFUSAL = "deemed_refusal", _("No answer within the deadline (deemed refusal)")
    COST = "cost", _("Cost charged")


class ComplaintState(models.TextChoices):
    FILED = "filed", _("Awaiting the head's decision")
    CONFIRMED = "confirmed", _("Answer confirmed by the head of the body")
    OVERTURNED = "overturned", _("Overturned: disclosure ordered")
    LAPSED = "lapsed", _("No decision within the deadline")


class Complaint(ConcurrentTransitionMixin, models.Model):
    request = models.ForeignKey(
        "requests.InformationRequest",
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    ground = models.CharField(_("ground of complaint"), max_length=20, choices=Ground.choices)
    reasons = models.TextField(_("reasons"), max_length=texts.STATEMENT)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    filed_on = models.DateField(_("filed on"))
    window_start = models.DateField(_("window counted from"))
    window_end = models.DateField(_("last day to complain"))
    decision_due = models.DateField(_("decision due by"), db_index=True)
    due_explanation = models.TextField(_("how the decision's deadline was computed"), blank=True)
    # The computation as data, explained in each reader's language (`due_explained`).
    due_basis = models.JSONField(
        _("how the decision's deadline was computed (data)"), null=True, blank=True
    )
    state = FSMField(
        _("state"),
        max_length=16,
        choices=ComplaintState.choices,
        default=ComplaintState.FILED,
        protected=True,
        db_index=True,
    )
    decision_text = models.TextField(_("decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint to the head of the body")
        verbose_name_plural = _("complaints to the head of the body")
        ordering = ["decision_due", "pk"]
        constraints = [
            # One complaint at a time per request: a second waits for the first decision.
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(state="filed"),
                name="one_pending_complaint_per_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request.reference} · {self.get_ground_display()}"

    @property
    def decision_date(self) -> dt.date | None:
        """The day the head answered, or the day the deadline lapsed."""
        if self.state == ComplaintState.LAPSED or self.is_overdue():
            return self.decision_due  # lapsed, or about to be recorded as such
        return timezone.localdate(self.decided_at) if self.decided_at else None

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.state == ComplaintState.FILED and self.decision_due < (
            today or timezone.localdate()
        )

    @transition(field=state, source=ComplaintState.FILED, target=ComplaintState.CONFIRMED)
    def confirm(self, *, text: str, by: Any, at: dt.datetime) -> None:
        self.decision_text, self.decided_by, self.decided_at = text, by, at

    @transition(field=state, source=ComplaintState.FILED, target=ComplaintState.OVERTURNED)
    def overturn(self, *, text: str, by: Any, at: dt.datetime) -> None:
        self.decision_text, self.decided_by, self.decided_at = text, by, at

    @transition(field=state, source=ComplaintState.FILED, target=ComplaintState.LAPSED)
    def lapse(self) -> None:
        pass


class AppealState(models.TextChoices):
    FILED = "filed", _("Filed, admissibility to check")
    ADMISSIBLE = "admissible", _("Admissible")
    INADMISSIBLE = "inadmissible", _("Inadmissible")
    OBSERVATIONS_REQUESTED = "observations_requested", _("Body's observations requested")
    OBSERVATIONS_RECEIVED = "observations_received", _("Body's observations received")
    HEARING_HELD = "hearing_held", _("Hearing held")
    DECIDED = "decided", _("Decided")
    COMPLIED = "complied", _("Order complied with")
    NOT_COMPLIED = "not_complied", _("Order not complied with")


class CourtSide(models.TextChoices):
    """Who took the commission's decision to the administrative court."""

    APPLICANT = "applicant", _("The applicant")
    BODY = "body", _("The public body")


class CourtJudgment(models.TextChoices):
    UPHELD = "upheld", _("Decision of the commission upheld")
    ANNULLED = "annulled", _("Decision of the commission annulled")
    PARTLY_ANNULLED = "partly_annulled", _("Decision of the commission partly annulled")


#: Where the commission's say is final for the app: a court may then be seized.
COURT_STATES = ("inadmissible", "decided", "complied", "not_complied")


#: Stages in which the commission still owes a decision.
APPEAL_PENDING = (
    AppealState.FILED,
    AppealState.ADMISSIBLE,
    AppealState.OBSERVATIONS_REQUESTED,
    AppealState.OBSERVATIONS_RECEIVED,
    AppealState.HEARING_HELD,
)
#: Stages from which the commission may decide (after asking the body).
READY_TO_DECIDE = (
    AppealState.OBSERVATIONS_REQUESTED,
    AppealState.OBSERVATIONS_RECEIVED,
    AppealState.HEARING_HELD,
)


class InadmissibilityReason(models.TextChoices):
    LATE = "late", _("Filed after the time limit")
    NO_PRIOR_COMPLAINT = "no_prior_complaint", _("No prior complaint to the head of the body")
    OUTSIDE_THE_LAW = "outside_the_law", _("Outside the scope of the law")
    OTHER = "other", _("Other reason")


class Decision(models.TextChoices):
    CONFIRMED = "confirmed", _("Refusal confirmed")
    DISCLOSURE_ORDERED = "disclosure_ordered", _("Disclosure ordered")
    PARTIAL_DISCLOSURE_ORDERED = "partial_disclosure_ordered", _("Partial disclosure ordered")


ORDERS = (Decision.DISCLOSURE_ORDERED, Decision.PARTIAL_DISCLOSURE_ORDERED)


def _is_an_order(appeal: Any) -> bool:
    """Condition of the compliance transitions: only an order is complied with."""
    return appeal.decision in ORDERS


class Appeal(ConcurrentTransitionMixin, models.Model):
    request = models.ForeignKey(
        "requests.InformationRequest",
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    complaint = models.ForeignKey(
        Complaint,
        verbose_name=_("prior complaint"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    ground = models.CharField(_("ground of appeal"), max_length=20, choices=Ground.choices)
    reasons = models.TextField(_("reasons"), max_length=texts.STATEMENT)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    filed_on = models.DateField(_("filed on"))
    window_start = models.DateField(_("window counted from"))
    window_end = models.DateField(_("last day to appeal"))
    decision_due = models.DateField(_("decision due by"), null=True, blank=True, db_index=True)
    due_explanation = models.TextField(_("how the decision's deadline was computed"), blank=True)
    # The computation as data, explained in each reader's language (`due_explained`).
    due_basis = models.JSONField(
        _("how the decision's deadline was computed (data)"), null=True, blank=True
    )
    state = FSMField(
        _("state"),
        max_length=32,
        choices=AppealState.choices,
        default=AppealState.FILED,
        protected=True,
        db_index=True,
    )
    rapporteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rapporteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appeals_reported",
    )

    inadmissibility_reason = models.CharField(
        _("reason of inadmissibility"),
        max_length=24,
        choices=InadmissibilityReason.choices,
        blank=True,
    )
    inadmissibility_text = models.TextField(_("explanation"), blank=True)

    observations_note = models.TextField(_("what the body is asked"), blank=True)
    observations_due = models.DateField(_("observations due by"), null=True, blank=True)
    observations_text = models.TextField(_("the body's observations"), blank=True)
    observations_at = models.DateTimeField(_("observations received at"), null=True, blank=True)

    hearing_on = models.DateField(_("hearing held on"), null=True, blank=True)
    hearing_minutes = models.TextField(_("minutes of the hearing"), blank=True)

    # The rapporteur's draft, then the decision itself.
    draft_decision = models.CharField(
        _("proposed decision"), max_length=32, choices=Decision.choices, blank=True
    )
    draft_reasons = models.TextField(_("draft reasons"), blank=True)
    decision = models.CharField(
        _("decision"), max_length=32, choices=Decision.choices, blank=True, db_index=True
    )
    decision_reasons = models.TextField(_("reasons of the decision"), blank=True)
    decision_number = models.CharField(_("decision number"), max_length=24, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    compliance_due = models.DateField(_("compliance due by"), null=True, blank=True, db_index=True)
    compliance_note = models.TextField(_("compliance"), blank=True)
    compliance_recorded_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)

    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_text = models.TextField(_("published (anonymised) text"), blank=True)
    # The administrative court, when either side challenges the commission's decision: a
    # stay (sursis à exécution) or an annulment lifts the compliance deadline.
    court_filed_by = models.CharField(
        _("taken to court by"), max_length=12, choices=CourtSide.choices, blank=True
    )
    court_filed_on = models.DateField(_("court seized on"), null=True, blank=True)
    court_reference = models.CharField(_("court case number"), max_length=100, blank=True)
    court_stay = models.BooleanField(_("stay of execution ordered"), default=False)
    court_judgment = models.CharField(
        _("judgment"), max_length=20, choices=CourtJudgment.choices, blank=True
    )
    court_judged_on = models.DateField(_("judged on"), null=True, blank=True)
    court_note = models.TextField(_("about the court case"), blank=True)

    class Meta:
        verbose_name = _("appeal to the commission")
        verbose_name_plural = _("appeals to the commission")
        ordering = ["decision_due", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision_number"],
                condition=~Q(decision_number=""),
                name="appeal_decision_number_unique",
            ),
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(state__in=[s.value for s in APPEAL_PENDING]),
                name="one_pending_appeal_per_request",
            ),
            models.CheckConstraint(
                condition=~Q(state="decided") | ~Q(decision=""),
                name="decided_appeal_has_a_decision",
            ),
        ]
        indexes = [models.Index(fields=["state", "decision_due"], name="appeal_stage_idx")]

    def __str__(self) -> str:
        return self.decision_number or f"{self.request.reference} · {self.pk}"

    @property
    def is_order(self) -> bool:
        return self.decision in ORDERS

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return bool(
            self.state in APPEAL_PENDING
            and self.decision_due
            and self.decision_due < (today or timezone.localdate())
        )

    def compliance_overdue(self, today: dt.date | None = None) -> bool:
        return bool(
            self.state == AppealState.DECIDED
            and self.is_order
            and self.compliance_due
            and self.compliance_due < (today or timezone.localdate())
        )

    # --- transitions ---------------------------------------------------------

    @transition(field=state, source=AppealState.FILED, target=AppealState.ADMISSIBLE)
    def declare_admissible(self) -> None:
        pass

    @transition(field=state, source=AppealState.FILED, target=AppealState.INADMISSIBLE)
    def declare_inadmissible(self, *, reason: str, text: str) -> None:
        self.inadmissibility_reason, self.inadmissibility_text = reason, text

    @transition(
        field=state, source=AppealState.ADMISSIBLE, target=AppealState.OBSERVATIONS_REQUESTED
    )
    def request_observations(self, *, note: str, due: dt.date) -> None:
        self.observations_note, self.observations_due = note, due

    @transition(
        field=state,
        source=AppealState.OBSERVATIONS_REQUESTED,
        target=AppealState.OBSERVATIONS_RECEIVED,
    )
    def submit_observations(self, *, text: str, at: dt.datetime) -> None:
        self.observations_text, self.observations_at = text, at

    @transition(field=state, source=list(READY_TO_DECIDE), target=AppealState.HEARING_HELD)
    def record_hearing(self, *, on: dt.date, minutes: str) -> None:
        self.hearing_on, self.hearing_minutes = on, minutes

    @transition(field=state, source=list(READY_TO_DECIDE), target=AppealState.DECIDED)
    def decide(
        self,
        *,
        decision: str,
        reasons: str,
        number: str,
        by: Any,
        at: dt.datetime,
        compliance_due: dt.date | None,
    ) -> None:
        self.decision, self.decision_reasons, self.decision_number = decision, reasons, number
        self.decided_by, self.decided_at = by, at
        self.compliance_due = compliance_due if decision in ORDERS else None

    @transition(
        field=state,
        source=AppealState.DECIDED,
        target=AppealState.COMPLIED,
        conditions=[_is_an_order],
    )
    def record_complied(self, *, note: str, at: dt.datetime) -> None:
        self.compliance_note, self.compliance_recorded_at = note, at

    @transition(
        field=state,
        source=AppealState.DECIDED,
        target=AppealState.NOT_COMPLIED,
        conditions=[_is_an_order],
    )
    def record_not_complied(self, *, note: str, at: dt.datetime) -> None:
        self.compliance_note, self.compliance_recorded_at = note, at


class Commission(models.Model):
    """The commission's own letterhead and signatory, kept in one row (pk 1).

    Its decisions are printed on its letterhead, never on the body's: the row is
    edited in the admin; until then, the defaults below (Law 31-13's CDAI).
    """

    name_fr = models.CharField(
        _("name (French)"),
        max_length=300,
        default="Commission du droit d'accès à l'information (CDAI)",
    )
    name_ar = models.CharField(
        _("name (Arabic)"), max_length=300, default="لجنة الحق في الحصول على المعلومات"
    )
    name_en = models.CharField(
        _("name (English)"),
        max_length=300,
        default="Commission for the right of access to information (CDAI)",
    )
    address = models.TextField(_("postal address"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    signatory_name = models.CharField(_("signatory's name"), max_length=200, blank=True)
    signatory_title_fr = models.CharField(
        _("signatory's title (French)"), max_length=200, default="Le Président de la Commission"
    )
    signatory_title_ar = models.CharField(
        _("signatory's title (Arabic)"), max_length=200, default="رئيس اللجنة"
    )
    signatory_title_en = models.CharField(
        _("signatory's title (English)"), max_length=200, default="The Chair of the Commission"
    )

    class Meta:
        verbose_name = _("commission")
        verbose_name_plural = _("commission")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pk = 1  # one commission
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> Commission:
        """The stored row, or the defaults (unsaved) before an administrator edits it."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    @property
    def name(self) -> str:
        return pick_translation(self, "name")

    @property
    def signatory_title(self) -> str:
        return pick_translation(self, "signatory_title")

"""Every write on complaints and appeals: one function per use case.

Same frame as `ati.requests.services`: lock the row, check the person's right
(`permissions`), run the model's transition, save, write one audit event and
queue the notices for after commit, in one transaction. A transition the
current state does not allow raises `TransitionConflict` (HTTP 409); a person
who may not see the object gets `DoesNotExist` (404).

An order to disclose (the head overturning, or the commission ordering
disclosure in whole or part) reopens the request through
`ati.requests.services.reopen_after_order`, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ati import workflow
from ati.audit.services import record
from ati.core import counters, texts
from ati.core.errors import TransitionConflict
from ati.law import selectors as law
from ati.law.deadlines import add_period, format_date
from ati.requests import permissions as request_permissions
from ati.requests import services as request_services
from ati.requests.models import InformationRequest, Outcome

from . import conf, notify, permissions, windows
from .models import (
    APPEAL_PENDING,
    COURT_STATES,
    ORDERS,
    Appeal,
    AppealState,
    Complaint,
    ComplaintState,
    CourtJudgment,
    CourtSide,
    Decision,
    InadmissibilityReason,
)

DECISION_PREFIX = "CDAI"
Obj = TypeVar("Obj", Complaint, Appeal)


def _today() -> dt.date:
    return timezone.localdate()


def _date(d: dt.date) -> str:
    return format_date(d, translation.get_language() or "fr", weekday=False)


def _snapshot(obj: Complaint | Appeal) -> dict[str, Any]:
    data: dict[str, Any] = {"state": obj.state, "request": obj.request.reference}
    if isinstance(obj, Appeal):
        data.update(
            decision=obj.decision or None,
            number=obj.decision_number or None,
            rapporteur=obj.rapporteur_id,
            compliance_due=obj.compliance_due,
        )
    else:
        data.update(decision_due=obj.decision_due)
    return data


RELATED = ("request__body", "request__profile_version__calendar")


def _locked(model: type[Obj], obj: Obj | int) -> Obj:
    return workflow.lock(model, obj, RELATED)


def _conflict(obj: Complaint | Appeal) -> TransitionConflict:
    return workflow.conflict(obj)


#: The complaint's and the appeal's machines (ati/workflow/ runs every transition).
COMPLAINT: workflow.Machine[Complaint] = workflow.Machine(
    "complaint",
    Complaint,
    may=lambda actor, action, c: permissions.may_on_complaint(actor, action, c),
    snapshot=_snapshot,
    can_view=lambda actor, obj: permissions.can_view(actor, obj),
    related=RELATED,
)
APPEAL: workflow.Machine[Appeal] = workflow.Machine(
    "appeal",
    Appeal,
    may=lambda actor, action, a: permissions.may_on_appeal(actor, action, a),
    snapshot=_snapshot,
    can_view=lambda actor, obj: permissions.can_view(actor, obj),
    related=RELATED,
)


def _required(value: str, field: str, message: str, limit: int) -> str:
    """The text, stripped; refused when empty or longer than its limit (ati/core/texts.py)."""
    if not value.strip():
        raise ValidationError({field: message})
    texts.check_texts(**{field: (value, limit)})
    return value.strip()


def _late(start: dt.date, end: dt.date, what: str) -> ValidationError:
    return ValidationError(
        {
            "__all__": _(
                "The time limit for %(what)s ran from %(start)s to %(end)s: it has passed."
            )
            % {"what": what, "start": _date(start), "end": _date(end)}
        }
    )


def _lock_request(req: InformationRequest | int) -> InformationRequest:
    pk = req if isinstance(req, int) else req.pk
    return (
        InformationRequest.objects.select_for_update(of=("self",))
        .select_related("body", "profile_version__calendar")
        .get(pk=pk)
    )


# --- complaint to the head of the body -------------------------------------------


def file_complaint(
    actor: Any, req: InformationRequest | int, *, ground: str, reasons: str
) -> Complaint:
    """The applicant complains to the head of the body, within the profile's window.

    Refused (ValidationError naming the window's dates) when late; refused when
    the law has no such step (the applicant then appeals to the commission).
    """
    reasons = _required(
        reasons, "reasons", _("Say why you disagree with the answer."), texts.STATEMENT
    )
    with transaction.atomic():
        locked = _lock_request(req)
        if not request_permissions.can_view(actor, locked):
            raise InformationRequest.DoesNotExist
        if not permissions.may_file(actor, locked):
            raise PermissionDenied(_("Only the applicant may complain about this request."))
        today = _today()
        if not windows.has_head_step(locked):
            raise ValidationError(
                {
                    "__all__": _(
                        "This law has no complaint to the head of the body: appeal directly to the "
                        "commission."
                    )
                }
            )
        if ground not in windows.grounds_against(locked, today):
            raise ValidationError(
                {"ground": _("There is nothing of this kind to complain of on this request now.")}
            )
        window = windows.complaint_window(locked, ground)
        assert window is not None
        if not window.is_open(today):
            raise _late(window.start, window.end, _("a complaint to the head of the body"))
        if locked.complaints.filter(window_start__gte=window.start).exists():
            raise ValidationError(
                {"__all__": _("A complaint about this answer has already been filed.")}
            )
        due = windows.head_decision_deadline(locked, today)
        assert due is not None  # a profile with a complaint step has the head's period
        complaint = Complaint.objects.create(
            request=locked,
            ground=ground,
            reasons=reasons,
            filed_by=actor,
            filed_on=today,
            window_start=window.start,
            window_end=window.end,
            decision_due=due.due,
            due_explanation=due.explanation(locked.language),
            due_basis=due.as_data(),
        )
        record(
            "complaint.filed", actor=actor, obj=complaint, after=_snapshot(complaint), reason=ground
        )
        notify.complaint_filed(complaint)
    return complaint


def confirm_complaint(actor: Any, complaint: Complaint | int, *, text: str) -> Complaint:
    """The head of the body confirms the answer (with reasons): the applicant may appeal."""
    text = _required(text, "text", _("Give the reasons of the decision."), texts.STATEMENT)
    return workflow.run(
        COMPLAINT,
        actor,
        complaint,
        "confirm",
        lambda c: c.confirm(text=text, by=actor, at=timezone.now()),
        reason=text,
        notify=notify.complaint_decided,
    )


def overturn_complaint(actor: Any, complaint: Complaint | int, *, text: str) -> Complaint:
    """The head overturns and orders disclosure: the request reopens with a new deadline."""
    text = _required(text, "text", _("Say what must be disclosed and why."), texts.STATEMENT)

    def change(c: Complaint) -> None:
        c.overturn(text=text, by=actor, at=timezone.now())
        c.save()
        request_services.reopen_after_order(
            actor, c.request_id, reason=_("Complaint overturned by the head of the body")
        )

    return workflow.run(
        COMPLAINT,
        actor,
        complaint,
        "overturn",
        change,
        reason=text,
        notify=notify.complaint_decided,
    )


def _lapse(complaint: Complaint) -> Complaint:
    return workflow.run(
        COMPLAINT,
        None,
        complaint,
        "lapse",
        lambda c: c.lapse(),
        system=True,
        reason="head_decision deadline passed",
        notify=notify.complaint_lapsed,
    )


def record_lapsed_complaints(today: dt.date | None = None) -> int:
    """The system records every complaint whose decision deadline passed undecided."""
    today = today or _today()
    count = 0
    for complaint in Complaint.objects.filter(state=ComplaintState.FILED, decision_due__lt=today):
        try:
            _lapse(complaint)
            count += 1
        except TransitionConflict:  # decided meanwhile
            continue
    return count


# --- appeal to the commission ------------------------------------------------------


def file_appeal(actor: Any, req: InformationRequest | int, *, reasons: str) -> Appeal:
    """The applicant appeals to the commission after the head's decision or its lapse.

    Late: refused with the window's dates. Without a prior complaint where the
    law requires one, the appeal is recorded and the secretariat will find it
    inadmissible (the system shows why). A complaint whose deadline has passed
    is first recorded as lapsed.
    """
    reasons = _required(reasons, "reasons", _("Say why you appeal."), texts.STATEMENT)
    pk = req if isinstance(req, int) else req.pk
    for complaint in Complaint.objects.filter(
        request_id=pk, state=ComplaintState.FILED, decision_due__lt=_today()
    ):
        _lapse(complaint)
    with transaction.atomic():
        locked = _lock_request(pk)
        if not request_permissions.can_view(actor, locked):
            raise InformationRequest.DoesNotExist
        if not permissions.may_file(actor, locked):
            raise PermissionDenied(_("Only the applicant may appeal about this request."))
        today = _today()
        if not windows.has_commission_step(locked):
            raise ValidationError(
                {
                    "__all__": _(
                        "This law has no appeal to a commission: the next step is the court."
                    )
                }
            )
        pending = windows.pending_complaint(locked)
        if pending is not None:
            raise ValidationError(
                {
                    "__all__": _(
                        "The head of the body may decide your complaint until %(due)s; you may "
                        "appeal after the decision or after that date."
                    )
                    % {"due": _date(pending.decision_due)}
                }
            )
        basis = windows.appeal_basis(locked, today)
        if basis is None:
            raise ValidationError({"__all__": _("There is no refusal to appeal against.")})
        if not basis.window.is_open(today):
            raise _late(basis.window.start, basis.window.end, _("an appeal to the commission"))
        if locked.appeals.filter(window_start__gte=basis.window.start).exists():
            raise ValidationError({"__all__": _("An appeal about this has already been filed.")})
        due = windows.commission_decision_deadline(locked, today)
        appeal = Appeal.objects.create(
            request=locked,
            complaint=basis.complaint,
            ground=basis.window.ground,
            reasons=reasons,
            filed_by=actor,
            filed_on=today,
            window_start=basis.window.start,
            window_end=basis.window.end,
            decision_due=due.due if due else None,
            due_explanation=due.explanation(locked.language) if due else "",
            due_basis=due.as_data() if due else None,
        )
        record(
            "appeal.filed",
            actor=actor,
            obj=appeal,
            after=_snapshot(appeal),
            reason=basis.window.ground,
        )
        notify.appeal_filed(appeal)
    return appeal


def admissibility_concerns(appeal: Appeal) -> list[str]:
    """What the secretariat should look at: reasons (codes) the appeal may be inadmissible."""
    concerns = []
    if appeal.complaint_id is None and windows.has_head_step(appeal.request):
        concerns.append(InadmissibilityReason.NO_PRIOR_COMPLAINT.value)
    if appeal.filed_on > appeal.window_end:
        concerns.append(InadmissibilityReason.LATE.value)
    return concerns


def declare_admissible(actor: Any, appeal: Appeal | int) -> Appeal:
    return workflow.run(
        APPEAL,
        actor,
        appeal,
        "declare_admissible",
        lambda a: a.declare_admissible(),
        notify=notify.appeal_admissibility,
    )


def declare_inadmissible(
    actor: Any, appeal: Appeal | int, *, reason: str, text: str = ""
) -> Appeal:
    """Late, no prior complaint, outside the law, or another reason, which must then be said."""
    if reason not in InadmissibilityReason.values:
        raise ValidationError({"reason": _("Choose a reason.")})
    if reason == InadmissibilityReason.OTHER and not text.strip():
        raise ValidationError({"text": _("Explain the reason.")})
    texts.check_texts(text=(text, texts.STATEMENT))
    return workflow.run(
        APPEAL,
        actor,
        appeal,
        "declare_inadmissible",
        lambda a: a.declare_inadmissible(reason=reason, text=text.strip()),
        reason=reason,
        notify=notify.appeal_admissibility,
    )


def assign_rapporteur(actor: Any, appeal: Appeal | int, *, rapporteur: Any) -> Appeal:
    if not permissions.can_be_rapporteur(rapporteur):
        raise ValidationError({"rapporteur": _("The rapporteur must be a commission member.")})

    def check(a: Appeal) -> None:
        if a.state not in APPEAL_PENDING:
            raise _conflict(a)

    def change(a: Appeal) -> None:
        a.rapporteur = rapporteur

    return workflow.run(
        APPEAL,
        actor,
        appeal,
        "assign_rapporteur",
        change,
        check=check,
        reason=str(rapporteur.pk),
        notify=notify.rapporteur_assigned,
    )


def request_observations(
    actor: Any, appeal: Appeal | int, *, note: str, due: dt.date | None = None
) -> Appeal:
    """Ask the body for its observations, by a date (default: ATI_OBSERVATIONS_DAYS)."""
    note = _required(note, "note", _("Say what the body is asked."), texts.STATEMENT)

    def change(a: Appeal) -> None:
        today = _today()
        deadline = (
            due
            or add_period(
                today, conf.observations_period(), law.working_calendar(a.request.profile_version)
            ).due
        )
        if deadline <= today:
            raise ValidationError({"due": _("The deadline must be in the future.")})
        a.request_observations(note=note, due=deadline)

    return workflow.run(
        APPEAL,
        actor,
        appeal,
        "request_observations",
        change,
        reason=note,
        notify=notify.observations_requested,
    )


def submit_observations(actor: Any, appeal: Appeal | int, *, text: str) -> Appeal:
    """The body's officer (or head) answers the commission."""
    text = _required(text, "text", _("Write the body's observations."), texts.STATEMENT)
    return workflow.run(
        APPEAL,
        actor,
        appeal,
        "submit_observations",
        lambda a: a.submit_observations(text=text, at=timezone.now()),
        notify=notify.observations_submitted,
    )


def record_hearing(actor: Any, appeal: Appeal | int, *, on: dt.date, minutes: str) -> Appeal:
    minutes = _required(minutes, "minutes", _("Summarise the hearing."), texts.STATEMENT)
    if on > _today():
        raise ValidationError({"on": _("A hearing is recorded once held.")})
    return workflow.run(
        APPEAL, actor, appeal, "record_hearing", lambda a: a.record_hearing(on=on, minutes=minutes)
    )


def draft_decision(actor: Any, appeal: Appeal | int, *, decision: str, reasons: str) -> Appeal:
    """The rapporteur drafts the decision; the commission adopts it with `decide`."""
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose a decision.")})
    texts.check_texts(reasons=(reasons, texts.ANSWER))

    def check(a: Appeal) -> None:
        if a.state not in APPEAL_PENDING or a.state == AppealState.FILED:
            raise _conflict(a)

    def change(a: Appeal) -> None:
        a.draft_decision, a.draft_reasons = decision, reasons.strip()

    return workflow.run(APPEAL, actor, appeal, "draft_decision", change, check=check)


#: The commission's yearly sequence of decision numbers in ati/core/counters.py.
DECISION_COUNTER = "appeals.decision"


def _next_decision_number(year: int) -> str:
    """Gapless per year: held from here until the decision's transaction ends."""
    return f"{DECISION_PREFIX}-{year}-{counters.next_value(DECISION_COUNTER, year):04d}"


def decide(actor: Any, appeal: Appeal | int, *, decision: str, reasons: str) -> Appeal:
    """The commission decides, with reasons. An order reopens the request and starts
    the compliance deadline (ATI_COMPLIANCE_DAYS working days)."""
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose a decision.")})
    reasons = _required(reasons, "reasons", _("A decision gives its reasons."), texts.ANSWER)

    def change(a: Appeal) -> None:
        today = _today()
        compliance_due = None
        if decision in ORDERS:
            compliance_due = add_period(
                today, conf.compliance_period(), law.working_calendar(a.request.profile_version)
            ).due
        # A number taken for a transition that is then refused rolls back with it: gapless.
        a.decide(
            decision=decision,
            reasons=reasons,
            by=actor,
            at=timezone.now(),
            number=_next_decision_number(today.year),
            compliance_due=compliance_due,
        )
        a.save()
        if decision in ORDERS:
            request_services.reopen_after_order(
                actor,
                a.request_id,
                reason=_("Disclosure ordered by decision %(number)s")
                % {"number": a.decision_number},
            )

    return workflow.run(
        APPEAL, actor, appeal, "decide", change, reason=reasons, notify=notify.appeal_decided
    )


def record_compliance(
    actor: Any, appeal: Appeal | int, *, complied: bool, note: str = ""
) -> Appeal:
    """The commission records that the body complied, or did not (annual report)."""
    if not complied and not note.strip():
        raise ValidationError({"note": _("Say how the body failed to comply.")})
    texts.check_texts(note=(note, texts.STATEMENT))
    action = "record_complied" if complied else "record_not_complied"

    def change(a: Appeal) -> None:
        method = a.record_complied if complied else a.record_not_complied
        method(note=note.strip(), at=timezone.now())

    return workflow.run(
        APPEAL,
        actor,
        appeal,
        action,
        change,
        reason=note.strip(),
        notify=notify.compliance_recorded,
    )


def record_compliance_from_answer(actor: Any, req: InformationRequest) -> None:
    """Registered in `ati.requests.services.ANSWER_HOOKS`: a new answer after an order.

    Full disclosure ordered: complied when the body grants. Partial disclosure
    ordered: complied when it grants at least partially. Anything else leaves
    the order open for the commission to judge.
    """
    accepted = {
        Decision.DISCLOSURE_ORDERED: {Outcome.GRANTED},
        Decision.PARTIAL_DISCLOSURE_ORDERED: {Outcome.GRANTED, Outcome.PARTIALLY_GRANTED},
    }
    for appeal in req.appeals.filter(state=AppealState.DECIDED, decision__in=ORDERS):
        if req.outcome in accepted[appeal.decision]:  # type: ignore[index]
            workflow.run(
                APPEAL,
                actor,
                appeal,
                "record_complied",
                lambda a: a.record_complied(
                    note=_("The body answered again: %(outcome)s")
                    % {"outcome": req.get_outcome_display()},
                    at=timezone.now(),
                ),
                system=True,
                notify=notify.compliance_recorded,
            )


#: Filled by the library (a higher layer): each receives (actor, appeal, text) inside the
#: transaction and proposes the decision for publication (anonymiser, then a person's review).
DECISION_PUBLICATION_HOOKS: list[Callable[[Any, Appeal, str], Any]] = []


def publish_decision(actor: Any, appeal: Appeal | int, *, text: str) -> Appeal:
    """Propose the decision for publication: the library anonymises it and a person reviews it.

    Nothing is published from this text directly (one path to the public, DESIGN.md § 1):
    `published_at` is set, and the text replaced by the reviewed one, when the library
    publishes it.
    """
    text = _required(text, "text", _("Give the anonymised text to publish."), texts.ANSWER)
    if not DECISION_PUBLICATION_HOOKS:
        raise ImproperlyConfigured("No library to publish decisions through (ati.library).")

    def check(a: Appeal) -> None:
        if not a.decision_number or a.published_at or a.published_text:
            raise _conflict(a)  # not decided, or already proposed for publication
        req = a.request
        leaks = [
            v
            for v in (req.applicant_last_name, req.applicant_id_number, req.applicant_email)
            if v and v.lower() in text.lower()
        ]
        if leaks:
            raise ValidationError(
                {
                    "text": _(
                        "The text still names the applicant: remove "
                        "their name, identity number and e-mail."
                    )
                }
            )

    def change(a: Appeal) -> None:
        a.published_text = text  # private until the library's review publishes it

    def propose(a: Appeal) -> None:
        for hook in DECISION_PUBLICATION_HOOKS:
            hook(actor, a, text)

    return workflow.run(
        APPEAL,
        actor,
        appeal,
        "publish",
        change,
        check=check,
        notify=propose,
        reason="proposed for publication",
    )


# --- the administrative court --------------------------------------------------------


def record_court_filing(
    actor: Any,
    appeal: Appeal | int,
    *,
    filed_by: str,
    filed_on: dt.date,
    reference: str = "",
    stay: bool = False,
    note: str = "",
) -> Appeal:
    """Either side took the commission's decision to the administrative court.

    A stay of execution ordered by the court lifts the compliance deadline until the
    judgment (no reminder, not counted as not complied with).
    """
    if filed_by not in CourtSide.values:
        raise ValidationError({"filed_by": _("Say who went to court.")})
    texts.check_texts(reference=(reference, texts.LINE), note=(note, texts.STATEMENT))
    if filed_on > _today():
        raise ValidationError({"filed_on": _("The court cannot be seized in the future.")})

    def check(a: Appeal) -> None:
        if a.state not in COURT_STATES or a.court_filed_on is not None:
            raise _conflict(a)
        if a.decided_at is not None and filed_on < timezone.localtime(a.decided_at).date():
            raise ValidationError({"filed_on": _("The court is seized after the decision.")})

    def change(a: Appeal) -> None:
        a.court_filed_by, a.court_filed_on = filed_by, filed_on
        a.court_reference, a.court_stay, a.court_note = reference.strip(), stay, note.strip()
        if stay and a.state == AppealState.DECIDED:
            a.compliance_due = None

    return workflow.run(APPEAL, actor, appeal, "court_filed", change, check=check, reason=filed_by)


def record_court_judgment(
    actor: Any, appeal: Appeal | int, *, judgment: str, judged_on: dt.date, note: str = ""
) -> Appeal:
    """The court's judgment: an annulment ends the duty to comply; a decision upheld (in
    whole or in part) after a stay gets a new compliance deadline from the judgment."""
    if judgment not in CourtJudgment.values:
        raise ValidationError({"judgment": _("Choose the judgment.")})
    texts.check_texts(note=(note, texts.STATEMENT))
    if judged_on > _today():
        raise ValidationError({"judged_on": _("A judgment cannot be dated in the future.")})

    def check(a: Appeal) -> None:
        if a.court_filed_on is None or a.court_judgment:
            raise _conflict(a)
        if judged_on < a.court_filed_on:
            raise ValidationError({"judged_on": _("The judgment comes after the court is seized.")})

    def change(a: Appeal) -> None:
        a.court_judgment, a.court_judged_on = judgment, judged_on
        if note.strip():
            a.court_note = f"{a.court_note}\n{note.strip()}".strip()
        if a.state != AppealState.DECIDED or a.decision not in ORDERS:
            return
        if judgment == CourtJudgment.ANNULLED:
            a.compliance_due = None  # the order is gone: nothing to comply with
        elif a.compliance_due is None:
            a.compliance_due = add_period(
                judged_on, conf.compliance_period(), law.working_calendar(a.request.profile_version)
            ).due

    return workflow.run(APPEAL, actor, appeal, "court_judged", change, check=check, reason=judgment)


# --- the daily sweep -----------------------------------------------------------------


def send_compliance_reminders(today: dt.date | None = None) -> int:
    """Remind the body once before the compliance deadline, and once after it passed."""
    today = today or _today()
    soon = today + dt.timedelta(days=conf.reminder_days())
    sent = 0
    rows = Appeal.objects.filter(
        state=AppealState.DECIDED, decision__in=ORDERS, compliance_due__isnull=False
    ).select_related("request__body")
    due = models.Q(reminders_sent=0, compliance_due__lte=soon) | models.Q(
        reminders_sent=1, compliance_due__lt=today
    )
    for appeal in rows.filter(due):
        with transaction.atomic():
            locked = _locked(Appeal, appeal)
            # Read again under the lock: another sweep (beat beside the command, or a task
            # the broker gave twice) may have sent this reminder since the list was read.
            if not rows.filter(due, pk=locked.pk).exists():
                continue
            overdue = locked.compliance_due is not None and locked.compliance_due < today
            locked.reminders_sent = 2 if overdue else 1
            locked.save(update_fields=["reminders_sent"])
            record(
                "appeal.compliance_reminder",
                obj=locked,
                after={"compliance_due": locked.compliance_due, "overdue": overdue},
            )
            notify.compliance_reminder(locked, overdue)
        sent += 1
    return sent


def sweep(today: dt.date | None = None) -> dict[str, int]:
    """Lapsed complaints and compliance reminders; run daily (command `appeals_sweep`)."""
    return {
        "lapsed": record_lapsed_complaints(today),
        "reminders": send_compliance_reminders(today),
    }

"""Complaints to the head of the body and appeals to the commission (Law 31-13, § 5).

Dates: requests are received on Friday 30 October 2026 (tests/requests/conftest.py);
the answer is due on Tuesday 1 December 2026.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from ati.accounts.models import Role
from ati.appeals import selectors, services
from ati.appeals.models import (
    Appeal,
    AppealState,
    Complaint,
    ComplaintState,
    Decision,
    Ground,
    InadmissibilityReason,
)
from ati.audit.models import AuditEvent
from ati.audit.selectors import verify_chain
from ati.core.errors import TransitionConflict
from ati.requests import services as request_services
from ati.requests.models import InformationRequest, Outcome, State
from tests.factories import PublicBodyFactory, UserFactory, member
from tests.requests.conftest import applicant_details, request_details

from .conftest import at

pytestmark = pytest.mark.django_db


def _actions(obj):
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def _to_commission(citizen, commissioner, officer, req, clock, *, decision=None):
    """Appeal (after a confirmed complaint) up to the observations received."""
    complaint = services.file_complaint(citizen, req, ground=Ground.REFUSAL, reasons="Pas fondé.")
    head = member(Role.HEAD_OF_BODY, req.body)
    services.confirm_complaint(head, complaint, text="Refus confirmé.")
    appeal = services.file_appeal(citizen, req, reasons="Je saisis la commission.")
    services.declare_admissible(commissioner, appeal)
    services.request_observations(commissioner, appeal, note="Pourquoi ce refus ?")
    services.submit_observations(officer, appeal, text="Sécurité des entrepôts.")
    if decision:
        return services.decide(commissioner, appeal, decision=decision, reasons="Motifs.")
    appeal.refresh_from_db()
    return appeal


# --- complaint to the head of the body ---------------------------------------------


def test_complaint_after_the_window_is_refused_with_its_dates(refused, citizen, clock):
    req = refused()  # answered on Friday 30 October 2026
    # 20 working days after the answer (skipping 6 and 18 November): Tuesday 1 December.
    clock.move_to(at(dt.date(2026, 12, 2)))
    with pytest.raises(ValidationError) as excinfo:
        services.file_complaint(citizen, req, ground=Ground.REFUSAL, reasons="Refus injustifié.")
    message = " ".join(excinfo.value.messages)
    assert "30 octobre 2026" in message and "1er décembre 2026" in message
    assert not Complaint.objects.exists()


def test_complaint_on_the_last_day_of_the_window_is_accepted(refused, citizen, clock):
    req = refused()
    clock.move_to(at(dt.date(2026, 12, 1), hour=23))
    complaint = services.file_complaint(citizen, req, ground=Ground.REFUSAL, reasons="Non.")
    assert complaint.window_end == dt.date(2026, 12, 1)
    # The head answers within 15 working days of the complaint.
    assert complaint.decision_due == dt.date(2026, 12, 22)


def test_head_overturn_reopens_the_request_with_a_new_deadline(
    refused, citizen, head, officer, clock, django_capture_on_commit_callbacks
):
    """refusal → complaint → overturned → answered."""
    req = refused()
    clock.move_to(at(dt.date(2026, 11, 2)))
    with django_capture_on_commit_callbacks(execute=True):
        complaint = services.file_complaint(
            citizen, req, ground=Ground.REFUSAL, reasons="Ces plans sont déjà publics."
        )
    assert complaint.state == ComplaintState.FILED
    assert any(head.email in m.to for m in mail.outbox)
    assert complaint in selectors.complaints_to_decide(head)

    clock.move_to(at(dt.date(2026, 11, 9)))
    with django_capture_on_commit_callbacks(execute=True):
        complaint = services.overturn_complaint(
            head, complaint, text="Communiquez les plans non sensibles."
        )
    assert complaint.state == ComplaintState.OVERTURNED and complaint.decided_by == head
    req.refresh_from_db()
    # Reopened: back to the officer, a new 20-working-day period from the decision.
    assert req.state == State.SUBMITTED and req.outcome == "" and req.answer_text == ""
    assert req.response_due == dt.date(2026, 12, 8)
    assert not req.refusal_grounds.exists()
    previous = AuditEvent.objects.get(action="request.previous_answer", object_id=str(req.pk))
    assert previous.before["outcome"] == "refused"
    assert previous.before["grounds"] == ["state-security"]
    assert _actions(complaint) == ["complaint.filed", "complaint.overturn"]

    req = request_services.answer(officer, req, outcome=Outcome.GRANTED, text="Voici les plans.")
    assert req.state == State.ANSWERED and req.outcome == Outcome.GRANTED
    assert verify_chain()[1] is None


def test_head_confirms_and_the_applicant_may_then_appeal(refused, citizen, head, clock):
    req = refused()
    complaint = services.file_complaint(citizen, req, ground=Ground.REFUSAL, reasons="Non.")
    services.confirm_complaint(head, complaint, text="Le refus est fondé (art. 7).")
    panel = selectors.request_panel(citizen, req)
    assert panel.appeal_window is not None and not panel.appeal_without_complaint
    # 30 calendar days from the head's decision (Friday 30 October): Sunday 29 November,
    # moved to the next working day.
    assert panel.appeal_window.end == dt.date(2026, 11, 30)


def test_silence_opens_a_complaint(make_request, citizen, clock):
    req = make_request()
    assert selectors.request_panel(citizen, req).complaint_windows == []
    clock.move_to(at(dt.date(2026, 12, 2)))  # the answer was due on 1 December
    assert InformationRequest.objects.overdue().filter(pk=req.pk).exists()
    panel = selectors.request_panel(citizen, req)
    assert [w.ground for w in panel.complaint_windows] == [Ground.DEEMED_REFUSAL]
    complaint = services.file_complaint(
        citizen, req, ground=Ground.DEEMED_REFUSAL, reasons="Aucune réponse."
    )
    # Counted from the deadline that passed unanswered.
    assert complaint.window_start == dt.date(2026, 12, 1)
    assert complaint.window_end == dt.date(2026, 12, 29)


def test_nothing_to_complain_of_before_the_deadline(make_request, citizen, clock):
    req = make_request()
    with pytest.raises(ValidationError):
        services.file_complaint(citizen, req, ground=Ground.DEEMED_REFUSAL, reasons="Rien.")


def test_a_charged_cost_may_be_complained_of(make_request, citizen, officer, clock):
    req = make_request()
    request_services.answer(officer, req, outcome=Outcome.GRANTED, text="Copies.", cost="150")
    complaint = services.file_complaint(citizen, req, ground=Ground.COST, reasons="Trop cher.")
    assert complaint.ground == Ground.COST


def test_one_complaint_per_answer(refused, citizen, clock):
    req = refused()
    services.file_complaint(citizen, req, ground=Ground.REFUSAL, reasons="Non.")
    with pytest.raises(ValidationError):
        services.file_complaint(citizen, req, ground=Ground.REFUSAL, reasons="Encore.")


def test_silence_then_lapse_then_appeal_then_disclosure_ordered_then_complied(
    make_request, citizen, officer, commissioner, clock, django_capture_on_commit_callbacks
):
    """silence → complaint lapsed → appeal → disclosure ordered → complied."""
    req = make_request()
    clock.move_to(at(dt.date(2026, 12, 2)))
    complaint = services.file_complaint(
        citizen, req, ground=Ground.DEEMED_REFUSAL, reasons="Aucune réponse."
    )
    assert complaint.decision_due == dt.date(2026, 12, 23)

    clock.move_to(at(dt.date(2026, 12, 24)))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sweep() == {"lapsed": 1, "reminders": 0}
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.LAPSED
    assert _actions(complaint) == ["complaint.filed", "complaint.lapse"]
    assert any("CDAI" in m.body or "commission" in m.body.lower() for m in mail.outbox)

    clock.move_to(at(dt.date(2026, 12, 28)))
    appeal = services.file_appeal(citizen, req, reasons="Le silence vaut refus.")
    assert appeal.complaint == complaint and appeal.ground == Ground.DEEMED_REFUSAL
    # 30 days from the lapse (23 December): 22 January 2027; decision within 30 days.
    assert appeal.window_end == dt.date(2027, 1, 22)
    assert appeal.decision_due == dt.date(2027, 1, 27)
    assert services.admissibility_concerns(appeal) == []

    rapporteur = UserFactory(role=Role.COMMISSION_MEMBER)
    services.declare_admissible(commissioner, appeal)
    services.assign_rapporteur(commissioner, appeal, rapporteur=rapporteur)
    appeal = services.request_observations(commissioner, appeal, note="Expliquez le silence.")
    # 10 working days, skipping 1 and 11 January.
    assert appeal.observations_due == dt.date(2027, 1, 13)
    assert appeal in selectors.observations_to_submit(officer)
    services.submit_observations(officer, appeal, text="Surcharge du service.")
    clock.move_to(at(dt.date(2027, 1, 4)))
    services.record_hearing(
        commissioner, appeal, on=dt.date(2027, 1, 4), minutes="Les deux parties entendues."
    )
    services.draft_decision(
        rapporteur,
        appeal,
        decision=Decision.DISCLOSURE_ORDERED,
        reasons="Aucune exception invoquée.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        appeal = services.decide(
            commissioner,
            appeal,
            decision=Decision.DISCLOSURE_ORDERED,
            reasons="Aucune exception de l'article 7 n'est invoquée.",
        )
    assert appeal.state == AppealState.DECIDED and appeal.decision_number == "CDAI-2027-0001"
    assert appeal.compliance_due == dt.date(2027, 2, 17)  # 30 working days
    decision_mail = next(m for m in mail.outbox if m.to == [req.applicant_email] and m.attachments)
    assert decision_mail.attachments[0][0] == "decision-CDAI-2027-0001.pdf"
    req.refresh_from_db()
    # A new response period from the order, skipping 11 and 14 January.
    assert req.state == State.SUBMITTED and req.response_due == dt.date(2027, 2, 3)
    assert appeal in selectors.compliance_follow_up()

    request_services.answer(officer, req, outcome=Outcome.GRANTED, text="Voici les contrats.")
    appeal.refresh_from_db()
    assert appeal.state == AppealState.COMPLIED
    assert "appeal.record_complied" in _actions(appeal)
    assert not selectors.non_compliance(2027, today=dt.date(2027, 12, 31)).exists()
    assert verify_chain()[1] is None


def test_late_appeal_is_refused_with_the_windows_dates(refused, citizen, head, clock):
    req = refused()
    complaint = services.file_complaint(citizen, req, ground=Ground.REFUSAL, reasons="Non.")
    clock.move_to(at(dt.date(2026, 11, 3)))
    services.confirm_complaint(head, complaint, text="Confirmé.")
    # 30 days from Tuesday 3 November: Thursday 3 December 2026.
    clock.move_to(at(dt.date(2026, 12, 10)))
    with pytest.raises(ValidationError) as excinfo:
        services.file_appeal(citizen, req, reasons="Trop tard ?")
    message = " ".join(excinfo.value.messages)
    assert "3 novembre 2026" in message and "3 décembre 2026" in message
    assert not Appeal.objects.exists()


def test_no_appeal_while_the_head_may_still_decide(refused, citizen, clock):
    req = refused()
    services.file_complaint(citizen, req, ground=Ground.REFUSAL, reasons="Non.")
    with pytest.raises(ValidationError):
        services.file_appeal(citizen, req, reasons="Trop tôt.")


def test_appeal_without_prior_complaint_is_inadmissible(refused, citizen, commissioner, clock):
    req = refused()
    appeal = services.file_appeal(citizen, req, reasons="Directement à la commission.")
    assert appeal.complaint is None and appeal.state == AppealState.FILED
    assert services.admissibility_concerns(appeal) == [InadmissibilityReason.NO_PRIOR_COMPLAINT]
    appeal = services.declare_inadmissible(
        commissioner, appeal, reason=InadmissibilityReason.NO_PRIOR_COMPLAINT
    )
    assert appeal.state == AppealState.INADMISSIBLE
    with pytest.raises(TransitionConflict) as excinfo:
        services.decide(commissioner, appeal, decision=Decision.CONFIRMED, reasons="—")
    assert excinfo.value.state == AppealState.INADMISSIBLE
    assert not appeal.decision_number


def test_inadmissible_for_another_reason_must_say_it(refused, citizen, commissioner, clock):
    appeal = services.file_appeal(citizen, refused(), reasons="Appel.")
    with pytest.raises(ValidationError):
        services.declare_inadmissible(commissioner, appeal, reason=InadmissibilityReason.OTHER)


def test_decision_numbers_are_gapless_per_year(make_request, officer, commissioner, clock):
    appeals = []
    for _ in range(3):
        req = make_request()
        req = request_services.answer(
            officer, req, outcome="refused", text="Non.", grounds=["state-security"]
        )
        appeals.append(_to_commission(req.applicant, commissioner, officer, req, clock))
    first = services.decide(
        commissioner, appeals[0], decision=Decision.CONFIRMED, reasons="Le refus est fondé."
    )
    # A refused decision (already decided) takes no number.
    with pytest.raises(TransitionConflict):
        services.decide(commissioner, first, decision=Decision.CONFIRMED, reasons="Encore.")
    second = services.decide(
        commissioner, appeals[1], decision=Decision.CONFIRMED, reasons="Fondé."
    )
    assert [first.decision_number, second.decision_number] == ["CDAI-2026-0001", "CDAI-2026-0002"]
    clock.move_to(at(dt.date(2027, 1, 4)))
    third = services.decide(commissioner, appeals[2], decision=Decision.CONFIRMED, reasons="Fondé.")
    assert third.decision_number == "CDAI-2027-0001"


def test_non_compliant_body_is_listed(
    refused, citizen, officer, commissioner, clock, django_capture_on_commit_callbacks
):
    req = refused()
    appeal = _to_commission(
        citizen, commissioner, officer, req, clock, decision=Decision.PARTIAL_DISCLOSURE_ORDERED
    )
    assert appeal.compliance_due == dt.date(2026, 12, 15)
    # Reminded before the deadline, then once after it.
    clock.move_to(at(dt.date(2026, 12, 11)))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sweep()["reminders"] == 1
    assert any(
        officer.email in m.to and ("Reminder" in m.subject or "Rappel" in m.subject)
        for m in mail.outbox
    )
    assert services.sweep()["reminders"] == 0
    clock.move_to(at(dt.date(2026, 12, 16)))
    assert services.sweep()["reminders"] == 1
    # Overdue with nothing recorded: already on the list.
    assert list(selectors.non_compliance(2026)) == [appeal]
    # A refusal again is not compliance; the commission records the failure.
    request_services.answer(
        officer, req, outcome="refused", text="Toujours non.", grounds=["state-security"]
    )
    appeal.refresh_from_db()
    assert appeal.state == AppealState.DECIDED
    with pytest.raises(ValidationError):
        services.record_compliance(commissioner, appeal, complied=False)
    appeal = services.record_compliance(
        commissioner, appeal, complied=False, note="Le ministère a refusé à nouveau."
    )
    assert appeal.state == AppealState.NOT_COMPLIED
    assert list(selectors.non_compliance(2026)) == [appeal]
    assert selectors.non_compliance_by_body(2026) == [
        {"code": req.body.code, "name": req.body.name_fr, "count": 1}
    ]
    # The commission's Arabic page names the body in Arabic.
    with translation.override("ar"):
        assert selectors.non_compliance_by_body(2026)[0]["name"] == req.body.name_ar


def test_a_partial_answer_complies_with_a_partial_order_only(
    refused, citizen, officer, commissioner, clock
):
    req = refused()
    appeal = _to_commission(
        citizen, commissioner, officer, req, clock, decision=Decision.DISCLOSURE_ORDERED
    )
    request_services.answer(
        officer,
        req,
        outcome="partially_granted",
        text="Une partie.",
        grounds=["state-security"],
        withheld="Les plans.",
    )
    appeal.refresh_from_db()
    assert appeal.state == AppealState.DECIDED  # full disclosure was ordered
    services.record_compliance(commissioner, appeal, complied=True, note="Accepté.")
    appeal.refresh_from_db()
    assert appeal.state == AppealState.COMPLIED


def test_confirmed_refusal_has_no_compliance(refused, citizen, officer, commissioner, clock):
    appeal = _to_commission(
        citizen, commissioner, officer, refused(), clock, decision=Decision.CONFIRMED
    )
    assert appeal.compliance_due is None
    assert appeal.request.state == State.ANSWERED
    with pytest.raises(TransitionConflict):
        services.record_compliance(commissioner, appeal, complied=True)


def test_decision_can_be_published_anonymised(refused, citizen, officer, commissioner, clock):
    req = refused()
    appeal = _to_commission(citizen, commissioner, officer, req, clock, decision=Decision.CONFIRMED)
    with pytest.raises(ValidationError):
        services.publish_decision(commissioner, appeal, text=f"M. {req.applicant_last_name} a")
    appeal = services.publish_decision(
        commissioner, appeal, text="Un demandeur a saisi la commission…"
    )
    # One path to the public: the library's anonymiser, then a commission member's review.
    assert list(selectors.published_decisions()) == []
    assert "publish" not in selectors.appeal_actions(commissioner, appeal)
    from ati.library import services as library

    pub = appeal.publications.get()
    assert (pub.category, pub.source_request) == ("commission_decision", req)
    library.prepare_publication(pub.pk)
    library.approve_and_publish(commissioner, pub)
    appeal.refresh_from_db()
    assert list(selectors.published_decisions()) == [appeal]
    assert appeal.published_text == "Un demandeur a saisi la commission…"


# --- another legal profile ------------------------------------------------------------


def test_french_profile_goes_straight_to_the_cada(citizen, commissioner, clock):
    from ati.law.models import LegalProfile

    body = PublicBodyFactory(legal_profile=LegalProfile.objects.get(code="fr-crpa"))
    officer = member(Role.OFFICER, body)
    req = request_services.submit_request(
        citizen,
        body=body,
        details=request_details(),
        applicant=applicant_details(email=citizen.email),
    )
    request_services.answer(
        officer, req, outcome="refused", text="Refus.", grounds=["state-security"]
    )
    # No head-of-body step under the CRPA.
    with pytest.raises(ValidationError):
        services.file_complaint(citizen, req, ground=Ground.REFUSAL, reasons="Non.")
    appeal = services.file_appeal(citizen, req, reasons="Saisine de la CADA.")
    assert appeal.complaint is None
    assert services.admissibility_concerns(appeal) == []
    # Two months from the answer (30 October): 30 December; the opinion within one month.
    assert appeal.window_end == dt.date(2026, 12, 30)
    assert appeal.decision_due == dt.date(2026, 11, 30)


def test_a_law_without_a_commission_has_no_appeal(citizen, clock):
    from ati.law.models import LegalProfile

    body = PublicBodyFactory(legal_profile=LegalProfile.objects.get(code="us-foia"))
    officer = member(Role.OFFICER, body)
    req = request_services.submit_request(
        citizen,
        body=body,
        details=request_details(),
        applicant=applicant_details(email=citizen.email),
    )
    request_services.answer(
        officer,
        req,
        outcome="refused",
        text="Denied.",
        grounds=[req.profile_version.grounds.first().code],
    )
    services.file_complaint(citizen, req, ground=Ground.REFUSAL, reasons="Administrative appeal.")
    with pytest.raises(ValidationError):
        services.file_appeal(citizen, req, reasons="Commission?")


# --- who may do what ------------------------------------------------------------------


def test_a_citizen_cannot_decide_a_complaint_nor_an_appeal(refused, citizen, head, clock):
    req = refused()
    complaint = services.file_complaint(citizen, req, ground=Ground.REFUSAL, reasons="Non.")
    with pytest.raises(PermissionDenied):
        services.overturn_complaint(citizen, complaint, text="Je décide moi-même.")
    services.confirm_complaint(head, complaint, text="Confirmé.")
    appeal = services.file_appeal(citizen, req, reasons="Appel.")
    with pytest.raises(PermissionDenied):
        services.declare_admissible(citizen, appeal)
    with pytest.raises(PermissionDenied):
        services.declare_admissible(head, appeal)


def test_officer_of_another_body_gets_not_found(refused, citizen, other_body, clock):
    complaint = services.file_complaint(citizen, refused(), ground=Ground.REFUSAL, reasons="Non.")
    stranger = member(Role.HEAD_OF_BODY, other_body)
    with pytest.raises(Complaint.DoesNotExist):
        services.confirm_complaint(stranger, complaint, text="Confirmé.")
    other_citizen = UserFactory(role=Role.CITIZEN)
    with pytest.raises(InformationRequest.DoesNotExist):
        services.file_complaint(
            other_citizen, complaint.request, ground=Ground.REFUSAL, reasons="Moi aussi."
        )


def test_only_the_head_decides_a_complaint(refused, citizen, officer, clock):
    complaint = services.file_complaint(citizen, refused(), ground=Ground.REFUSAL, reasons="Non.")
    with pytest.raises(PermissionDenied):
        services.confirm_complaint(officer, complaint, text="Confirmé.")


def test_an_officer_of_another_body_cannot_submit_observations(
    refused, citizen, officer, commissioner, other_body, clock
):
    req = refused()
    complaint = services.file_complaint(citizen, req, ground=Ground.REFUSAL, reasons="Non.")
    services.confirm_complaint(member(Role.HEAD_OF_BODY, req.body), complaint, text="Oui.")
    appeal = services.file_appeal(citizen, req, reasons="Appel.")
    services.declare_admissible(commissioner, appeal)
    services.request_observations(commissioner, appeal, note="Vos observations ?")
    with pytest.raises(Appeal.DoesNotExist):
        services.submit_observations(member(Role.OFFICER, other_body), appeal, text="Nous ?")


def test_the_years_figures_reach_the_statistics(refused, citizen, officer, commissioner, clock):
    """The commission's annual figures count the complaint, the order and its non-compliance."""
    from ati.appeals.figures import appeal_figures
    from ati.stats.appeals import appeal_figures as figures_for_statistics

    req = refused()
    appeal = _to_commission(
        citizen, commissioner, officer, req, clock, decision=Decision.PARTIAL_DISCLOSURE_ORDERED
    )
    clock.move_to(at(dt.date(2026, 12, 16)))
    services.record_compliance(commissioner, appeal, complied=False, note="Refus renouvelé.")
    figures = appeal_figures(2026)
    assert figures.available and figures.complaints_to_head == 1
    assert figures.head_decisions["confirmed"] == 1
    assert figures.appeals_to_commission == 1
    assert figures.commission_decisions["partial_disclosure_ordered"] == 1
    assert figures.compliance["not_complied"] == 1
    assert [b.body_id for b in figures.non_compliant_bodies] == [req.body_id]
    assert [d.reference for d in figures.decisions] == [appeal.decision_number]
    assert figures_for_statistics(2026) == figures  # registered by the app's ready()
    assert appeal_figures(2025).complaints_to_head == 0


# --- a change of the calendar ----------------------------------------------------------


def test_a_closure_moves_the_complaints_the_appeals_and_the_compliance_deadlines(
    refused, citizen, officer, commissioner, clock
):
    """Like requests' due dates, the complaint's, the appeal's and the order's deadlines are
    counted again when a working day becomes a closure, each change audited."""
    from ati.law import services as calendar_services

    req = refused()
    complaint = services.file_complaint(citizen, req, ground=Ground.REFUSAL, reasons="Pas fondé.")
    other = refused()
    ordered = _to_commission(
        citizen, commissioner, officer, other, clock, decision=Decision.DISCLOSURE_ORDERED
    )
    complaint.refresh_from_db()
    before = (complaint.decision_due, ordered.compliance_due)
    admin = UserFactory(role=Role.ADMINISTRATOR)
    calendar = req.profile_version.calendar
    # A working day inside both periods becomes an exceptional closure.
    from django.utils import timezone

    closed = timezone.localdate() + dt.timedelta(days=1)
    while closed.weekday() >= 5:
        closed += dt.timedelta(days=1)
    changed = calendar_services.add_closure(
        admin, calendar, closed, label_fr="Fermeture exceptionnelle", reason="Intempéries"
    )[1]
    complaint.refresh_from_db()
    ordered.refresh_from_db()
    assert complaint.decision_due > before[0]
    assert ordered.compliance_due > before[1]
    assert changed >= 2
    actions = set(
        AuditEvent.objects.filter(action__endswith="due_date_recomputed").values_list(
            "action", flat=True
        )
    )
    assert {"complaint.due_date_recomputed", "appeal.due_date_recomputed"} <= actions
    assert verify_chain()[1] is None


# --- the administrative court --------------------------------------------------------


def test_the_body_takes_an_order_to_court_a_stay_lifts_compliance_and_an_annulment_ends_it(
    refused, citizen, officer, commissioner, clock
):
    from ati.appeals.figures import appeal_figures
    from ati.appeals.models import CourtJudgment

    ordered = _to_commission(
        citizen, commissioner, officer, refused(), clock, decision=Decision.DISCLOSURE_ORDERED
    )
    assert ordered.compliance_due is not None
    assert "court_filed" in selectors.appeal_actions(commissioner, ordered)
    assert "court_filed" not in selectors.appeal_actions(officer, ordered)
    from django.utils import timezone

    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.record_court_filing(officer, ordered, filed_by="body", filed_on=today)
    with pytest.raises(ValidationError):
        services.record_court_filing(
            commissioner, ordered, filed_by="body", filed_on=today + dt.timedelta(days=1)
        )
    ordered = services.record_court_filing(
        commissioner, ordered, filed_by="body", filed_on=today, reference="TA-123/2026", stay=True
    )
    # Stayed: no compliance deadline, so no reminder and not counted as not complied with.
    assert ordered.compliance_due is None and ordered.court_stay
    with pytest.raises(TransitionConflict):
        services.record_court_filing(commissioner, ordered, filed_by="applicant", filed_on=today)
    ordered = services.record_court_judgment(
        commissioner, ordered, judgment=CourtJudgment.ANNULLED, judged_on=today
    )
    assert ordered.compliance_due is None and ordered.state == AppealState.DECIDED
    assert not selectors.non_compliance(today.year, today + dt.timedelta(days=400)).exists()
    figures = appeal_figures(today.year)
    assert figures.court["filed_by_body"] == 1 and figures.court["annulled"] == 1
    assert figures.compliance["annulled_by_court"] == 1 and figures.compliance["pending"] == 0
    assert list(
        AuditEvent.objects.filter(action__startswith="appeal.court_").values_list(
            "action", flat=True
        )
    ) == ["appeal.court_filed", "appeal.court_judged"]


def test_an_order_upheld_after_a_stay_gets_a_new_compliance_deadline(
    refused, citizen, officer, commissioner, clock
):
    from django.utils import timezone

    from ati.appeals.models import CourtJudgment

    ordered = _to_commission(
        citizen, commissioner, officer, refused(), clock, decision=Decision.DISCLOSURE_ORDERED
    )
    today = timezone.localdate()
    services.record_court_filing(commissioner, ordered, filed_by="body", filed_on=today, stay=True)
    clock.move_to(at(today + dt.timedelta(days=30)))
    judged = timezone.localdate()
    ordered = services.record_court_judgment(
        commissioner, ordered, judgment=CourtJudgment.UPHELD, judged_on=judged
    )
    assert ordered.compliance_due is not None and ordered.compliance_due > judged


def test_complaint_notices_are_written_in_the_applicants_language(refused, citizen, clock):
    """Their subjects were marked with a private alias that makemessages never extracted."""
    from ati.notifications.models import Notification

    req = refused()
    services.file_complaint(citizen, req, ground=Ground.REFUSAL, reasons="Pas fondé.")
    subjects = list(
        Notification.objects.filter(kind="appeals.complaint_filed").values_list(
            "subject", flat=True
        )
    )
    assert subjects and all("réclamation" in s for s in subjects), subjects

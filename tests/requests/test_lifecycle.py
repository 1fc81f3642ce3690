"""The request's journey through the law (Law 31-13 §§ 1-4), one rule per test."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from ati.accounts.models import Role
from ati.audit.models import AuditEvent
from ati.audit.selectors import verify_chain
from ati.core.errors import TransitionConflict
from ati.requests import selectors, services
from ati.requests.models import InformationRequest, Outcome, State
from tests.factories import DepartmentFactory, PublicBodyFactory, member

from .conftest import DUE, applicant_details, request_details

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _events(req):
    return list(
        AuditEvent.objects.filter(
            object_id=str(req.pk), object_type="requests.informationrequest"
        ).values_list("action", flat=True)
    )


def test_submission_gives_a_reference_and_the_legal_due_date(
    submit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        req = submit()
    assert req.reference == "DAI-2026-00001"
    assert req.state == State.SUBMITTED
    assert req.received_on == dt.date(2026, 10, 30)
    assert req.response_due == DUE
    assert "6" in req.due_explanation and "18" in req.due_explanation
    assert req.profile_version.profile.code == "ma-31-13"
    assert _events(req) == ["request.submitted"]
    receipt = next(m for m in mail.outbox if m.to == [req.applicant_email])
    assert receipt.attachments and receipt.attachments[0][0] == "recepisse-DAI-2026-00001.pdf"


def test_reference_numbers_follow_each_other_within_a_year(submit):
    refs = [submit().reference for _ in range(3)]
    assert refs == ["DAI-2026-00001", "DAI-2026-00002", "DAI-2026-00003"]


def test_an_urgent_request_is_due_in_three_working_days(submit):
    req = submit(urgent=True, urgency_reason="Un patient attend une décision de transfert.")
    # Friday 30 October (Saturday 31 is Unity Day, a weekend anyway): Mon 2, Tue 3, Wed 4.
    assert req.response_due == dt.date(2026, 11, 4)


def test_an_urgent_request_must_say_why(submit):
    with pytest.raises(ValidationError) as excinfo:
        submit(urgent=True, urgency_reason="  ")
    assert "urgency_reason" in excinfo.value.message_dict
    assert not InformationRequest.objects.exists()


def test_an_unverified_citizen_cannot_submit(submit, citizen):
    citizen.email_verified = False
    citizen.save()
    with pytest.raises(PermissionDenied):
        submit()


def test_an_officer_records_a_paper_request_from_its_day_of_receipt(body, officer, clock):
    req = services.submit_request(
        officer,
        body=body,
        applicant=applicant_details(),
        details=request_details(),
        channel="post",
        received_on=dt.date(2026, 10, 29),
    )
    assert req.applicant is None and req.recorded_by == officer and req.channel == "post"
    # Thursday 29 October + 20 working days, skipping 6 and 18 November.
    assert req.response_due == dt.date(2026, 11, 30)


def test_an_officer_of_another_body_cannot_record_for_this_one(body, other_body, clock):
    stranger = member(Role.OFFICER, other_body)
    with pytest.raises(PermissionDenied):
        services.submit_request(
            stranger,
            body=body,
            applicant=applicant_details(),
            details=request_details(),
            channel="post",
        )


def test_a_refusal_must_cite_a_legal_ground(submit, officer):
    req = submit()
    with pytest.raises(ValidationError) as excinfo:
        services.answer(officer, req, outcome=Outcome.REFUSED, text="Refus.")
    assert "grounds" in excinfo.value.message_dict
    req.refresh_from_db()
    assert req.state == State.SUBMITTED


def test_a_ground_must_belong_to_the_requests_law(submit, officer):
    req = submit()
    with pytest.raises(ValidationError, match="not-a-ground"):
        services.answer(
            officer, req, outcome=Outcome.REFUSED, text="Refus.", grounds=["not-a-ground"]
        )


def test_refusal_with_a_ground_is_recorded_and_lettered(
    submit, officer, django_capture_on_commit_callbacks
):
    req = submit()
    with django_capture_on_commit_callbacks(execute=True):
        services.answer(
            officer,
            req,
            outcome=Outcome.REFUSED,
            text="Information couverte.",
            grounds=["national-defence"],
        )
    req.refresh_from_db()
    assert req.state == State.ANSWERED and req.outcome == Outcome.REFUSED
    assert [g.code for g in req.refusal_grounds.all()] == ["national-defence"]
    assert "request.answered.refused" in _events(req)
    answer_mail = mail.outbox[-1]
    assert answer_mail.attachments[0][0] == f"reponse-{req.reference}.pdf"


def test_partial_answer_says_what_is_withheld_and_why(submit, officer):
    req = submit()
    with pytest.raises(ValidationError, match="withheld"):
        services.answer(
            officer, req, outcome=Outcome.PARTIALLY_GRANTED, text="Voici.", grounds=["private-life"]
        )
    services.answer(
        officer,
        req,
        outcome=Outcome.PARTIALLY_GRANTED,
        text="Voici le budget.",
        grounds=["private-life"],
        withheld="Les salaires nominatifs.",
        cost="12.50",
    )
    req.refresh_from_db()
    assert req.outcome == Outcome.PARTIALLY_GRANTED and req.reproduction_cost == Decimal("12.50")


def test_not_held_may_name_the_holder(submit, officer):
    req = submit()
    services.answer(
        officer,
        req,
        outcome=Outcome.NOT_HELD,
        text="Nous ne détenons pas.",
        holder="Cour des comptes",
    )
    req.refresh_from_db()
    assert req.outcome == Outcome.NOT_HELD and req.holder_name == "Cour des comptes"


def test_assign_then_staff_draft_then_officer_approves(submit, officer, staff, department):
    req = submit()
    services.assign(officer, req, department=department)
    services.submit_draft(staff, req, outcome=Outcome.GRANTED, text="Voici le budget.")
    req.refresh_from_db()
    assert req.state == State.DRAFT_READY and req.draft_by == staff
    # Staff cannot send the answer themselves.
    with pytest.raises(PermissionDenied):
        services.answer(staff, req, outcome=Outcome.GRANTED, text="Voici.")
    services.return_draft(officer, req, comment="Joindre le tableau.")
    services.submit_draft(staff, req, outcome=Outcome.GRANTED, text="Voici, avec le tableau.")
    services.answer(officer, req, outcome=Outcome.GRANTED, text="Voici, avec le tableau.")
    services.close(officer, req)
    req.refresh_from_db()
    assert req.state == State.CLOSED
    assert _events(req) == [
        "request.submitted",
        "request.assign",
        "request.submit_draft",
        "request.return_draft",
        "request.submit_draft",
        "request.answered.granted",
        "request.close",
    ]
    assert verify_chain()[1] is None


def test_a_second_assignment_is_a_reassignment(submit, officer, department):
    req = submit()
    services.assign(officer, req, department=department)
    services.assign(officer, req, department=department)
    assert _events(req) == ["request.submitted", "request.assign", "request.reassign"]


def test_assign_or_reassign_is_decided_under_the_lock(submit, officer, department, monkeypatch):
    """Another officer assigns the request just before this assignment takes the lock:
    this one is a reassignment, permitted and audited as one (not read before the lock)."""
    req = submit()
    lock = services._locked
    meanwhile: list[bool] = []

    def another_officer_first(r):
        if not meanwhile:
            meanwhile.append(True)
            services.assign(officer, r, department=department)
        return lock(r)

    monkeypatch.setattr(services, "_locked", another_officer_first)
    services.assign(officer, req, department=department)
    assert _events(req) == ["request.submitted", "request.assign", "request.reassign"]


def test_staff_of_another_department_do_not_see_the_request(submit, officer, department, body):
    req = submit()
    services.assign(officer, req, department=department)
    other = member(Role.DEPARTMENT_STAFF, body, DepartmentFactory(body=body))
    with pytest.raises(InformationRequest.DoesNotExist):
        services.submit_draft(other, req, outcome=Outcome.GRANTED, text="x")
    assert not selectors.visible_requests(other).exists()


def test_a_department_of_another_body_is_refused(submit, officer, other_body):
    req = submit()
    with pytest.raises(ValidationError, match="another body"):
        services.assign(officer, req, department=DepartmentFactory(body=other_body))


def test_clarification_stops_the_clock_and_restarts_it_on_answer(submit, officer, citizen, clock):
    req = submit()
    clock.move_to(dt.datetime(2026, 11, 2, 9, 0))
    services.request_clarification(officer, req, question="Quelle région ?")
    req.refresh_from_db()
    assert req.state == State.AWAITING_CLARIFICATION and req.clock_paused_on == dt.date(2026, 11, 2)
    # Not overdue while waiting, even long after the first due date.
    clock.move_to(dt.datetime(2026, 12, 10, 9, 0))
    assert not InformationRequest.objects.overdue().exists()
    services.provide_clarification(citizen, req, answer="Rabat-Salé-Kénitra.")
    req.refresh_from_db()
    assert req.state == State.SUBMITTED
    # 20 working days from Thursday 10 December 2026: due Friday 8 January 2027.
    assert req.response_due == dt.date(2027, 1, 8)
    assert req.clock_started_on == dt.date(2026, 12, 10)


def test_an_unanswered_clarification_ends_as_refused_for_unclear_request(submit, officer):
    req = submit()
    services.request_clarification(officer, req, question="Quel document ?")
    with pytest.raises(TransitionConflict):
        services.answer(officer, req, outcome=Outcome.GRANTED, text="x")
    services.answer(
        officer,
        req,
        outcome=Outcome.REFUSED,
        text="Demande imprécise.",
        grounds=["unclear-request"],
    )
    req.refresh_from_db()
    assert req.state == State.ANSWERED


def test_extension_counts_from_the_original_due_date_and_is_allowed_once(submit, officer, clock):
    req = submit()
    clock.move_to(dt.datetime(2026, 11, 25, 9, 0))
    services.extend(officer, req, reason="Archives à consulter dans trois provinces.")
    req.refresh_from_db()
    # 20 working days after Tuesday 1 December 2026 (no holiday until 1 January): 29 December.
    assert req.response_due == dt.date(2026, 12, 29)
    assert req.original_response_due == DUE and req.extensions_used == 1
    with pytest.raises(TransitionConflict):
        services.extend(officer, req, reason="Encore.")


def test_no_extension_once_the_deadline_has_passed(submit, officer, clock):
    req = submit()
    clock.move_to(dt.datetime(2026, 12, 2, 9, 0))
    with pytest.raises(ValidationError, match="passed"):
        services.extend(officer, req, reason="Trop tard.")


def test_overdue_is_computed_never_stored(submit, clock):
    req = submit()
    clock.move_to(dt.datetime(2026, 12, 1, 18, 0))
    assert not InformationRequest.objects.overdue().exists()
    clock.move_to(dt.datetime(2026, 12, 2, 9, 0))
    flagged = InformationRequest.objects.with_overdue().get(pk=req.pk)
    assert flagged.is_overdue and flagged.state == State.SUBMITTED


def test_transfer_starts_a_new_clock_at_the_other_body(submit, officer, clock):
    req = submit()
    other = PublicBodyFactory()
    other_officer = member(Role.OFFICER, other)
    clock.move_to(dt.datetime(2026, 11, 3, 9, 0))
    services.transfer(officer, req, to_body=other, reason="Compétence de l'autre organisme.")
    req.refresh_from_db()
    successor = req.transferred_to
    assert req.state == State.TRANSFERRED and successor.body == other
    assert successor.received_on == dt.date(2026, 11, 3)
    assert successor.reference == "DAI-2026-00002" and successor.applicant == req.applicant
    assert selectors.visible_requests(other_officer).filter(pk=successor.pk).exists()
    assert not selectors.visible_requests(other_officer).filter(pk=req.pk).exists()


def test_the_applicant_may_withdraw_but_not_someone_else(submit, officer, citizen):
    req = submit()
    with pytest.raises(PermissionDenied):
        services.withdraw(officer, req)
    services.withdraw(citizen, req, reason="Trouvé ailleurs.")
    req.refresh_from_db()
    assert req.state == State.WITHDRAWN
    with pytest.raises(TransitionConflict) as excinfo:
        services.assign(officer, req, department=DepartmentFactory(body=req.body))
    assert excinfo.value.state == State.WITHDRAWN


def test_another_citizen_is_told_the_request_does_not_exist(submit):
    from tests.factories import UserFactory

    req = submit()
    stranger = UserFactory(role=Role.CITIZEN)
    with pytest.raises(InformationRequest.DoesNotExist):
        services.withdraw(stranger, req)


def test_invalid_transition_names_the_state_and_what_is_allowed(submit, officer):
    req = submit()
    with pytest.raises(TransitionConflict) as excinfo:
        services.close(officer, req)
    assert excinfo.value.state == State.SUBMITTED
    assert "answer" in excinfo.value.allowed and "close" not in excinfo.value.allowed


def test_a_calendar_change_recomputes_open_due_dates(submit, administrator):
    from ati.law import services as law_services
    from ati.law.models import Calendar

    req = submit()
    closed = submit()
    services.withdraw(closed.applicant, closed)
    calendar = Calendar.objects.get(code="ma")
    law_services.add_closure(
        administrator,
        calendar,
        dt.date(2026, 11, 20),
        label_fr="Fermeture exceptionnelle",
        reason="Intempéries",
    )
    req.refresh_from_db()
    closed.refresh_from_db()
    assert req.response_due == dt.date(2026, 12, 2)
    assert closed.response_due == DUE  # closed requests keep their history
    assert "request.due_date_recomputed" in _events(req)

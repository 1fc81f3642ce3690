"""Pages of complaints and appeals: the applicant files from the request page, the head
of the body decides complaints, the commission works from its dashboard.

Views only translate between HTTP and the services.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ati.accounts import permissions as roles
from ati.core.forms import add_service_errors, handle_action
from ati.law.templatetags.ati_format import longdate
from ati.requests import selectors as request_selectors
from ati.requests.models import InformationRequest
from ati.requests.views import detail_context

from . import forms, letters, permissions, selectors, services
from .models import Appeal, Complaint, ComplaintState, InadmissibilityReason


def _ided(name: str, form: Form | None) -> Any:
    """Several forms share a page: ids per form keep each label on its own field.

    Set before validation: the errors take the field's id then (aria-describedby)."""
    if form is not None:
        form.auto_id = f"id_{name}_%s"
    return form


def _request(request: HttpRequest, reference: str) -> InformationRequest:
    try:
        return request_selectors.get_request(request.user, reference)
    except InformationRequest.DoesNotExist as exc:
        raise Http404(_("No such request.")) from exc


def _complaint(request: HttpRequest, pk: int) -> Complaint:
    found = selectors.visible_complaints(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such complaint."))
    return found


def _appeal(request: HttpRequest, pk: int) -> Appeal:
    found = selectors.visible_appeals(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such appeal."))
    return found


def request_panel_context(
    request: HttpRequest, req: InformationRequest, bound: dict[str, Form] | None = None
) -> dict[str, Any]:
    """Context for `appeals/_request_panel.html`, a panel of the request page (DETAIL_PANELS)."""
    panel = selectors.request_panel(request.user, req)
    if panel is None:
        return {"appeals_panel": None}
    bound = bound or {}
    grounds = [w.ground for w in panel.complaint_windows]
    return {
        "appeals_panel": panel,
        "complaint_form": _ided(
            "complaint",
            bound.get("complaint")
            or (forms.FileComplaintForm(grounds=grounds) if grounds else None),
        ),
        "appeal_form": _ided(
            "appeal",
            bound.get("appeal") or (forms.FileAppealForm() if panel.appeal_window else None),
        ),
    }


def _rerender_request(
    request: HttpRequest, req: InformationRequest, key: str, form: Form, status: int
) -> HttpResponse:
    # The request page, with this form sent back to its panel (request_panel_context).
    context = detail_context(request, req, {key: form})
    return render(request, "requests/detail.html", context, status=status)


@login_required
@require_POST
def file_complaint(request: HttpRequest, reference: str) -> HttpResponse:
    req = _request(request, reference)
    form = _ided("complaint", forms.FileComplaintForm(request.POST))
    if form.is_valid():
        try:
            complaint = services.file_complaint(request.user, req, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Your complaint is registered. The head of the body must decide by %(due)s.")
                % {"due": longdate(complaint.decision_due)},
            )
            return redirect("requests:detail", reference=req.reference)
    return _rerender_request(request, req, "complaint", form, 400)


@login_required
@require_POST
def file_appeal(request: HttpRequest, reference: str) -> HttpResponse:
    req = _request(request, reference)
    form = _ided("appeal", forms.FileAppealForm(request.POST))
    if form.is_valid():
        try:
            appeal = services.file_appeal(request.user, req, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your appeal to the commission is registered."))
            return redirect("appeals:appeal", pk=appeal.pk)
    return _rerender_request(request, req, "appeal", form, 400)


# --- the head of the body ------------------------------------------------------------

COMPLAINT_FORMS: dict[str, Callable[..., Form]] = {
    "confirm": lambda data=None: forms.DecisionTextForm(data),
    "overturn": lambda data=None: forms.DecisionTextForm(data),
}
COMPLAINT_SERVICES: dict[str, Callable[[Any, Complaint, dict[str, Any]], Any]] = {
    "confirm": lambda u, c, d: services.confirm_complaint(u, c, text=d["text"]),
    "overturn": lambda u, c, d: services.overturn_complaint(u, c, text=d["text"]),
}


@login_required
def complaints(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not roles.body_ids(user, roles.Role.HEAD_OF_BODY) and not roles.body_ids(
        user, roles.Role.OFFICER
    ):
        raise PermissionDenied(_("This list is for the heads and officers of public bodies."))
    return render(
        request,
        "appeals/complaints.html",
        {
            "to_decide": selectors.complaints_to_decide(user),
            "all_complaints": selectors.visible_complaints(user).order_by("-filed_at")[:100],
            "observations": selectors.observations_to_submit(user),
            "today": timezone.localdate(),
        },
    )


def _complaint_context(
    request: HttpRequest, complaint: Complaint, bound: dict[str, Form] | None = None
) -> dict[str, Any]:
    actions = selectors.complaint_actions(request.user, complaint)
    return {
        "complaint": complaint,
        "req": complaint.request,
        "action_forms": {
            name: _ided(name, (bound or {}).get(name) or COMPLAINT_FORMS[name]())
            for name in actions
        },
        "appeals": complaint.appeals.all(),
        "today": timezone.localdate(),
    }


@login_required
def complaint(request: HttpRequest, pk: int) -> HttpResponse:
    found = _complaint(request, pk)
    return render(request, "appeals/complaint.html", _complaint_context(request, found))


@login_required
@require_POST
def complaint_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    found = _complaint(request, pk)
    if action not in COMPLAINT_SERVICES:
        raise Http404(_("No such action."))
    form = _ided(action, COMPLAINT_FORMS[action](request.POST))

    def page(bound: Form | None, status: int) -> HttpResponse:
        shown = found if bound is not None else _complaint(request, pk)  # 409: as it is now
        context = _complaint_context(request, shown, {action: bound} if bound is not None else None)
        return render(request, "appeals/complaint.html", context, status=status)

    return handle_action(
        request,
        form,
        lambda data: COMPLAINT_SERVICES[action](request.user, found, data),
        page=page,
        done=lambda: redirect("appeals:complaint", pk=found.pk),
    )


# --- appeals ---------------------------------------------------------------------------

APPEAL_FORMS: dict[str, Callable[..., Form]] = {
    "declare_admissible": lambda a, data=None: Form(data),
    "declare_inadmissible": lambda a, data=None: forms.InadmissibleForm(
        data,
        initial={
            "reason": (services.admissibility_concerns(a) or [InadmissibilityReason.OTHER])[0]
        },
    ),
    "assign_rapporteur": lambda a, data=None: forms.RapporteurForm(
        data, initial={"rapporteur": a.rapporteur_id}
    ),
    "request_observations": lambda a, data=None: forms.ObservationsRequestForm(data),
    "submit_observations": lambda a, data=None: forms.ObservationsForm(data),
    "record_hearing": lambda a, data=None: forms.HearingForm(
        data, initial={"on": timezone.localdate()}
    ),
    "draft_decision": lambda a, data=None: forms.DecisionForm(
        data, initial={"decision": a.draft_decision, "reasons": a.draft_reasons}
    ),
    "decide": lambda a, data=None: forms.DecisionForm(
        data, initial={"decision": a.draft_decision, "reasons": a.draft_reasons}
    ),
    "record_complied": lambda a, data=None: forms.ComplianceForm(data),
    "record_not_complied": lambda a, data=None: forms.ComplianceForm(data),
    "publish": lambda a, data=None: forms.PublishForm(data, initial={"text": a.decision_reasons}),
    "court_filed": lambda a, data=None: forms.CourtFilingForm(
        data, initial={"filed_on": timezone.localdate()}
    ),
    "court_judged": lambda a, data=None: forms.CourtJudgmentForm(
        data, initial={"judged_on": timezone.localdate()}
    ),
}

APPEAL_SERVICES: dict[str, Callable[[Any, Appeal, dict[str, Any]], Any]] = {
    "declare_admissible": lambda u, a, d: services.declare_admissible(u, a),
    "declare_inadmissible": lambda u, a, d: services.declare_inadmissible(
        u, a, reason=d["reason"], text=d["text"]
    ),
    "assign_rapporteur": lambda u, a, d: services.assign_rapporteur(
        u, a, rapporteur=d["rapporteur"]
    ),
    "request_observations": lambda u, a, d: services.request_observations(
        u, a, note=d["note"], due=d["due"]
    ),
    "submit_observations": lambda u, a, d: services.submit_observations(u, a, text=d["text"]),
    "record_hearing": lambda u, a, d: services.record_hearing(
        u, a, on=d["on"], minutes=d["minutes"]
    ),
    "draft_decision": lambda u, a, d: services.draft_decision(
        u, a, decision=d["decision"], reasons=d["reasons"]
    ),
    "decide": lambda u, a, d: services.decide(u, a, decision=d["decision"], reasons=d["reasons"]),
    "record_complied": lambda u, a, d: services.record_compliance(
        u, a, complied=True, note=d["note"]
    ),
    "record_not_complied": lambda u, a, d: services.record_compliance(
        u, a, complied=False, note=d["note"]
    ),
    "publish": lambda u, a, d: services.publish_decision(u, a, text=d["text"]),
    "court_filed": lambda u, a, d: services.record_court_filing(
        u,
        a,
        filed_by=d["filed_by"],
        filed_on=d["filed_on"],
        reference=d["reference"],
        stay=d["stay"],
        note=d["note"],
    ),
    "court_judged": lambda u, a, d: services.record_court_judgment(
        u, a, judgment=d["judgment"], judged_on=d["judged_on"], note=d["note"]
    ),
}


def _appeal_context(
    request: HttpRequest, found: Appeal, bound: dict[str, Form] | None = None
) -> dict[str, Any]:
    actions = selectors.appeal_actions(request.user, found)
    req = found.request
    return {
        "appeal": found,
        "req": req,
        "action_forms": {
            name: _ided(name, (bound or {}).get(name) or APPEAL_FORMS[name](found, None))
            for name in actions
        },
        "concerns": [InadmissibilityReason(c).label for c in services.admissibility_concerns(found)]
        if found.state == "filed"
        else [],
        "is_commission": permissions.is_commission(request.user),
        "show_identity": permissions.is_applicant(request.user, req)
        or roles.is_officer_of(request.user, req.body_id)
        or roles.is_head_of(request.user, req.body_id),
        "today": timezone.localdate(),
    }


@login_required
def appeal(request: HttpRequest, pk: int) -> HttpResponse:
    found = _appeal(request, pk)
    return render(request, "appeals/appeal.html", _appeal_context(request, found))


@login_required
@require_POST
def appeal_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    found = _appeal(request, pk)
    if action not in APPEAL_SERVICES:
        raise Http404(_("No such action."))
    form = _ided(action, APPEAL_FORMS[action](found, request.POST))

    def page(bound: Form | None, status: int) -> HttpResponse:
        shown = found if bound is not None else _appeal(request, pk)  # 409: as it is now
        context = _appeal_context(request, shown, {action: bound} if bound is not None else None)
        return render(request, "appeals/appeal.html", context, status=status)

    return handle_action(
        request,
        form,
        lambda data: APPEAL_SERVICES[action](request.user, found, data),
        page=page,
        done=lambda: redirect("appeals:appeal", pk=found.pk),
    )


@login_required
def complaint_letter(request: HttpRequest, pk: int) -> HttpResponse:
    found = _complaint(request, pk)
    if found.state not in (ComplaintState.CONFIRMED, ComplaintState.OVERTURNED):
        raise Http404
    response = HttpResponse(letters.complaint_decision_pdf(found), content_type="application/pdf")
    filename = f"reclamation-{found.request.reference}-{found.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def decision_letter(request: HttpRequest, pk: int) -> HttpResponse:
    found = _appeal(request, pk)
    if not found.decision_number:
        raise Http404
    response = HttpResponse(letters.decision_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="decision-{found.decision_number}.pdf"'
    return response


# --- the commission ----------------------------------------------------------------------


def _commission_only(request: HttpRequest) -> None:
    if not permissions.sees_commission_dashboard(request.user):
        raise PermissionDenied(_("The dashboard is for the commission."))


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _commission_only(request)
    form = forms.DashboardFilterForm(request.GET or None)
    filters = selectors.DashboardFilters(stage="pending")
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.DashboardFilters(
            stage=data["stage"],
            body=data["body"].pk if data["body"] else None,
            ground=data["ground"],
            legal_ground=data["legal_ground"],
            rapporteur=data["rapporteur"].pk if data["rapporteur"] else None,
            overdue=data["overdue"],
            q=data["q"],
        )
    return render(
        request,
        "appeals/dashboard.html",
        {
            "form": form,
            "rows": list(selectors.dashboard(filters)[:200]),
            "counts": selectors.stage_counts(),
            "compliance": list(selectors.compliance_follow_up()[:50]),
            "today": timezone.localdate(),
            "year": timezone.localdate().year,
        },
        status=400 if form.errors else 200,
    )


@login_required
def non_compliance(request: HttpRequest) -> HttpResponse:
    _commission_only(request)
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError as exc:
        raise Http404 from exc
    if not 1 <= year <= 9999:  # a date's years: past them the query itself fails (a 500)
        raise Http404
    return render(
        request,
        "appeals/non_compliance.html",
        {
            "year": year,
            "rows": selectors.non_compliance(year),
            "by_body": selectors.non_compliance_by_body(year),
            "today": timezone.localdate(),
        },
    )


def published(request: HttpRequest) -> HttpResponse:
    """Anonymised decisions of the commission, public."""
    return render(
        request, "appeals/published.html", {"decisions": selectors.published_decisions()[:200]}
    )

"""Pages of complaints and appeals: the applicant files from the request page, the head
of the body decides complaints, the commission works from its dashboard.

Views only translate between HTTP and the services.
"""

from __future__ import annotations

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
from ati.core.forms import add_service_errors
from ati.core.pdf import pdf_download
from ati.law.templatetags.ati_format import longdate
from ati.requests import selectors as request_selectors
from ati.requests.models import InformationRequest
from ati.requests.views import detail_context

from . import forms, letters, permissions, selectors, services
from .actions import APPEAL_ACTIONS, COMPLAINT_ACTIONS
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
        "action_forms": COMPLAINT_ACTIONS.forms_for(actions, complaint, bound),
        "appeals": complaint.appeals.all(),
        "today": timezone.localdate(),
    }


@login_required
def complaint(request: HttpRequest, pk: int) -> HttpResponse:
    return _complaint_page(request, _complaint(request, pk), None, 200)


def _complaint_page(
    request: HttpRequest, found: Complaint, bound: dict[str, Form] | None, status: int
) -> HttpResponse:
    context = _complaint_context(request, found, bound)
    return render(request, "appeals/complaint.html", context, status=status)


#: POST /complaints/<pk>/do/<action>/: every action of COMPLAINT_ACTIONS.
complaint_act = COMPLAINT_ACTIONS.page_view(
    get=_complaint,
    page=_complaint_page,
    done=lambda found: redirect("appeals:complaint", pk=found.pk),
)


# --- appeals ---------------------------------------------------------------------------


def _appeal_context(
    request: HttpRequest, found: Appeal, bound: dict[str, Form] | None = None
) -> dict[str, Any]:
    actions = selectors.appeal_actions(request.user, found)
    req = found.request
    return {
        "appeal": found,
        "req": req,
        "action_forms": APPEAL_ACTIONS.forms_for(actions, found, bound),
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
    return _appeal_page(request, _appeal(request, pk), None, 200)


def _appeal_page(
    request: HttpRequest, found: Appeal, bound: dict[str, Form] | None, status: int
) -> HttpResponse:
    return render(
        request, "appeals/appeal.html", _appeal_context(request, found, bound), status=status
    )


#: POST /appeals/<pk>/do/<action>/: every action of APPEAL_ACTIONS.
appeal_act = APPEAL_ACTIONS.page_view(
    get=_appeal,
    page=_appeal_page,
    done=lambda found: redirect("appeals:appeal", pk=found.pk),
)


@login_required
def complaint_letter(request: HttpRequest, pk: int) -> HttpResponse:
    found = _complaint(request, pk)
    if found.state not in (ComplaintState.CONFIRMED, ComplaintState.OVERTURNED):
        raise Http404
    filename = letters.complaint_decision_filename(found)
    return pdf_download(letters.complaint_decision_pdf(found), filename)


@login_required
def decision_letter(request: HttpRequest, pk: int) -> HttpResponse:
    found = _appeal(request, pk)
    if not found.decision_number:
        raise Http404
    return pdf_download(letters.decision_pdf(found), letters.decision_filename(found))


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

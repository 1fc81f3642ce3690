"""Server-rendered pages of the request journey, for applicants and for the body.

Views only translate between HTTP and the services: the forms check shapes, the
services decide, selectors read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ati.accounts import permissions as roles
from ati.bodies.models import Department, PublicBody
from ati.core import ratelimit
from ati.core.errors import TransitionConflict
from ati.core.forms import add_service_errors
from ati.core.pagination import CappedPaginator, count_label
from ati.core.pdf import pdf_download

from . import forms, letters, permissions, selectors, services
from .actions import REQUEST_ACTIONS
from .models import InformationRequest, State

#: What the request page shows from apps above this one (docs/architecture.md), filled in
#: their ready(): ``panel(request, req, bound)`` returns context for the page's template
#: (the appeals app: the complaint and appeal panel, appeals/_request_panel.html).
DETAIL_PANELS: list[
    Callable[[HttpRequest, InformationRequest, dict[str, Form]], dict[str, Any]]
] = []

#: Published answers like the request being written, before it is sent: ``finder(text)``
#: returns hits for library/_similar.html. The library fills it in its ready().
SIMILAR_FINDERS: list[Callable[[str], list[Any]]] = []


def _get(request: HttpRequest, reference: str) -> InformationRequest:
    try:
        return selectors.get_request(request.user, reference)
    except InformationRequest.DoesNotExist as exc:
        raise Http404(_("No such request.")) from exc


def _uploads(files: list[Any]) -> list[services.Upload]:
    return [services.Upload(file=f, name=f.name, size=f.size) for f in files]


def _applicant(data: dict[str, Any], email: str, language: str) -> services.ApplicantDetails:
    return services.ApplicantDetails(
        first_name=data["first_name"],
        last_name=data["last_name"],
        address=data["address"],
        id_kind=data["id_kind"],
        id_number=data["id_number"],
        email=email,
        phone=data.get("phone") or "",
        language=language,
    )


def _details(data: dict[str, Any]) -> services.RequestDetails:
    return services.RequestDetails(
        subject=data["subject"],
        information_requested=data["information_requested"],
        delivery_form=data["delivery_form"],
        urgent=data["urgent"],
        urgency_reason=data.get("urgency_reason") or "",
        attachments=_uploads(data.get("attachments") or []),
    )


# --- applicant ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not roles.is_citizen(user):
        if roles.body_ids(user, roles.Role.OFFICER):
            return redirect("requests:record")
        raise PermissionDenied(_("Requests are submitted by citizens."))
    initial: dict[str, Any] = {}
    if request.GET.get("body"):
        initial["body"] = PublicBody.objects.filter(code=request.GET["body"]).first()
    name = user.full_name.split(" ", 1)
    initial.update(first_name=name[0], last_name=name[1] if len(name) > 1 else "")
    form = forms.SubmitForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and "check_similar" in request.POST:
        # Before sending, without JavaScript: published answers like this request (the
        # form is shown again). With it, `similar` gives them as the subject is typed.
        form = forms.SubmitForm(request.POST, initial=initial)
        similar = _similar_to(request.POST)
        return render(
            request,
            "requests/submit.html",
            {"form": form, "similar_publications": similar},
        )
    if request.method == "POST" and not ratelimit.hit("submit", f"user:{user.pk}"):
        return ratelimit.too_many(request, "submit")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            req = services.submit_request(
                user,
                body=data["body"],
                details=_details(data),
                applicant=_applicant(data, user.email, user.preferred_language),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Your request is registered under %(ref)s. Your receipt has been sent by e-mail.")
                % {"ref": req.reference},
            )
            return redirect("requests:detail", reference=req.reference)
    return render(
        request, "requests/submit.html", {"form": form}, status=400 if form.errors else 200
    )


def _similar_to(data: Any) -> list[Any]:
    text = f"{data.get('subject', '')} {data.get('information_requested', '')}".strip()
    return [hit for finder in SIMILAR_FINDERS for hit in finder(text)] if text else []


#: Fewer letters than this find too much to be of use: nothing is looked up.
SIMILAR_MIN_CHARS = 4


@login_required
@require_GET
def similar(request: HttpRequest) -> HttpResponse:
    """Published answers like the request being written: the fragment the submission form
    shows as the subject is typed (static/js/similar-answers.js). Empty when none."""
    if len(request.GET.get("subject", "").strip()) < SIMILAR_MIN_CHARS:
        return HttpResponse("")
    if not ratelimit.hit("similar", f"user:{request.user.pk}"):
        response = HttpResponse("", status=429)
        response["Retry-After"] = str(ratelimit.retry_after("similar"))
        return response
    return render(
        request,
        "library/_similar.html",
        {"similar_publications": _similar_to(request.GET)},
    )


@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    return render(request, "requests/mine.html", {"requests": selectors.my_requests(request.user)})


# --- the body ----------------------------------------------------------------------


def _staff_bodies(user: Any) -> Any:
    return PublicBody.objects.filter(pk__in=roles.body_ids(user))


#: Rows per page of the officer's queue.
QUEUE_PAGE_SIZE = 50


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not roles.body_ids(user) and not roles.is_administrator(user):
        raise PermissionDenied(_("The queue is for the staff of public bodies."))
    departments = Department.objects.filter(body__in=_staff_bodies(user)).select_related("body")
    form = forms.QueueFilterForm(request.GET or None, departments=departments, states=State.choices)
    filters = selectors.QueueFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.QueueFilters(
            state=data["state"] or "open",
            department=data["department"].pk if data["department"] else None,
            overdue=data["overdue"],
            due_within=data["due_within"],
            urgent=data["urgent"],
            q=data["q"],
            deadline=data["deadline"],
            sort=data["sort"] or selectors.QueueSort.DAYS_LEFT,
        )
    # A body may hold hundreds of thousands of requests: pages of 50, counted up to a cap,
    # the keys sorted first and the page's rows read by key (selectors.queue_rows).
    keys = selectors.queue(user, filters).values_list("pk", flat=True)
    paginator = CappedPaginator(keys, QUEUE_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    unsorted = query.copy()
    unsorted.pop("sort", None)
    return render(
        request,
        "requests/queue.html",
        {
            "form": form,
            "rows": selectors.queue_rows(user, list(page.object_list)),
            "page": page,
            "count_label": count_label(paginator.count, paginator.exact),
            "query": query.urlencode(),
            "query_without_sort": unsorted.urlencode(),
            "sort": filters.sort,
            "due_soon_days": selectors.DUE_SOON_WORKING_DAYS,
            "counts": selectors.queue_counts(user),
            "assign_departments": departments,
            "can_assign": bool(roles.body_ids(user, roles.Role.OFFICER)),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def bulk_assign(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not roles.body_ids(user, roles.Role.OFFICER):
        raise PermissionDenied(_("Only information officers assign requests."))
    department = Department.objects.filter(pk=request.POST.get("department") or 0).first()
    references = request.POST.getlist("selected")
    if department is None or not references:
        messages.error(request, _("Choose requests and a department."))
        return redirect("requests:queue")
    done, failed = 0, []
    for req in selectors.visible_requests(user).filter(reference__in=references):
        try:
            services.assign(user, req, department=department)
            done += 1
        except (ValidationError, PermissionDenied, TransitionConflict):
            failed.append(req.reference)
    messages.success(
        request, ngettext("%(n)d request assigned.", "%(n)d requests assigned.", done) % {"n": done}
    )
    if failed:
        messages.error(
            request, _("Not assigned (not possible now): %(refs)s") % {"refs": ", ".join(failed)}
        )
    return redirect("requests:queue")


@login_required
@require_http_methods(["GET", "POST"])
def record_request(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    bodies = PublicBody.objects.filter(pk__in=roles.body_ids(user, roles.Role.OFFICER))
    if not bodies.exists():
        raise PermissionDenied(_("Only information officers record requests."))
    form = forms.RecordForm(
        request.POST or None,
        request.FILES or None,
        bodies=bodies,
        initial={"body": bodies.first(), "received_on": None},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            req = services.submit_request(
                user,
                body=data["body"],
                details=_details(data),
                applicant=_applicant(data, data["email"], data["language"]),
                channel=data["channel"],
                received_on=data["received_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Request recorded under %(ref)s; the receipt was sent to the applicant.")
                % {"ref": req.reference},
            )
            return redirect("requests:detail", reference=req.reference)
    return render(
        request, "requests/record.html", {"form": form}, status=400 if form.errors else 200
    )


# --- the request page --------------------------------------------------------------


def detail_context(
    request: HttpRequest, req: InformationRequest, bound: dict[str, Form] | None = None
) -> dict[str, Any]:
    """The request page's context; ``bound`` holds forms sent back with their errors."""
    user = request.user
    actions = selectors.available_actions(user, req)
    action_forms = REQUEST_ACTIONS.forms_for(actions, req, bound)
    context: dict[str, Any] = {
        "req": req,
        "actions": actions,
        "action_forms": action_forms,
        "timeline": selectors.timeline(user, req),
        "messages_list": selectors.messages_for(user, req),
        "attachments": selectors.attachments_for(user, req),
        "show_identity": permissions.can_see_identity(user, req),
        "is_applicant": permissions.is_applicant(user, req),
        "is_handler": permissions.handles(user, req),
        # A refused message (the request closed meanwhile) shows its form with the error.
        "can_message": permissions.may(user, "post_message", req)
        and (req.accepts_messages or "message" in (bound or {})),
        "messages_closed": permissions.may(user, "post_message", req) and not req.accepts_messages,
        "message_form": (bound or {}).get("message")
        or forms.MessageForm(applicant=permissions.is_applicant(user, req)),
        "grounds": req.refusal_grounds.all(),
        "due_explanation": selectors.due_explanation(req, get_language() or "fr"),
        # What the body's staff must do by when (templates/requests/_deadline.html).
        "deadline": selectors.deadline_status(req)
        if permissions.sees_internal_notes(user, req)
        else None,
        "successor": InformationRequest.objects.filter(transferred_from=req)
        .select_related("body")
        .first(),
    }
    for panel in DETAIL_PANELS:
        context.update(panel(request, req, bound or {}))
    return context


@login_required
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    return _page(request, _get(request, reference), None, 200)


def _page(
    request: HttpRequest, req: InformationRequest, bound: dict[str, Form] | None, status: int
) -> HttpResponse:
    return render(
        request, "requests/detail.html", detail_context(request, req, bound), status=status
    )


#: POST /requests/<reference>/do/<action>/: every action of REQUEST_ACTIONS.
act = REQUEST_ACTIONS.page_view(
    get=_get,
    page=_page,
    done=lambda req: redirect("requests:detail", reference=req.reference),
)


@login_required
@require_POST
def post_message(request: HttpRequest, reference: str) -> HttpResponse:
    req = _get(request, reference)
    if not ratelimit.hit("message", f"user:{request.user.pk}"):
        return ratelimit.too_many(request, "message")
    form = forms.MessageForm(
        request.POST, request.FILES, applicant=permissions.is_applicant(request.user, req)
    )
    status = 400
    if form.is_valid():
        try:
            services.post_message(
                request.user,
                req,
                text=form.cleaned_data["text"],
                internal=form.cleaned_data.get("internal", False),
                attachments=_uploads(form.cleaned_data["attachments"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except TransitionConflict as conflict:  # withdrawn or closed
            form.add_error(None, conflict.message)
            status = 409
        else:
            messages.success(request, _("Message sent."))
            return redirect("requests:detail", reference=req.reference)
    return render(
        request,
        "requests/detail.html",
        detail_context(request, req, {"message": form}),
        status=status,
    )


@login_required
def receipt(request: HttpRequest, reference: str) -> HttpResponse:
    req = _get(request, reference)
    if not permissions.can_see_identity(request.user, req):
        raise Http404
    return pdf_download(letters.receipt_pdf(req), letters.receipt_filename(req))


@login_required
def answer_letter(request: HttpRequest, reference: str) -> HttpResponse:
    req = _get(request, reference)
    if not req.outcome or not permissions.can_see_identity(request.user, req):
        raise Http404
    return pdf_download(letters.answer_pdf(req), letters.answer_filename(req))


@login_required
def extension_letter(request: HttpRequest, reference: str) -> HttpResponse:
    req = _get(request, reference)
    if not req.extensions_used or not permissions.can_see_identity(request.user, req):
        raise Http404
    return pdf_download(letters.extension_pdf(req), letters.extension_filename(req))


@login_required
def transfer_letter(request: HttpRequest, reference: str) -> HttpResponse:
    req = _get(request, reference)
    if req.state != State.TRANSFERRED or not permissions.can_see_identity(request.user, req):
        raise Http404
    return pdf_download(letters.transfer_pdf(req), letters.transfer_filename(req))


@login_required
def download(request: HttpRequest, reference: str, attachment_id: int) -> HttpResponseBase:
    req = _get(request, reference)
    attachment = selectors.attachments_for(request.user, req).filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return selectors.attachment_response(attachment)

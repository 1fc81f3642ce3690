"""Pages of the applicant's rights over their data: download them, ask for their erasure."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ati.accounts import permissions
from ati.core import ratelimit
from ati.core.forms import add_service_errors

from . import services
from .forms import ErasureForm
from .retention import retention_for


def _too_many(request: HttpRequest, scope: str) -> HttpResponse:
    return ratelimit.too_many(request, scope)


def account_section(request: HttpRequest) -> str:
    """The account page's section on the applicant's data (a citizen's only)."""
    if not permissions.is_citizen(request.user):
        return ""
    context = {"pending_erasure": services.pending_erasure(request.user)}
    return render_to_string("personal_data/_account_section.html", context, request=request)


@login_required
@require_POST
def export(request: HttpRequest) -> HttpResponse | FileResponse:
    """The ZIP archive of the account's data, built in a temporary file and streamed."""
    services.check_applicant(request.user)
    who = str(request.user.pk)
    if ratelimit.exceeded("export", who):
        return _too_many(request, "export")
    archive = services.export_personal_data(request.user, language=get_language() or "fr")
    ratelimit.hit("export", who)
    response = FileResponse(
        archive.file, as_attachment=True, filename=archive.filename, content_type="application/zip"
    )
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def erasure(request: HttpRequest) -> HttpResponse:
    """Until when the data must be kept, and the confirmed request to erase them."""
    user = request.user
    services.check_applicant(user)
    form = ErasureForm(request.POST or None)
    if request.method == "POST":
        if not ratelimit.hit("erasure", str(user.pk)):
            return _too_many(request, "erasure")
        if form.is_valid():
            try:
                outcome = services.request_erasure(user, password=form.cleaned_data["password"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if outcome.erased:
                    logout(request)
                    return render(
                        request, "personal_data/erasure_done.html", {"counts": outcome.counts}
                    )
                messages.warning(
                    request,
                    services.refusal_message(outcome.retention)
                    + " "
                    + _("Your request is recorded: the erasure will take place by itself then."),
                )
                return redirect("personal_data:erasure")
    context = {
        "form": form,
        "retention": retention_for(user),
        "pending": services.pending_erasure(user),
    }
    return render(
        request, "personal_data/erasure.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def cancel_erasure(request: HttpRequest) -> HttpResponse:
    if services.cancel_erasure(request.user):
        messages.success(request, _("Your erasure request is withdrawn: your data are kept."))
    else:
        messages.info(request, _("No erasure request of yours is waiting."))
    return redirect("personal_data:erasure")

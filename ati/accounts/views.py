from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from ati.personal_data.services import pending_erasure

from . import services


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        services.verify_email(token)
    except ValidationError as error:
        return render(
            request, "accounts/verify_failed.html", {"error": error.messages[0]}, status=400
        )
    messages.success(request, _("Your e-mail address is confirmed. You can now log in."))
    return redirect("account_login")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    memberships = request.user.memberships.select_related("body", "department")  # type: ignore[union-attr]
    context = {"memberships": memberships, "pending_erasure": pending_erasure(request.user)}
    return render(request, "accounts/account.html", context)


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's sign-in page sends to the site's, which throttles and asks for 2FA.

    Someone already signed in who is not an administrator is refused here: sending
    them to the sign-in page would send them straight back (a loop).
    """
    if request.user.is_authenticated:
        raise PermissionDenied
    target = reverse("account_login")
    next_url = request.GET.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target += "?" + urlencode({"next": next_url})
    return redirect(target)

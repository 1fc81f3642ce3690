from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from allauth.account.views import ConfirmEmailView as AllauthConfirmEmailView
from allauth.account.views import LoginView as AllauthLoginView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ati.core import ratelimit
from ati.core.forms import add_service_errors

from . import services, tokens
from .forms import ApiTokenForm
from .models import ApiToken


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        services.verify_email(token)
    except ValidationError as error:
        return render(
            request, "accounts/verify_failed.html", {"error": error.messages[0]}, status=400
        )
    messages.success(request, _("Your e-mail address is confirmed. You can now log in."))
    return redirect("account_login")


#: Sections that higher apps add to the account page, in order: ``section(request)`` returns
#: its HTML, or "" when it has nothing for this person. The personal-data app adds the
#: export and the erasure (its ready()); accounts sits below it (docs/architecture.md).
ACCOUNT_SECTIONS: list[Callable[[HttpRequest], str]] = []


@login_required
def account(request: HttpRequest) -> HttpResponse:
    memberships = request.user.memberships.select_related("body", "department")  # type: ignore[union-attr]
    sections = [html for section in ACCOUNT_SECTIONS if (html := section(request))]
    context = {"memberships": memberships, "sections": sections}
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


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The holder's API tokens: make one (its key shown this once), list, revoke."""
    form = ApiTokenForm(request.POST or None)
    new_key = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _token, new_key = tokens.create_token(
                    request.user,  # type: ignore[arg-type]
                    name=form.cleaned_data["name"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
                status = 400
            else:
                form = ApiTokenForm()
        else:
            status = 400
    context = {
        "form": form,
        "new_key": new_key,
        "tokens": tokens.tokens_of(request.user),  # type: ignore[arg-type]
        "days": settings.ATI_API_TOKEN_DAYS,
    }
    response = render(request, "accounts/api_tokens.html", context, status=status)
    if new_key:
        response["Cache-Control"] = "no-store"  # the key must not stay in a cache
    return response


@login_required
@require_POST
def revoke_api_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    tokens.revoke_token(request.user, token)  # type: ignore[arg-type]
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("accounts:api_tokens")


class ConfirmEmailView(AllauthConfirmEmailView):
    """Confirming an address asks for the account's password (closes pre-hijacking).

    Someone who registers another person's address gets a confirmation e-mail sent to
    that person; if the owner clicked "Confirm", the account would be confirmed with the
    stranger's password. Only the one who chose the password can confirm; the owner, who
    does not know it, resets it from the same page ("forgot your password"), which
    confirms the address with the owner's own password. Failed attempts are throttled.
    """

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        confirmation = self.get_object()
        user = confirmation.email_address.user
        key = f"user:{user.pk}"
        if ratelimit.exceeded("login-email", key):
            return ratelimit.too_many(self.request, "login-email")
        if not user.check_password(self.request.POST.get("password", "")):
            ratelimit.hit("login-email", key)
            self.object = confirmation
            context = self.get_context_data(
                password_error=_(
                    "This is not the password chosen for this account. If you did not "
                    "create it, or forgot the password, choose a new one below."
                )
            )
            return self.render_to_response(context, status=400)
        return super().post(*args, **kwargs)


class LoginView(AllauthLoginView):
    """allauth's sign-in, answering 429 with `Retry-After` once an account or an address
    failed too often (the counters every process shares, ati/core/ratelimit.py; the
    adapter counts the failures), rather than a form error that says nothing of when."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        email = str(request.POST.get("login", "")).strip().lower()
        refused = [
            scope
            for scope, who in (
                ("login-email", email),
                ("login-ip", ratelimit.client_address(request)),
            )
            if who and ratelimit.exceeded(scope, who)
        ]
        if refused:
            return ratelimit.too_many(request, *refused)
        return super().post(request, *args, **kwargs)

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ati.core import ratelimit
from ati.core.forms import add_service_errors
from ati.personal_data.services import pending_erasure

from . import services
from .forms import EmailAuthenticationForm, RegistrationForm


def too_many(request: HttpRequest, *scopes: str) -> HttpResponse:
    return ratelimit.too_many(request, *scopes)


class LoginView(auth_views.LoginView):
    """Sign-in, throttled: failed attempts are counted per account and per address."""

    form_class = EmailAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def _who(self) -> tuple[str, str]:
        email = str(self.request.POST.get("username", "")).strip().lower()
        return email, ratelimit.client_address(self.request)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        email, address = self._who()
        refused = [
            scope
            for scope, who in (("login-email", email), ("login-ip", address))
            if ratelimit.exceeded(scope, who)
        ]
        if refused:  # Retry-After: when the counters that refused allow again
            return too_many(request, *refused)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        email, address = self._who()
        ratelimit.hit("login-email", email)
        ratelimit.hit("login-ip", address)
        return super().form_invalid(form)


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    form = RegistrationForm(
        request.POST or None, initial={"preferred_language": (get_language() or "fr")[:2]}
    )
    if request.method == "POST" and not ratelimit.hit(
        "register", ratelimit.client_address(request)
    ):
        return too_many(request, "register")
    if request.method == "POST" and form.is_valid():
        try:
            services.register_citizen(
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
                preferred_language=form.cleaned_data["preferred_language"],
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return render(
                request, "accounts/register_done.html", {"email": form.cleaned_data["email"]}
            )
    return render(
        request, "accounts/register.html", {"form": form}, status=400 if form.errors else 200
    )


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        services.verify_email(token)
    except ValidationError as error:
        return render(
            request, "accounts/verify_failed.html", {"error": error.messages[0]}, status=400
        )
    messages.success(request, _("Your e-mail address is confirmed. You can now log in."))
    return redirect("accounts:login")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    memberships = request.user.memberships.select_related("body", "department")  # type: ignore[union-attr]
    context = {"memberships": memberships, "pending_erasure": pending_erasure(request.user)}
    return render(request, "accounts/account.html", context)

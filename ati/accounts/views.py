from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import services
from .forms import EmailAuthenticationForm, RegistrationForm


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    form = RegistrationForm(
        request.POST or None, initial={"preferred_language": (get_language() or "fr")[:2]}
    )
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
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
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
    return render(request, "accounts/account.html", {"memberships": memberships})

"""Staff sign in with two factors: one who has none yet may only set one up.

allauth asks for the second factor at sign-in whenever the account has one; what
it does not do is require one. This middleware does: an officer, department
staff member, head of body, commission member or administrator (when
ATI_MFA_REQUIRED_FOR_STAFF, the default) whose account has no authenticator app
is sent to enrol one, from any page, before anything else (docs/security.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .adapter import mfa_required

#: Pages an unenrolled staff member may open: enrolment itself, its recovery codes,
#: signing in again (allauth asks before enrolment), signing out, the language.
OPEN_WITHOUT_MFA = frozenset(
    {
        "mfa_activate_totp",
        "mfa_view_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_reauthenticate",
        "account_reauthenticate",
        "account_logout",
        "set_language",
    }
)
SESSION_KEY = "ati.mfa_enrolled"


def has_second_factor(user: Any) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


class StaffMFAMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if not mfa_required(user):
            return None
        # Remembered per session once seen: one query per session, not per page.
        if request.session.get(SESSION_KEY) == user.pk:  # type: ignore[union-attr]
            return None
        if has_second_factor(user):
            request.session[SESSION_KEY] = user.pk  # type: ignore[union-attr]
            return None
        match = request.resolver_match
        if match is not None and match.url_name in OPEN_WITHOUT_MFA:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": _("Set up two-factor authentication before using the API.")},
                status=403,
            )
        messages.info(
            request,
            _(
                "Your role requires two-factor authentication. Set up an authenticator "
                "app to continue."
            ),
        )
        return redirect("mfa_activate_totp")

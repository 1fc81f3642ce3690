"""Response headers and session lifetimes that every page gets.

Content-Security-Policy: scripts and styles only from this site, never inline,
so that text an attacker manages to slip into a page cannot run. Responses
that set their own policy (downloads: `default-src 'none'; sandbox`) keep it.
The API's browsable documentation is no exception: Swagger UI is served from
this site's static files (drf-spectacular-sidecar), under the same policy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def shorten_staff_session(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """People who work on requests see identities: their sessions end sooner.

    Connected to `user_logged_in`: citizens keep SESSION_COOKIE_AGE; everyone
    else's session lasts ATI_STAFF_SESSION_SECONDS from sign-in. Set once at
    sign-in, so that pages do not write the session on every request.
    """
    if getattr(user, "role", "citizen") != "citizen" and hasattr(request, "session"):
        request.session.set_expiry(settings.ATI_STAFF_SESSION_SECONDS)

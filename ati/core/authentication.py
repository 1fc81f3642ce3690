"""The API's session authentication: DRF's, with its CSRF refusal in the caller's language.

DRF refuses a session-signed write without its CSRF token with Django's reason in
English ("CSRF Failed: CSRF token missing."). An integrator reading the message
needs to know what to send instead, in the language they asked for.
Kept apart from ati/core/api.py: DRF imports the authentication classes while it
builds its views, before drf-spectacular (imported there) can be.
"""

from __future__ import annotations

from typing import Any

from django.middleware import csrf
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions


def csrf_message(reason: str) -> str:
    """A refusal's reason, as Django's CSRF check gives it, said for an API client."""
    if reason.startswith(("Origin checking failed", "Referer checking failed")) or reason in {
        csrf.REASON_NO_REFERER,
        csrf.REASON_MALFORMED_REFERER,
        csrf.REASON_INSECURE_REFERER,
    }:  # the prefixes: REASON_BAD_ORIGIN and REASON_BAD_REFERER, formatted with the origin
        return _("The CSRF check failed: this call does not come from this site.")
    return _(
        "This call is signed by a session: send its CSRF token in the X-CSRFToken header, "
        "or sign the call with a token (Authorization: Token …)."
    )


class SessionAuthentication(authentication.SessionAuthentication):
    def enforce_csrf(self, request: Any) -> None:
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied as refusal:
            reason = str(refusal.detail).removeprefix("CSRF Failed: ")
            raise exceptions.PermissionDenied(csrf_message(reason)) from None

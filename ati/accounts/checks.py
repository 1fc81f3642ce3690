"""Deploy checks for accounts (`manage.py check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def staff_mfa_required(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Staff see applicants' identities: a password alone must not open that in production."""
    if settings.DEBUG or getattr(settings, "ATI_MFA_REQUIRED_FOR_STAFF", True):
        return []
    return [
        Error(
            "ATI_MFA_REQUIRED_FOR_STAFF is off: staff could sign in with a password alone.",
            hint="Unset ATI_MFA_REQUIRED_FOR_STAFF (it defaults to on).",
            id="accounts.E001",
        )
    ]

"""The e-mail that confirms an account's address, through the outbox.

Registered with accounts (`VERIFICATION_SENDERS`) in this app's ready(): accounts
sits below notifications (docs/architecture.md) and cannot call the outbox itself.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from .services import queue_notification, render_template


def send_verification(user: Any, link: str) -> None:
    language = user.preferred_language
    with translation.override(language):
        subject = _("Confirm your e-mail address")
    # E-mail only (no inbox item): the link is for the address, not the account.
    queue_notification(
        "account.verify_email",
        email=user.email,
        language=language,
        related=user,
        rendered=render_template(
            "accounts/email/verify.txt", {"user": user, "link": link}, language, subject
        ),
    )

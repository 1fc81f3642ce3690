"""How allauth fits ati: citizens only sign up, the shared rate limits, staff keep 2FA.

allauth does the work of the account pages (sign-up with a confirmed address, sign-in,
password reset, e-mail changes, two-factor authentication); these adapters only say what
is particular to ati. See docs/security.md, "Accounts".
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest

from ati.audit.services import record
from ati.core import ratelimit

from .models import Role


def _login_keys(request: HttpRequest, credentials: dict[str, Any]) -> tuple[str, str]:
    email = str(credentials.get("email") or credentials.get("username") or "").strip().lower()
    return email, ratelimit.client_address(request)


def mfa_required(user: Any) -> bool:
    """Whether this person must sign in with a second factor (every role but citizen)."""
    return bool(
        settings.ATI_MFA_REQUIRED_FOR_STAFF
        and getattr(user, "is_authenticated", False)
        and (user.role != Role.CITIZEN or user.is_superuser)
    )


def had_authenticator_before(user: Any, moment: dt.datetime) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user_id=user.pk, created_at__lt=moment).exists()


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        # The same address the rest of ati counts (ATI_BEHIND_PROXY says whom to trust).
        return ratelimit.client_address(request) or "0.0.0.0"  # noqa: S104 - a key, not a bind

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Refuse before the password is checked once an account or address failed too often.

        allauth counts in the "default" cache, which is per process; these counters are
        shared by every process (ati/core/ratelimit.py), so that N processes do not give
        an attacker N times the attempts.
        """
        email, address = _login_keys(request, credentials)
        if ratelimit.exceeded("login-email", email) or ratelimit.exceeded("login-ip", address):
            raise self.validation_error("too_many_login_attempts")
        super().pre_authenticate(request, **credentials)

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        email, address = _login_keys(request, credentials)
        ratelimit.hit("login-email", email)
        ratelimit.hit("login-ip", address)
        super().authentication_failed(request, **credentials)

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        """Whoever signs up is a citizen: staff accounts are made by an administrator."""
        user.role = Role.CITIZEN
        user.is_staff = user.is_superuser = False
        user.email_verified = False
        data = form.cleaned_data
        user.full_name = str(data.get("full_name", "")).strip()
        user.preferred_language = data.get("preferred_language") or "fr"
        # allauth records the address itself, unconfirmed (ati.accounts.receivers).
        user._allauth_records_the_address = True
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=commit)
            if commit:
                # No e-mail in the event: the log outlives the account (User.audit_label).
                record("account.registered", actor=user, obj=user, after={"role": user.role})
        return user

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """A staff member enrolling just after signing in is not asked for the password again.

        allauth asks for the password again before any change to two-factor settings; on
        the guided first sign-in (the password typed moments ago, no authenticator older
        than that sign-in) that would be the same password twice in a row, before the app
        and again before the recovery codes. Changes later, or on an account that had a
        second factor before this sign-in, still ask.
        """
        required = super().is_reauthentication_required(app=app, **kwargs)
        if not required or app != "allauth.mfa":
            return required
        request = context.request
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return required
        timeout = account_settings.REAUTHENTICATION_TIMEOUT
        signed_in = [
            r.get("at", 0)
            for r in get_authentication_records(request, user)
            if r.get("method") == "password" and time.time() - r.get("at", 0) < timeout
        ]
        if not signed_in:
            return required
        since = dt.datetime.fromtimestamp(max(signed_in), tz=dt.UTC)
        return had_authenticator_before(user, since)

    def clean_email(self, email: str) -> str:
        return super().clean_email(email.strip().lower())


class MFAAdapter(DefaultMFAAdapter):
    def get_totp_label(self, user: Any) -> str:
        return str(user.email)

    def can_delete_authenticator(self, authenticator: Any) -> bool:
        """Staff cannot turn their second factor off (they may replace it: see the docs)."""
        return not mfa_required(authenticator.user)


def user_display(user: Any) -> str:
    """How allauth's pages name an account (ACCOUNT_USER_DISPLAY): by the name it was given.

    The confirmation page then says whose account the address would confirm: an owner
    shown a stranger's name on their address sees that someone else registered it.
    """
    return str(user.full_name or user.email)

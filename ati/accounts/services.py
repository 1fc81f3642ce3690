"""Writes about accounts: registration, e-mail verification, staff accounts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ati.audit.services import record

from . import permissions
from .models import STAFF_ROLES, Role, User

VERIFY_SALT = "ati.accounts.verify-email"


def register_citizen(
    *,
    email: str,
    full_name: str,
    password: str,
    preferred_language: str = "fr",
    base_url: str = "",
) -> User:
    """A person registers as a citizen; the account works once the e-mail is verified."""
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("An account with this e-mail address already exists.")})
    with transaction.atomic():
        user = User(
            email=email,
            full_name=full_name.strip(),
            role=Role.CITIZEN,
            preferred_language=preferred_language,
        )
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        # No e-mail in the event: the log outlives the account (User.audit_label).
        record("account.registered", actor=user, obj=user, after={"role": user.role})
        transaction.on_commit(lambda: send_verification_email(user, base_url=base_url))
    return user


def make_verification_token(user: User) -> str:
    return signing.TimestampSigner(salt=VERIFY_SALT).sign_object({"u": user.pk, "e": user.email})


#: How the verification e-mail leaves: ``send(user, link)``. The notifications app, above
#: accounts (docs/architecture.md), registers its outbox in its ready(): the notice is
#: written in the caller's transaction and delivered after commit, with retries.
VERIFICATION_SENDERS: list[Callable[[User, str], None]] = []


def send_verification_email(user: User, *, base_url: str = "") -> None:
    token = make_verification_token(user)
    link = base_url.rstrip("/") + reverse("accounts:verify_email", args=[token])
    for send in VERIFICATION_SENDERS:
        send(user, link)


def verify_email(token: str) -> User:
    """Mark the address as verified. Raises ValidationError for a bad or expired link."""
    try:
        data = signing.TimestampSigner(salt=VERIFY_SALT).unsign_object(
            token, max_age=settings.PASSWORD_RESET_TIMEOUT
        )
    except signing.SignatureExpired as exc:
        raise ValidationError(_("This confirmation link has expired; ask for a new one.")) from exc
    except signing.BadSignature as exc:
        raise ValidationError(_("This confirmation link is not valid.")) from exc
    with transaction.atomic():
        user = (
            User.objects.select_for_update().filter(pk=data.get("u"), email=data.get("e")).first()
        )
        if user is None:
            raise ValidationError(_("This confirmation link is not valid."))
        if not user.email_verified:
            user.email_verified = True
            user.save(update_fields=["email_verified"])
            record("account.email_verified", actor=user, obj=user)
    return user


def create_staff_account(
    actor: Any,
    *,
    email: str,
    full_name: str,
    role: str,
    password: str | None = None,
    preferred_language: str = "fr",
) -> User:
    """Administrators create accounts for officers, staff, heads and commission members."""
    if not permissions.can_manage_accounts(actor):
        raise PermissionDenied(_("Only an administrator can create staff accounts."))
    if role not in Role.values:
        raise ValidationError(
            {
                "role": _("Unknown role %(role)r: choose one of %(roles)s.")
                % {"role": role, "roles": ", ".join(Role.values)}
            }
        )
    if role not in STAFF_ROLES:
        raise ValidationError({"role": _("Citizens register themselves; choose a staff role.")})
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("An account with this e-mail address already exists.")})
    with transaction.atomic():
        user = User(
            email=email,
            full_name=full_name,
            role=role,
            email_verified=True,
            preferred_language=preferred_language,
            is_staff=role == Role.ADMINISTRATOR,
            is_superuser=role == Role.ADMINISTRATOR,
        )
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        record("account.created", actor=actor, obj=user, after={"email": email, "role": role})
    return user


def unverified_accounts(days: int) -> Any:
    """Citizens' accounts whose address nobody confirmed within `days` days.

    Such an account never signed in (allauth refuses it), so it holds nothing but the
    details typed at sign-up: a name and an address that may not even be the typist's.
    """
    from allauth.account.models import EmailAddress

    limit = timezone.now() - dt.timedelta(days=days)
    confirmed = EmailAddress.objects.filter(verified=True).values("user_id")
    return (
        User.objects.filter(
            role=Role.CITIZEN,
            email_verified=False,
            is_superuser=False,
            last_login__isnull=True,
            date_joined__lt=limit,
        )
        .exclude(pk__in=confirmed)
        .order_by("pk")
    )


def remove_unverified_accounts(*, days: int | None = None, dry_run: bool = False) -> list[int]:
    """Delete the accounts of `unverified_accounts`; the ids removed (or that would be)."""
    days = settings.ATI_UNVERIFIED_ACCOUNT_DAYS if days is None else days
    removed: list[int] = []
    for user in unverified_accounts(days):
        if dry_run:
            removed.append(user.pk)
            continue
        try:
            with transaction.atomic():
                pk = user.pk
                # By number only: the log outlives the account (User.audit_label).
                record(
                    "account.removed_unverified",
                    obj=user,
                    after={"days": days},
                    reason=f"address not confirmed within {days} days",
                )
                user.delete()
        except ProtectedError:
            continue  # something refers to it after all: keep it, an administrator decides
        removed.append(pk)
    return removed


def enrol_authenticator_app(user: User, secret: str, *, reason: str = "") -> None:
    """Give an account an authenticator app with a known secret (the demo; operators).

    People enrol themselves on their first sign-in (allauth's page); this is for
    accounts whose secret is handed over another way, such as the demo's published one.
    """
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    with transaction.atomic():
        if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            return
        TOTP.activate(user, secret)
        record("account.mfa_enrolled", actor=user, obj=user, reason=reason)


def erase_sign_in_data(user: User) -> None:
    """What lets the account sign in or be found by its address: for its erasure.

    Its API tokens, its allauth addresses (and their confirmations) and second factors.
    The caller then saves the account with its masked address, which gets a new row.
    """
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from .tokens import delete_tokens_of

    delete_tokens_of(user)
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()

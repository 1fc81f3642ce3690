"""Keeping allauth's e-mail addresses and ati's accounts in step.

Every path that makes or changes an account (the manager, the admin, staff
creation, the demo, factories) saves a `User`; allauth decides whether someone
may sign in from its own `EmailAddress` rows. One receiver keeps the two in
step, so that no path can forget it (a staff account made by an administrator
is confirmed; a citizen's is confirmed once the link is followed).
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed, password_reset
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from ati.audit.services import record

from .models import User

#: Saves that touch neither field leave the addresses alone (e.g. last_login at each sign-in).
WATCHED = {"email", "email_verified"}


@receiver(post_save, sender=User, dispatch_uid="ati.accounts.sync_email_address")
def sync_email_address(
    sender: Any, instance: User, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    update_fields = kwargs.get("update_fields")
    if raw or (update_fields is not None and not WATCHED & set(update_fields)):
        return
    if getattr(instance, "_allauth_records_the_address", False):
        return  # a sign-up: allauth's own flow adds the (unconfirmed) address next
    email = instance.email.strip().lower()
    addresses = EmailAddress.objects.filter(user=instance)
    address = addresses.filter(email__iexact=email).first()
    if address is None:
        addresses.filter(primary=True).update(primary=False)
        EmailAddress.objects.create(
            user=instance, email=email, primary=True, verified=instance.email_verified
        )
        return
    changes = {}
    if not address.primary:
        addresses.exclude(pk=address.pk).filter(primary=True).update(primary=False)
        changes["primary"] = True
    if instance.email_verified and not address.verified:
        changes["verified"] = True
    if changes:
        addresses.filter(pk=address.pk).update(**changes)


@receiver(email_confirmed, dispatch_uid="ati.accounts.email_confirmed")
def mark_account_verified(request: Any, email_address: EmailAddress, **kwargs: Any) -> None:
    user = email_address.user
    with transaction.atomic():
        is_the_accounts = email_address.email.lower() == user.email.lower()
        if (email_address.primary or is_the_accounts) and not user.email_verified:
            user.email_verified = True
            user.save(update_fields=["email_verified"])
        record("account.email_verified", actor=user, obj=user)


@receiver(password_reset, dispatch_uid="ati.accounts.password_reset")
def password_was_reset(request: Any, user: User, **kwargs: Any) -> None:
    """The reset link reached the mailbox: whoever followed it owns the address.

    This is also the end of a pre-hijacking attempt: an account someone else made
    with this address now has the owner's password, and is confirmed for the owner.
    """
    with transaction.atomic():
        EmailAddress.objects.filter(user=user, email__iexact=user.email).update(verified=True)
        if not user.email_verified:
            user.email_verified = True
            user.save(update_fields=["email_verified"])
        record("account.password_reset", actor=user, obj=user)


@receiver(authenticator_added, dispatch_uid="ati.accounts.authenticator_added")
def authenticator_was_added(request: Any, user: User, authenticator: Any, **kwargs: Any) -> None:
    record("account.mfa_enrolled", actor=user, obj=user, after={"type": authenticator.type})


@receiver(authenticator_removed, dispatch_uid="ati.accounts.authenticator_removed")
def authenticator_was_removed(request: Any, user: User, authenticator: Any, **kwargs: Any) -> None:
    record("account.mfa_removed", actor=user, obj=user, after={"type": authenticator.type})


@receiver(authenticator_reset, dispatch_uid="ati.accounts.authenticator_reset")
def authenticator_was_reset(request: Any, user: User, authenticator: Any, **kwargs: Any) -> None:
    record("account.mfa_reset", actor=user, obj=user, after={"type": authenticator.type})

"""Citizens register with their e-mail, confirm it, then log in (issues #2 § 4 and #17).

Registration, confirmation and sign-in are allauth's (ACCOUNT_EMAIL_VERIFICATION =
"mandatory", sign-in by e-mail); these tests pin what ati asks of them.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from ati.accounts import services
from ati.accounts.models import Role, User
from ati.audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "un mot de passe solide 2026"


def _register(client, email="fatima@example.org", password=PASSWORD, name="Fatima Zahra"):
    return client.post(
        "/accounts/signup/",
        {
            "full_name": name,
            "email": email,
            "preferred_language": "ar",
            "password1": password,
            "password2": password,
        },
    )


def _log_in(client, email, password=PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def _link(message, kind="confirm-email"):
    return re.search(rf"https?://\S+/accounts/{kind}/\S+/", message.body).group(0)


def test_citizen_registers_verifies_email_then_logs_in(client):
    response = _register(client)
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="fatima@example.org")
    assert user.role == Role.CITIZEN and not user.email_verified
    assert user.full_name == "Fatima Zahra" and user.preferred_language == "ar"
    assert not user.is_staff and not user.is_superuser

    # Not before the address is confirmed.
    refused = _log_in(client, user.email)
    assert not refused.wsgi_request.user.is_authenticated

    assert mail.outbox[0].to == ["fatima@example.org"]
    link = _link(mail.outbox[0])
    assert client.get(link).status_code == 200  # a page with a button: no change on GET
    assert not User.objects.get(pk=user.pk).email_verified
    # Confirming needs the password chosen at registration (pre-hijacking, below).
    assert client.post(link, {"password": "not it"}).status_code == 400
    assert not User.objects.get(pk=user.pk).email_verified
    assert client.post(link, {"password": PASSWORD}).status_code == 302
    user.refresh_from_db()
    assert user.email_verified
    assert EmailAddress.objects.get(user=user).verified

    response = _log_in(client, "Fatima@Example.org")
    assert response.status_code == 302 and response.wsgi_request.user == user
    assert AuditEvent.objects.filter(action="account.registered", object_id=str(user.pk)).exists()
    assert AuditEvent.objects.filter(
        action="account.email_verified", object_id=str(user.pk)
    ).exists()


def test_registering_an_address_that_has_an_account_says_the_same_and_tells_the_owner(client):
    """Enumeration: the page never says whether an address has an account."""
    owner = UserFactory(email="fatima@example.org", password=PASSWORD)
    first = _register(client, email="new@example.org")
    again = _register(client, email="FATIMA@example.org", password="autre mot de passe 2026")
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == "/accounts/confirm-email/"
    assert User.objects.filter(email__iexact="fatima@example.org").count() == 1
    told = [m for m in mail.outbox if m.to == ["fatima@example.org"]]
    assert len(told) == 1 and "/accounts/password/reset/" in told[0].body
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


def test_pre_hijacking_an_address_leaves_the_attacker_nothing(client, settings):
    """An attacker registers the victim's address before the victim does.

    The account cannot be used before the address is confirmed; the victim, told by
    e-mail that the address has an account, resets the password: the attacker's
    password no longer opens it, the victim's does, and the address is confirmed.
    """
    attacker_password = "le mot de passe de l'attaquant 7"
    _register(client, email="victim@example.org", password=attacker_password, name="Pirate")
    account = User.objects.get(email="victim@example.org")
    # The confirmation page names the account: the owner sees a stranger's name. And the
    # owner, who clicks "Confirm" anyway, cannot: confirming asks for the account's
    # password, which only the attacker knows. The page offers to choose a new one.
    link = _link(mail.outbox[0])
    assert "Pirate" in client.get(link).content.decode()
    owner = type(client)()
    refused = owner.post(link, {"password": "what the owner would try"})
    assert refused.status_code == 400 and "/accounts/password/reset/" in refused.content.decode()
    assert not EmailAddress.objects.get(user=account).verified
    assert not _log_in(
        client, "victim@example.org", attacker_password
    ).wsgi_request.user.is_authenticated

    victim = type(client)()
    mail.outbox.clear()
    # Later (allauth sends one e-mail per address every three minutes), the victim registers
    # too: the same answer, and an e-mail saying the address has an account.
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10), tick=False):
        assert _register(victim, email="victim@example.org").status_code == 302
        assert len(mail.outbox) == 1
        mail.outbox.clear()
        response = victim.post("/accounts/password/reset/", {"email": "victim@example.org"})
        assert response.status_code == 302
        link = _link(mail.outbox[0], "password/reset/key")
        form_page = victim.get(link)  # allauth moves the key into the session, then redirects
        assert form_page.status_code == 302
        new = "le mot de passe de la victime 9"
        done = victim.post(form_page["Location"], {"password1": new, "password2": new})
        assert done.status_code == 302

        account.refresh_from_db()
        assert account.email_verified and EmailAddress.objects.get(user=account).verified
        attacker = type(client)()
        assert not _log_in(
            attacker, "victim@example.org", attacker_password
        ).wsgi_request.user.is_authenticated
        assert _log_in(victim, "victim@example.org", new).wsgi_request.user == account


def test_password_reset_never_says_whether_an_address_has_an_account(client):
    UserFactory(email="known@example.org")
    known = client.post("/accounts/password/reset/", {"email": "known@example.org"})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_the_former_registration_address_leads_to_the_new_one(client):
    response = client.get("/accounts/register/?next=/requests/new/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/signup/?next=/requests/new/"


def test_a_link_from_the_former_registration_still_confirms(client):
    user = services.register_citizen(email="old@example.org", full_name="O", password=PASSWORD)
    response = client.get(f"/accounts/verify/{services.make_verification_token(user)}/")
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email_verified and EmailAddress.objects.get(user=user).verified
    assert _log_in(client, "old@example.org").wsgi_request.user == user


def test_a_tampered_verification_link_is_refused(client):
    user = services.register_citizen(email="b@example.org", full_name="B", password=PASSWORD)
    token = services.make_verification_token(user)
    response = client.get(f"/accounts/verify/{token[:-2]}xx/")
    assert response.status_code == 400
    user.refresh_from_db()
    assert not user.email_verified


def test_mismatched_passwords_are_a_form_error(client):
    response = client.post(
        "/accounts/signup/",
        {
            "full_name": "X",
            "email": "x@example.org",
            "preferred_language": "fr",
            "password1": PASSWORD,
            "password2": PASSWORD + "!",
        },
    )
    assert response.status_code == 200 and "form" in response.context
    assert not User.objects.exists()


def test_every_account_made_before_allauth_keeps_its_address():
    """The data migration: an address per account, confirmed as the account was."""
    verified = UserFactory(email="staff@example.org", role=Role.OFFICER)
    unconfirmed = UserFactory(email="new@example.org", email_verified=False)
    EmailAddress.objects.all().delete()  # as before the migration
    migration = importlib.import_module("ati.accounts.migrations.0002_allauth_email_addresses")
    migration.add_addresses(apps, None)
    migration.add_addresses(apps, None)  # twice: nothing doubled
    rows = {a.user_id: a for a in EmailAddress.objects.all()}
    assert set(rows) == {verified.pk, unconfirmed.pk}
    assert rows[verified.pk].verified and rows[verified.pk].primary
    assert not rows[unconfirmed.pk].verified


def test_only_an_administrator_creates_staff_accounts(officer, administrator):
    with pytest.raises(PermissionDenied):
        services.create_staff_account(
            officer, email="o@example.org", full_name="O", role=Role.OFFICER
        )
    user = services.create_staff_account(
        administrator, email="o@example.org", full_name="O", role=Role.OFFICER
    )
    assert user.role == Role.OFFICER and user.email_verified
    assert EmailAddress.objects.get(user=user).verified
    assert AuditEvent.objects.filter(action="account.created", actor=administrator).exists()


def test_an_unknown_role_is_refused_with_a_clear_message(administrator):
    with pytest.raises(ValidationError) as excinfo:
        services.create_staff_account(
            administrator, email="q@example.org", full_name="Q", role="superhero"
        )
    assert "superhero" in str(excinfo.value)
    with pytest.raises(ValidationError):
        User(email="r@example.org", full_name="R", role="superhero").save()
    assert not User.objects.filter(email__in=["q@example.org", "r@example.org"]).exists()


def test_signing_in_before_confirming_sends_the_link_again(client):
    _register(client, email="late@example.org")
    assert len(mail.outbox) == 1
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10), tick=False):
        again = type(client)()
        response = _log_in(again, "late@example.org")
        assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
        assert not response.wsgi_request.user.is_authenticated
        assert len(mail.outbox) == 2 and mail.outbox[1].to == ["late@example.org"]
        assert "/accounts/confirm-email/" in mail.outbox[1].body

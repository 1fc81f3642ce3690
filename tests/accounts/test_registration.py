"""Citizens register with their e-mail, confirm it, then log in (issue #2 § 4)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from ati.accounts import services
from ati.accounts.models import Role, User
from ati.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "un mot de passe solide 2026"


def _register(client, email="fatima@example.org"):
    return client.post(
        "/accounts/register/",
        {
            "full_name": "Fatima Zahra",
            "email": email,
            "preferred_language": "ar",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


def test_citizen_registers_verifies_email_then_logs_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _register(client)
    assert response.status_code == 200
    user = User.objects.get(email="fatima@example.org")
    assert user.role == Role.CITIZEN and not user.email_verified

    # Not before the address is confirmed.
    refused = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert refused.status_code == 200 and not refused.wsgi_request.user.is_authenticated

    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["fatima@example.org"]
    link = re.search(r"https?://\S+/accounts/verify/\S+/", mail.outbox[0].body).group(0)
    assert client.get(link).status_code == 302
    user.refresh_from_db()
    assert user.email_verified

    response = client.post(
        "/accounts/login/", {"username": "Fatima@Example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(
        action="account.email_verified", object_id=str(user.pk)
    ).exists()


def test_verification_email_is_in_the_applicants_language(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.register_citizen(
            email="a@example.org", full_name="A B", password=PASSWORD, preferred_language="en"
        )
    assert mail.outbox[0].subject == "Confirm your e-mail address"


def test_a_tampered_verification_link_is_refused(client):
    user = services.register_citizen(email="b@example.org", full_name="B", password=PASSWORD)
    token = services.make_verification_token(user)
    response = client.get(f"/accounts/verify/{token[:-2]}xx/")
    assert response.status_code == 400
    user.refresh_from_db()
    assert not user.email_verified


def test_registering_twice_with_one_address_is_refused_with_a_message(client):
    _register(client)
    response = _register(client, email="FATIMA@example.org")
    assert response.status_code == 400
    assert "existe déjà" in response.content.decode()
    assert User.objects.count() == 1


def test_mismatched_passwords_are_a_form_error(client):
    response = client.post(
        "/accounts/register/",
        {
            "full_name": "X",
            "email": "x@example.org",
            "preferred_language": "fr",
            "password1": PASSWORD,
            "password2": PASSWORD + "!",
        },
    )
    assert response.status_code == 400
    assert not User.objects.exists()


def test_only_an_administrator_creates_staff_accounts(officer, administrator):
    with pytest.raises(PermissionDenied):
        services.create_staff_account(
            officer, email="o@example.org", full_name="O", role=Role.OFFICER
        )
    user = services.create_staff_account(
        administrator, email="o@example.org", full_name="O", role=Role.OFFICER
    )
    assert user.role == Role.OFFICER and user.email_verified
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

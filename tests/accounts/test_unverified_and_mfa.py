"""Unconfirmed accounts go away; staff sign in with two factors; the admin's door (issue 17)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from ati.accounts.checks import staff_mfa_required
from ati.accounts.models import Role, User
from ati.audit.models import AuditEvent
from tests.factories import TEST_TOTP_SECRET, UserFactory, totp_code

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def _old(days: int, **kw) -> User:
    user = UserFactory(email_verified=False, **kw)
    User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - dt.timedelta(days=days))
    return user


# --- unconfirmed accounts --------------------------------------------------------------


def test_unconfirmed_accounts_are_removed_after_the_delay(capsys):
    stale = _old(8)
    recent = _old(6)
    confirmed = UserFactory()
    User.objects.filter(pk=confirmed.pk).update(date_joined=timezone.now() - dt.timedelta(days=30))
    call_command("remove_unverified_accounts", "--dry-run")
    assert "would remove: 1 accounts" in capsys.readouterr().out
    assert User.objects.filter(pk=stale.pk).exists()

    call_command("remove_unverified_accounts")
    assert "removed: 1 accounts" in capsys.readouterr().out
    assert set(User.objects.values_list("pk", flat=True)) == {recent.pk, confirmed.pk}
    event = AuditEvent.objects.get(action="account.removed_unverified")
    assert event.object_id == str(stale.pk) and "@" not in event.object_repr

    call_command("remove_unverified_accounts", "--days", "5")
    assert not User.objects.filter(pk=recent.pk).exists()


def test_staff_and_accounts_that_signed_in_are_never_removed():
    staff = _old(30, role=Role.OFFICER)
    signed_in = _old(30)
    User.objects.filter(pk=signed_in.pk).update(last_login=timezone.now())
    call_command("remove_unverified_accounts")
    assert User.objects.filter(pk__in=[staff.pk, signed_in.pk]).count() == 2


def test_beat_removes_unconfirmed_accounts_daily():
    from ati.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["remove-unverified-accounts"]
    assert entry["task"] == "accounts.remove_unverified_accounts"
    app.loader.import_default_modules()
    assert "accounts.remove_unverified_accounts" in app.tasks


# --- two-factor authentication for staff -------------------------------------------------


def _password_step(client, user):
    return client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})


@pytest.mark.parametrize(
    "role",
    [
        Role.OFFICER,
        Role.DEPARTMENT_STAFF,
        Role.HEAD_OF_BODY,
        Role.COMMISSION_MEMBER,
        Role.ADMINISTRATOR,
    ],
)
def test_staff_without_2fa_are_sent_to_enrolment_before_any_page(client, role):
    user = UserFactory(role=role, mfa=False, is_staff=role == Role.ADMINISTRATOR)
    response = _password_step(client, user)
    assert response.status_code == 302 and response.wsgi_request.user == user
    for page in ["/", "/requests/mine/", "/accounts/me/", "/admin/"]:
        got = client.get(page)
        assert got.status_code == 302 and got["Location"] == "/accounts/2fa/totp/activate/", page
    assert client.get("/api/v1/requests/").status_code == 403
    # Enrolment: the page shows the secret; the app's code activates it.
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = page.context["form"].secret
    done = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert done.status_code == 302
    assert Authenticator.objects.filter(user=user, type="totp").exists()
    assert client.get("/accounts/me/").status_code == 200


def test_staff_with_2fa_are_asked_for_the_code(client, officer):
    response = _password_step(client, officer)
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
    assert not response.wsgi_request.user.is_authenticated
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert not wrong.wsgi_request.user.is_authenticated
    right = client.post("/accounts/2fa/authenticate/", {"code": totp_code(TEST_TOTP_SECRET)})
    assert right.status_code == 302 and right.wsgi_request.user == officer


def test_citizens_sign_in_with_a_password_alone(client, citizen):
    response = _password_step(client, citizen)
    assert response.status_code == 302 and response.wsgi_request.user == citizen
    assert client.get("/requests/mine/").status_code == 200


def test_staff_cannot_turn_2fa_off(client, officer):
    from allauth.mfa.adapter import get_adapter

    authenticator = Authenticator.objects.get(user=officer, type="totp")
    assert not get_adapter().can_delete_authenticator(authenticator)


def test_the_requirement_can_be_switched_off_for_development_only(settings, client):
    user = UserFactory(role=Role.OFFICER, mfa=False)
    settings.ATI_MFA_REQUIRED_FOR_STAFF = False
    client.force_login(user)
    assert client.get("/accounts/me/").status_code == 200
    settings.DEBUG = False
    assert [e.id for e in staff_mfa_required(None)] == ["accounts.E001"]
    settings.ATI_MFA_REQUIRED_FOR_STAFF = True
    assert staff_mfa_required(None) == []


def test_check_deploy_refuses_staff_without_2fa_in_production_mode(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "SECRET_KEY": "x" * 10 + "K9f2hQ7vLmP3sT8wZ1cR6yB4nJ0dG5aE" + "y" * 10,
        "ATI_VAR_DIR": str(tmp_path),
        "ATI_SITE_URL": "https://ati.example.ma",
        "ATI_MFA_REQUIRED_FOR_STAFF": "0",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "accounts.E001" in result.stderr + result.stdout


# --- the admin behind the same door ------------------------------------------------------


def test_the_admin_sign_in_is_the_sites(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    # An address elsewhere is not carried along.
    assert client.get("/admin/login/?next=https://evil.example/")["Location"] == "/accounts/login/"
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_fifteen_wrong_passwords_then_the_right_one_do_not_open_the_admin(client, administrator):
    for _ in range(15):
        client.post("/accounts/login/", {"login": administrator.email, "password": "wrong"})
    response = client.post(
        "/accounts/login/?next=/admin/", {"login": administrator.email, "password": PASSWORD}
    )
    assert not response.wsgi_request.user.is_authenticated
    assert client.get("/admin/").status_code == 302
    assert "/accounts/2fa/authenticate/" not in response.get("Location", "")


def test_an_administrator_reaches_the_admin_with_password_and_code(client, administrator):
    with time_machine.travel(timezone.now(), tick=True):
        _password_step(client, administrator)
        client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert client.get("/admin/").status_code == 200

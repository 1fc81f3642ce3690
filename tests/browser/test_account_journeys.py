"""Accounts in a real browser, in French and in Arabic (issue 17).

A citizen who forgot the password resets it from the e-mail's link; a new officer's
first sign-in leads, before any other page, to setting up an authenticator app, whose
code is computed here from the secret the page shows.
"""

from __future__ import annotations

import re

from django.core import mail

from ati.accounts.models import Role
from ati.bodies.models import Membership, PublicBody
from tests.factories import UserFactory, totp_code

from .test_citizen_journey import log_in

NEW_PASSWORD = "Un-nouveau-mot-de-passe-2026"


def reset_link(address: str) -> str:
    sent = [m for m in mail.outbox if address in m.to]
    assert sent, [m.to for m in mail.outbox]
    return re.search(r"https?://\S+/accounts/password/reset/key/\S+/", sent[-1].body).group(0)


def test_password_reset_journey(journey, page, demo, lang):
    email = "amina@ati.demo"
    journey.goto(page, "/accounts/login/")
    journey.follow(page, "main a[href='/accounts/password/reset/']")
    journey.check(page, "password-reset")
    page.fill("input[name=email]", email)
    journey.follow(page, "main button[type=submit]")
    assert page.url.endswith("/accounts/password/reset/done/")
    journey.check(page, "password-reset-sent")

    link = reset_link(email)
    assert link.startswith(journey.base_url), link
    journey.goto(page, link[len(journey.base_url) :])
    journey.check(page, "password-reset-form")
    page.fill("input[name=password1]", NEW_PASSWORD)
    page.fill("input[name=password2]", NEW_PASSWORD)
    journey.follow(page, "main button[type=submit]")
    journey.check(page, "password-reset-done")

    log_in(journey, page, email, NEW_PASSWORD)


def test_staff_first_sign_in_journey(journey, page, demo, lang):
    """A new officer signs in: enrolment first, then the queue."""
    officer = UserFactory(
        email=f"new.officer.{lang}@ati.demo",
        role=Role.OFFICER,
        preferred_language=lang,
        mfa=False,
    )
    Membership.objects.create(
        user=officer, body=PublicBody.objects.get(code="min-sante"), role=Role.OFFICER
    )
    journey.goto(page, "/accounts/login/")
    page.fill("input[name=login]", officer.email)
    page.fill("input[name=password]", "correct horse battery staple")
    journey.follow(page, "main button[type=submit]")
    # Straight to enrolment, whatever page was asked for.
    assert page.url.endswith("/accounts/2fa/totp/activate/"), page.url
    journey.goto(page, "/office/")
    assert page.url.endswith("/accounts/2fa/totp/activate/"), page.url
    journey.check(page, "enrol")

    secret = page.input_value("#authenticator_secret")
    page.fill("input[name=code]", "000000")
    journey.follow(page, "main button[type=submit]")
    journey.check(page, "enrol-wrong-code")
    page.fill("input[name=code]", totp_code(secret))
    journey.follow(page, "main button[type=submit]")
    assert "/accounts/2fa/recovery-codes/" in page.url, page.url
    journey.check(page, "recovery-codes")

    journey.goto(page, "/office/")
    assert page.url.endswith("/office/")
    assert page.locator("header button.link-button").count() == 1

"""Reference numbers per body and year, chosen by ATI_REFERENCE_SCOPE (decision 0016).

The law asks the body for a receipt with a reference number; a portal that receives
for many bodies may number each body's requests on its own, so that submissions to
different bodies never wait for one counter row."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ati.accounts.models import Role
from ati.core.models import Counter
from ati.requests import services
from tests.factories import PublicBodyFactory, member

from .conftest import applicant_details, request_details

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def test_each_body_numbers_its_own_requests_from_one(submit, body, officer, settings):
    settings.ATI_REFERENCE_SCOPE = "body"
    first, second = submit(), submit()
    assert (first.reference, second.reference) == (
        f"DAI-2026-{body.code}-00001",
        f"DAI-2026-{body.code}-00002",
    )
    assert Counter.objects.get(name=f"requests.reference.{body.code}", year=2026).value == 2
    assert not Counter.objects.filter(name="requests.reference").exists()


def test_switching_mid_year_keeps_earlier_numbers_and_never_collides(submit, body, settings):
    yearly = submit()
    settings.ATI_REFERENCE_SCOPE = "body"
    per_body = submit()
    settings.ATI_REFERENCE_SCOPE = "year"
    again = submit()
    assert [yearly.reference, per_body.reference, again.reference] == [
        "DAI-2026-00001",
        f"DAI-2026-{body.code}-00001",
        "DAI-2026-00002",
    ]


def test_a_body_whose_code_changes_starts_a_sequence_that_cannot_collide(
    submit, body, citizen, settings
):
    settings.ATI_REFERENCE_SCOPE = "body"
    old_code = body.code
    assert submit().reference == f"DAI-2026-{old_code}-00001"
    body.code = "renamed-body"
    body.save()
    assert submit().reference == "DAI-2026-renamed-body-00001"
    # Another body given the old code continues that code's sequence.
    newcomer = services.submit_request(
        citizen,
        body=PublicBodyFactory(code=old_code),
        applicant=applicant_details(email=citizen.email),
        details=request_details(),
    )
    assert newcomer.reference == f"DAI-2026-{old_code}-00002"


def test_a_transferred_request_takes_the_receiving_bodys_number(submit, officer, settings):
    settings.ATI_REFERENCE_SCOPE = "body"
    req = submit()
    other = PublicBodyFactory(code="ministere-equipement")
    member(Role.OFFICER, other)
    services.transfer(officer, req, to_body=other, reason="Compétence de l'autre organisme.")
    successor = req.__class__.objects.get(transferred_from=req)
    assert successor.reference == "DAI-2026-ministere-equipement-00001"


def test_an_unknown_scope_stops_the_settings_with_a_clear_message():
    env = {**os.environ, "ATI_REFERENCE_SCOPE": "ministry", "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", "import ati.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert out.returncode != 0
    assert "ATI_REFERENCE_SCOPE must be 'year' or 'body', not 'ministry'" in out.stderr

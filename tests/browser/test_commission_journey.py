"""The commission's journey, in French and in Arabic: runs once ati.appeals is installed.

Written against the URLs we expect from the appeals issue; to be completed when it lands:
take an appeal, ask the body for observations, decide, follow the body's compliance.
"""

from __future__ import annotations

import pytest
from django.apps import apps

from .test_citizen_journey import log_in

PASSWORD = "demo-ati-2026"


@pytest.mark.skipif(
    not apps.is_installed("ati.appeals"), reason="needs ati.appeals (the commission's appeals)"
)
def test_commission_journey(journey, page, demo, lang):
    """Take an appeal, ask the body for observations, decide, follow compliance."""
    log_in(journey, page, "commission@ati.demo", PASSWORD, shot="login")
    journey.goto(page, "/commission/")
    journey.check(page, "appeals")
    journey.follow(page, "main table a")
    journey.check(page, "appeal")
    # To write against the appeals app once it lands: take the appeal, ask the body for
    # observations, record the decision, follow the body's compliance.

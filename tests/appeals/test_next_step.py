"""On the request page, the applicant's next step after an answer: complain by a date, then
appeal by a date; and the request's timeline shows its complaints and appeals (issue 18)."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from ati.appeals import services
from ati.appeals.models import Ground
from ati.law.templatetags.ati_format import longdate
from ati.requests.selectors import TIMELINE_SOURCES

pytestmark = pytest.mark.django_db


def part(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


def next_step(html: str) -> str:
    return part(html, 'id="next-step"', "</section>")


def timeline(html: str) -> str:
    return part(html, 'id="timeline-h"', "</ol>")


def test_after_a_refusal_complain_by_a_date_then_appeal_by_a_date(
    client, refused, citizen, head, clock
):
    req = refused()
    client.force_login(citizen)
    html = client.get(f"/requests/{req.reference}/").content.decode()
    step = next_step(html)
    assert 'href="#complaint-form"' in step and "<strong>" in step
    # The complaint form it leads to is open; the appeal, not advised yet, stays closed.
    assert re.search(r'<details class="action" id="complaint-form" open>', html)
    assert re.search(r'<details class="action" id="appeal-form">', html)

    complaint = services.file_complaint(citizen, req, ground=Ground.REFUSAL, reasons="Non.")
    html = client.get(f"/requests/{req.reference}/").content.decode()
    with translation.override("fr"):
        due = longdate(complaint.decision_due)
    assert due in next_step(html) and "#complaint-form" not in next_step(html)
    assert f'href="/complaints/{complaint.pk}/"' in timeline(html)

    services.confirm_complaint(head, complaint, text="Confirmé.")
    html = client.get(f"/requests/{req.reference}/").content.decode()
    step = next_step(html)
    assert 'href="#appeal-form"' in step
    assert re.search(r'<details class="action" id="appeal-form" open>', html)

    appeal = services.file_appeal(citizen, req, reasons="Appel à la commission.")
    html = client.get(f"/requests/{req.reference}/").content.decode()
    assert f'href="/appeals/{appeal.pk}/"' in next_step(html)
    steps = timeline(html)
    # In the order they happened, after the request's own steps.
    assert steps.index("<li>") < steps.index(f'href="/complaints/{complaint.pk}/"')
    assert steps.index(f'href="/complaints/{complaint.pk}/"') < steps.index(
        f'href="/appeals/{appeal.pk}/"'
    )
    assert steps.count(f'href="/complaints/{complaint.pk}/"') == 2  # filed, then confirmed


def test_the_body_sees_complaints_on_the_timeline_too(client, refused, citizen, officer, clock):
    req = refused()
    complaint = services.file_complaint(citizen, req, ground=Ground.REFUSAL, reasons="Non.")
    client.force_login(officer)
    html = client.get(f"/requests/{req.reference}/").content.decode()
    assert f'href="/complaints/{complaint.pk}/"' in timeline(html)
    assert 'id="next-step"' not in html  # the applicant's alone


def test_the_timeline_hook_is_registered_once():
    from ati.appeals.selectors import timeline_events

    assert TIMELINE_SOURCES.count(timeline_events) == 1

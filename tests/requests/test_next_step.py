"""The applicant's request page leads with the next step (issue 18, point 4): the question
and its form when a clarification is asked, the due date otherwise; buttons named after
their action; an error summary above every form sent back; the body picker and the
similar answers of the submission form."""

from __future__ import annotations

import re

import pytest

from ati.core.folding import fold
from ati.requests import services
from ati.requests.models import InformationRequest

from .conftest import DUE

pytestmark = pytest.mark.django_db

QUESTION = "Voulez-vous les dépenses par hôpital ou le total ?"


def section(html: str, css_class: str) -> str:
    """The HTML of the first <section> with this class (sections are not nested here)."""
    match = re.search(
        rf'<section[^>]*class="[^"]*\b{css_class}\b[^"]*"[^>]*>(.*?)</section>', html, re.S
    )
    assert match, f"no section.{css_class}"
    return match.group(1)


def test_a_clarification_asked_is_the_next_step_with_its_form_open(
    client, submit, citizen, officer
):
    req = submit()
    services.request_clarification(officer, req, question=QUESTION)
    client.force_login(citizen)
    html = client.get(f"/requests/{req.reference}/").content.decode()
    step = section(html, "next-step")
    assert QUESTION in step
    # The form is there, open (not in a closed disclosure), its button named for what it does.
    assert f'action="/requests/{req.reference}/do/provide_clarification/"' in step
    assert "<details" not in step
    assert 'name="answer"' in step
    # Above everything else the applicant reads, and nowhere else.
    assert html.index('class="next-step') < html.index('id="facts-h"')
    assert html.count("/do/provide_clarification/") == 1
    assert html[: html.index('id="timeline-h"')].count(QUESTION) == 1  # then in the history
    # Withdrawal stays possible, as a separate, secondary action.
    others = section(html, "actions-panel")
    assert "/do/withdraw/" in others and 'class="button secondary"' in others
    # The message box does not pose as the way to answer: it points to the form above.
    messages = html[html.index('id="messages-h"') :]
    assert 'href="#next-step"' in messages
    assert re.search(r"<details[^>]*>\s*<summary>[^<]+</summary>\s*<form[^>]*/messages/", messages)


def test_waiting_for_the_body_the_next_step_is_its_due_date(client, submit, citizen):
    req = submit()
    client.force_login(citizen)
    step = section(client.get(f"/requests/{req.reference}/").content.decode(), "next-step")
    assert "1er décembre 2026" in step and req.response_due == DUE
    assert "<form" not in step


def test_the_body_does_not_see_the_applicants_next_step(client, submit, officer):
    req = submit()
    client.force_login(officer)
    html = client.get(f"/requests/{req.reference}/").content.decode()
    assert 'class="next-step' not in html


def test_action_buttons_say_what_they_do(client, submit, officer, citizen):
    req = submit()
    client.force_login(officer)
    html = client.get(f"/requests/{req.reference}/").content.decode()
    buttons = re.findall(r'<button type="submit"[^>]*>\s*(.*?)\s*</button>', html, re.S)
    assert len(buttons) >= 4
    assert not [b for b in buttons if b.strip() in {"Confirm", "Confirmer"}]


def test_a_form_sent_back_starts_with_an_error_summary_linking_to_each_field(
    client, submit, citizen, officer
):
    req = submit()
    services.request_clarification(officer, req, question=QUESTION)
    client.force_login(citizen)
    response = client.post(f"/requests/{req.reference}/do/provide_clarification/", {"answer": ""})
    assert response.status_code == 400
    html = response.content.decode()
    summary = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', html, re.S)
    assert summary and 'role="alert"' in html and 'tabindex="-1"' in html
    assert 'href="#id_provide_clarification_answer"' in summary.group(1)
    assert 'id="id_provide_clarification_answer"' in html
    # The summary is inside the next step's form, which stays where it was.
    assert summary.group(0) in section(html, "next-step")


def test_the_submission_form_lists_every_error_in_its_summary(client, body, citizen, clock):
    client.force_login(citizen)
    response = client.post("/requests/new/", {"body": body.pk, "id_number": "???"})
    assert response.status_code == 400
    html = response.content.decode()
    links = re.findall(r'<li><a href="#(id_[a-z_]+)">', html)
    assert {"id_subject", "id_information_requested", "id_id_number"} <= set(links)
    # Every link leads to a field of the page.
    assert all(f'id="{target}"' in html for target in links), links
    assert 'src="/static/js/error-summary.js"' in html


def test_no_summary_when_nothing_is_wrong(client, body, citizen, clock):
    client.force_login(citizen)
    assert 'class="error-summary"' not in client.get("/requests/new/").content.decode()


def test_the_body_picker_offers_a_prompt_and_every_name_to_search(client, body, citizen, clock):
    client.force_login(citizen)
    html = client.get("/requests/new/").content.decode()
    assert "---------" not in html
    select = re.search(r"<select[^>]*name=\"body\"[^>]*>(.*?)</select>", html, re.S)
    assert select and "data-body-picker" in select.group(0) and "data-counts" in select.group(0)
    options = re.findall(r"<option([^>]*)>([^<]*)</option>", select.group(1))
    assert options[0][0].strip().startswith('value=""')
    assert options[0][1] == "Choisissez l’organisme"
    searched = {text: attrs for attrs, text in options[1:]}[body.name_fr]
    # Every name and the code, folded by the server as the list of bodies searches them;
    # the script folds what is typed by the same rules (tests/core/test_folding.py).
    assert f'data-search="{body.search_text}"' in searched
    for part in (body.name_fr, body.name_ar, body.name_en, body.code):
        assert fold(part) in body.search_text
    assert "data-fold=" in select.group(0)
    assert html.index('src="/static/js/fold.js"') < html.index('src="/static/js/body-picker.js"')


def test_without_a_body_chosen_the_form_says_so(client, body, citizen, clock):
    client.force_login(citizen)
    response = client.post("/requests/new/", {"body": ""})
    assert 'href="#id_body"' in response.content.decode()
    assert not InformationRequest.objects.exists()


def test_similar_answers_as_one_types_need_a_subject_and_sign_in(client, citizen, settings):
    assert client.get("/requests/similar/?subject=budget").status_code == 302  # to sign in
    client.force_login(citizen)
    short = client.get("/requests/similar/?subject=ab")
    assert short.status_code == 200 and short.content == b""
    assert client.post("/requests/similar/", {"subject": "budget"}).status_code == 405


def test_similar_answers_as_one_types_are_rate_limited(client, citizen, settings):
    settings.ATI_RATE_LIMITS = {**settings.ATI_RATE_LIMITS, "similar": (2, 3600)}
    client.force_login(citizen)
    for _ in range(2):
        assert client.get("/requests/similar/?subject=budget+des+hôpitaux").status_code == 200
    refused = client.get("/requests/similar/?subject=budget+des+hôpitaux")
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1

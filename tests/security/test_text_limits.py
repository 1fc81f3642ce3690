"""Every free text has a length limit, enforced by the service (ati/core/texts.py).

For each free text a service takes, one character over the limit is refused by the
service itself (a ValidationError naming the field and the limit), by the API (400,
the field in `fields`) and by the page (the form's error, the same `maxlength`), and
nothing is written: no change to the object, no new row, no audit event. At the limit,
odd Unicode (a right-to-left override, zero-width characters, bidi isolates, Arabic)
is accepted and stored exactly as typed; on the pages, every such text sits inside an
element that isolates its direction (`dir="auto"` or `<bdi>`), so an override cannot
reorder the page around it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.test import Client
from rest_framework.test import APIClient

from ati.accounts.models import Role
from ati.appeals import services as appeals
from ati.appeals.models import Appeal, Complaint
from ati.audit.models import AuditEvent
from ati.bodies.models import PublicBody
from ati.core import texts
from ati.library import services as library
from ati.library.models import Publication
from ati.requests import services as requests
from ati.requests.models import InformationRequest, Message
from tests.factories import member
from tests.requests.conftest import applicant_details, request_details

pytestmark = pytest.mark.django_db

#: A right-to-left override, zero-width space and joiner, an isolate, Arabic, Latin.
ODD = "\u202eمعلومات\u200b\u200dtexte\u2066x\u2069 "


def odd_text(length: int) -> str:
    """`length` characters of odd Unicode, with nothing a service would strip."""
    text = (ODD * (length // len(ODD) + 1))[: length - 1]
    return text + "x"


@dataclass
class People:
    body: Any
    other_body: Any
    department: Any
    citizen: Any
    officer: Any
    staff: Any
    head: Any
    commissioner: Any


@pytest.fixture
def people(body, other_body, department, citizen, officer, head, commissioner, clock):
    citizen.email_verified = True
    citizen.save()
    staff = member(Role.DEPARTMENT_STAFF, body, department)
    return People(body, other_body, department, citizen, officer, staff, head, commissioner)


# --- the states each text is written in ------------------------------------------------


def submitted(p: People) -> InformationRequest:
    return requests.submit_request(
        p.citizen,
        body=p.body,
        applicant=applicant_details(email=p.citizen.email),
        details=request_details(),
    )


def awaiting_clarification(p: People) -> InformationRequest:
    return requests.request_clarification(p.officer, submitted(p), question="Quelle année ?")


def assigned(p: People) -> InformationRequest:
    return requests.assign(p.officer, submitted(p), department=p.department, assignee=p.staff)


def draft_ready(p: People) -> InformationRequest:
    return requests.submit_draft(p.staff, assigned(p), outcome="granted", text="Projet.")


def refused(p: People) -> InformationRequest:
    return requests.answer(
        p.officer, submitted(p), outcome="refused", text="Non.", grounds=["state-security"]
    )


def complaint(p: People) -> Complaint:
    return appeals.file_complaint(p.citizen, refused(p), ground="refusal", reasons="Motifs.")


def appeal_filed(p: People) -> Appeal:
    c = appeals.confirm_complaint(p.head, complaint(p), text="Confirmé.")
    return appeals.file_appeal(p.citizen, c.request, reasons="À la commission.")


def appeal_admissible(p: People) -> Appeal:
    return appeals.declare_admissible(p.commissioner, appeal_filed(p))


def appeal_observations(p: People) -> Appeal:
    return appeals.request_observations(p.commissioner, appeal_admissible(p), note="Pourquoi ?")


def appeal_ordered(p: People) -> Appeal:
    return appeals.decide(
        p.commissioner, appeal_observations(p), decision="disclosure_ordered", reasons="Motifs."
    )


def published(p: People) -> Publication:
    return library.approve_and_publish(p.officer, in_review(p), title="Budget")


def in_review(p: People) -> Publication:
    pub = library.propose_proactive(
        p.officer, p.body, category="budgets", title="Budget", text="Le budget.", language="fr"
    )
    library.prepare_publication(pub.pk)  # what the worker does after the commit
    pub.refresh_from_db()
    return pub


# --- one row per free text ---------------------------------------------------------------

Send = Callable[[Any, str], tuple[str, dict[str, Any]]]

#: The rest of a valid submission, by the page's form and by the API.
API = {
    "subject": "Budget des hôpitaux",
    "information_requested": "Le budget exécuté.",
    "first_name": "Amina",
    "last_name": "Ouazzani",
    "address": "12 rue Oued Fès, Rabat",
    "id_number": "AB123456",
}
FORM = {**API, "delivery_form": "electronic", "id_kind": "cin"}


def submit(p: People, body: Any, **details: Any) -> InformationRequest:
    return requests.submit_request(
        p.citizen,
        body=body,
        applicant=applicant_details(email=p.citizen.email),
        details=request_details(**details),
    )


@dataclass(frozen=True)
class Text:
    field: str
    limit: int
    state: Callable[[People], Any]
    actor: str
    service: Callable[[People, Any, str], Any]
    page: Send | None = None
    api: Send | None = None
    #: Where the accepted text is stored (None: not checked at the limit, see `why`).
    stored: Callable[[Any], str] | None = None
    why: str = ""


def page(url: Callable[[Any], str], field: str, **extra: Any) -> Send:
    return lambda obj, value: (url(obj), {**extra, field: value})


def api(url: Callable[[Any], str], field: str, **extra: Any) -> Send:
    return lambda obj, value: (url(obj), {**extra, field: value})


def _other(req: InformationRequest) -> PublicBody:
    return PublicBody.objects.exclude(pk=req.body_id).get()


def act(action: str) -> Callable[[Any], str]:
    return lambda r: f"/requests/{r.reference}/do/{action}/"


def rest(action: str) -> Callable[[Any], str]:
    return lambda r: f"/api/v1/requests/{r.pk}/{action}/"


def appeal_act(action: str) -> Callable[[Any], str]:
    return lambda a: f"/appeals/{a.pk}/do/{action}/"


def appeal_rest(action: str) -> Callable[[Any], str]:
    return lambda a: f"/api/v1/appeals/{a.pk}/{action}/"


def on_request(action: str, field: str, **extra: Any) -> dict[str, Send]:
    """The action's form on the request's page, and its API twin, with the same data."""
    return {"page": page(act(action), field, **extra), "api": api(rest(action), field, **extra)}


def on_appeal(action: str, field: str, **extra: Any) -> dict[str, Send]:
    return {
        "page": page(appeal_act(action), field, **extra),
        "api": api(appeal_rest(action), field, **extra),
    }


TEXTS: dict[str, Text] = {
    "information_requested": Text(
        "information_requested",
        texts.STATEMENT,
        lambda p: p.body,
        "citizen",
        lambda p, body, v: submit(p, body, information_requested=v),
        lambda body, v: ("/requests/new/", {**FORM, "body": body.pk, "information_requested": v}),
        lambda body, v: (
            "/api/v1/requests/",
            {**API, "body": body.code, "information_requested": v},
        ),
        lambda body: InformationRequest.objects.get().information_requested,
    ),
    "urgency_reason": Text(
        "urgency_reason",
        texts.SHORT,
        lambda p: p.body,
        "citizen",
        lambda p, body, v: submit(p, body, urgent=True, urgency_reason=v),
        lambda body, v: (
            "/requests/new/",
            {**FORM, "body": body.pk, "urgent": "on", "urgency_reason": v},
        ),
        lambda body, v: (
            "/api/v1/requests/",
            {**API, "body": body.code, "urgent": True, "urgency_reason": v},
        ),
        lambda body: InformationRequest.objects.get().urgency_reason,
    ),
    "clarification_question": Text(
        "question",
        texts.REASON,
        submitted,
        "officer",
        lambda p, r, v: requests.request_clarification(p.officer, r, question=v),
        stored=lambda r: r.clarification_question,
        **on_request("request_clarification", "question"),
    ),
    "clarification_answer": Text(
        "answer",
        texts.STATEMENT,
        awaiting_clarification,
        "citizen",
        lambda p, r, v: requests.provide_clarification(p.citizen, r, answer=v),
        stored=lambda r: r.clarification_answer,
        **on_request("provide_clarification", "answer"),
    ),
    "extension_reason": Text(
        "reason",
        texts.REASON,
        submitted,
        "officer",
        lambda p, r, v: requests.extend(p.officer, r, reason=v),
        stored=lambda r: r.extension_reason,
        **on_request("extend", "reason"),
    ),
    "transfer_reason": Text(
        "reason",
        texts.REASON,
        submitted,
        "officer",
        lambda p, r, v: requests.transfer(p.officer, r, to_body=p.other_body, reason=v),
        lambda r, v: (act("transfer")(r), {"to_body": _other(r).code, "reason": v}),
        lambda r, v: (rest("transfer")(r), {"to_body": _other(r).code, "reason": v}),
        lambda r: r.transfer_reason,
    ),
    "draft_text": Text(
        "text",
        texts.ANSWER,
        assigned,
        "staff",
        lambda p, r, v: requests.submit_draft(p.staff, r, outcome="granted", text=v),
        stored=lambda r: r.draft_text,
        **on_request("submit_draft", "text", outcome="granted"),
    ),
    "return_comment": Text(
        "comment",
        texts.REASON,
        draft_ready,
        "officer",
        lambda p, r, v: requests.return_draft(p.officer, r, comment=v),
        **on_request("return_draft", "comment"),
        why="kept as the audit event's reason, not on the request",
    ),
    "answer_text": Text(
        "text",
        texts.ANSWER,
        submitted,
        "officer",
        lambda p, r, v: requests.answer(p.officer, r, outcome="granted", text=v),
        page(act("answer"), "text", outcome="granted", cost="0"),
        api(rest("answer"), "text", outcome="granted"),
        lambda r: r.answer_text,
    ),
    "withheld": Text(
        "withheld",
        texts.REASON,
        submitted,
        "officer",
        lambda p, r, v: requests.answer(
            p.officer,
            r,
            outcome="partially_granted",
            text="Voici.",
            grounds=["state-security"],
            withheld=v,
        ),
        page(
            act("answer"),
            "withheld",
            outcome="partially_granted",
            text="Voici.",
            grounds="state-security",
            cost="0",
        ),
        api(
            rest("answer"),
            "withheld",
            outcome="partially_granted",
            text="Voici.",
            grounds=["state-security"],
        ),
        lambda r: r.withheld_description,
    ),
    "holder": Text(
        "holder",
        texts.LINE,
        submitted,
        "officer",
        lambda p, r, v: requests.answer(p.officer, r, outcome="not_held", text="Non.", holder=v),
        page(act("answer"), "holder", outcome="not_held", text="Non.", cost="0"),
        api(rest("answer"), "holder", outcome="not_held", text="Non."),
        lambda r: r.holder_name,
    ),
    "withdraw_reason": Text(
        "reason",
        texts.REASON,
        submitted,
        "citizen",
        lambda p, r, v: requests.withdraw(p.citizen, r, reason=v),
        **on_request("withdraw", "reason"),
        why="kept as the audit event's reason, not on the request",
    ),
    "message": Text(
        "text",
        texts.STATEMENT,
        submitted,
        "citizen",
        lambda p, r, v: requests.post_message(p.citizen, r, text=v),
        page(lambda r: f"/requests/{r.reference}/messages/", "text"),
        api(rest("messages"), "text"),
        lambda r: r.messages.get().text,
    ),
    "complaint_reasons": Text(
        "reasons",
        texts.STATEMENT,
        refused,
        "citizen",
        lambda p, r, v: appeals.file_complaint(p.citizen, r, ground="refusal", reasons=v),
        page(lambda r: f"/requests/{r.reference}/complaint/", "reasons", ground="refusal"),
        lambda r, v: (
            "/api/v1/complaints/",
            {"request": r.reference, "ground": "refusal", "reasons": v},
        ),
        lambda r: r.complaints.get().reasons,
    ),
    "complaint_decision": Text(
        "text",
        texts.STATEMENT,
        complaint,
        "head",
        lambda p, c, v: appeals.confirm_complaint(p.head, c, text=v),
        page(lambda c: f"/complaints/{c.pk}/do/confirm/", "text"),
        api(lambda c: f"/api/v1/complaints/{c.pk}/confirm/", "text"),
        lambda c: c.decision_text,
    ),
    "appeal_reasons": Text(
        "reasons",
        texts.STATEMENT,
        lambda p: appeals.confirm_complaint(p.head, complaint(p), text="Confirmé.").request,
        "citizen",
        lambda p, r, v: appeals.file_appeal(p.citizen, r, reasons=v),
        page(lambda r: f"/requests/{r.reference}/appeal/", "reasons"),
        lambda r, v: ("/api/v1/appeals/", {"request": r.reference, "reasons": v}),
        lambda r: r.appeals.get().reasons,
    ),
    "inadmissibility_text": Text(
        "text",
        texts.STATEMENT,
        appeal_filed,
        "commissioner",
        lambda p, a, v: appeals.declare_inadmissible(p.commissioner, a, reason="other", text=v),
        stored=lambda a: a.inadmissibility_text,
        **on_appeal("declare_inadmissible", "text", reason="other"),
    ),
    "observations_note": Text(
        "note",
        texts.STATEMENT,
        appeal_admissible,
        "commissioner",
        lambda p, a, v: appeals.request_observations(p.commissioner, a, note=v),
        stored=lambda a: a.observations_note,
        **on_appeal("request_observations", "note"),
    ),
    "observations_text": Text(
        "text",
        texts.STATEMENT,
        appeal_observations,
        "officer",
        lambda p, a, v: appeals.submit_observations(p.officer, a, text=v),
        stored=lambda a: a.observations_text,
        **on_appeal("submit_observations", "text"),
    ),
    "hearing_minutes": Text(
        "minutes",
        texts.STATEMENT,
        appeal_observations,
        "commissioner",
        lambda p, a, v: appeals.record_hearing(
            p.commissioner, a, on=dt.date(2026, 10, 30), minutes=v
        ),
        stored=lambda a: a.hearing_minutes,
        **on_appeal("record_hearing", "minutes", on="2026-10-30"),
    ),
    "draft_decision": Text(
        "reasons",
        texts.ANSWER,
        appeal_admissible,
        "commissioner",
        lambda p, a, v: appeals.draft_decision(p.commissioner, a, decision="confirmed", reasons=v),
        stored=lambda a: a.draft_reasons,
        **on_appeal("draft_decision", "reasons", decision="confirmed"),
    ),
    "decision_reasons": Text(
        "reasons",
        texts.ANSWER,
        appeal_observations,
        "commissioner",
        lambda p, a, v: appeals.decide(p.commissioner, a, decision="confirmed", reasons=v),
        stored=lambda a: a.decision_reasons,
        **on_appeal("decide", "reasons", decision="confirmed"),
    ),
    "compliance_note": Text(
        "note",
        texts.STATEMENT,
        appeal_ordered,
        "commissioner",
        lambda p, a, v: appeals.record_compliance(p.commissioner, a, complied=False, note=v),
        stored=lambda a: a.compliance_note,
        **on_appeal("record_not_complied", "note"),
    ),
    "published_decision": Text(
        "text",
        texts.ANSWER,
        appeal_ordered,
        "commissioner",
        lambda p, a, v: appeals.publish_decision(p.commissioner, a, text=v),
        stored=lambda a: a.published_text,
        **on_appeal("publish", "text"),
    ),
    "unpublish_reason": Text(
        "reason",
        texts.REASON,
        published,
        "officer",
        lambda p, pub, v: library.unpublish(p.officer, pub, v),
        page(lambda pub: f"/library/{pub.pk}/unpublish/", "reason"),
        stored=lambda pub: pub.unpublish_reason,
    ),
    "redaction_phrase": Text(
        "phrase",
        texts.PHRASE,
        in_review,
        "officer",
        lambda p, pub, v: library.add_redaction(p.officer, pub, phrase=v),
        page(lambda pub: f"/library/{pub.pk}/review/", "phrase", action="add", category="other"),
        why="a phrase must be found in the document to be accepted",
    ),
    "publication_title": Text(
        "title",
        texts.LINE,
        in_review,
        "officer",
        lambda p, pub, v: library.approve_and_publish(p.officer, pub, title=v),
        page(lambda pub: f"/library/{pub.pk}/review/", "title", action="approve"),
        why="the title is anonymised before it is stored",
    ),
    "proactive_text": Text(
        "text",
        texts.DOCUMENT,
        lambda p: p.body,
        "officer",
        lambda p, body, v: library.propose_proactive(
            p.officer, body, category="budgets", title="Budget", text=v, language="fr"
        ),
        lambda body, v: (
            "/library/new/",
            {
                "body": body.pk,
                "category": "budgets",
                "title": "Budget",
                "language": "fr",
                "text": v,
            },
        ),
        stored=lambda body: Publication.objects.get().original_text,
    ),
}


def _state(obj: Any) -> dict[str, Any]:
    """Everything a refused text must leave as it was."""
    counts = {
        model.__name__: model.objects.count()
        for model in (AuditEvent, InformationRequest, Message, Complaint, Appeal, Publication)
    }
    if hasattr(obj, "refresh_from_db"):
        obj.refresh_from_db()
        return {**counts, "object": model_to_dict(obj)}
    return counts


def _digits(text: str) -> str:
    return re.sub(r"[\s\u202f\xa0,.]", "", text)


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_one_character_over_the_limit_is_refused_everywhere_and_writes_nothing(people, name):
    case = TEXTS[name]
    obj = case.state(people)
    actor = getattr(people, case.actor)
    over = odd_text(case.limit + 1)
    before = _state(obj)

    with pytest.raises(ValidationError) as refused:
        case.service(people, obj, over)
    messages = refused.value.message_dict[case.field]
    assert str(case.limit) in _digits(messages[0]), messages
    assert str(texts.LABELS[case.field]) in messages[0], messages
    assert _state(obj) == before, "the service wrote something"

    if case.page is not None:
        client = Client()
        client.force_login(actor)
        url, data = case.page(obj, over)
        response = client.post(url, data)
        assert response.status_code == 400, (url, response.status_code)
        html = response.content.decode()
        assert 'aria-invalid="true"' in html
        assert f'maxlength="{case.limit}"' in html, "the form does not show the limit"
        assert str(case.limit) in _digits(html)
        assert _state(obj) == before, "the page wrote something"

    if case.api is not None:
        client = APIClient()
        client.force_authenticate(actor)
        url, data = case.api(obj, over)
        response = client.post(url, data, format="json")
        assert response.status_code == 400, (url, response.content[:300])
        assert case.field in response.json()["fields"], response.json()
        assert str(case.limit) in _digits(response.json()["fields"][case.field][0])
        assert _state(obj) == before, "the API wrote something"


@pytest.mark.parametrize("name", sorted(n for n, t in TEXTS.items() if t.stored))
def test_odd_unicode_at_the_limit_is_accepted_and_stored_as_typed(people, name):
    case = TEXTS[name]
    obj = case.state(people)
    exact = odd_text(case.limit)
    case.service(people, obj, exact)
    obj.refresh_from_db()
    assert case.stored(obj) == exact


def test_service_limits_hold_without_a_form_or_a_serializer(people):
    """The admin and the commands call the services directly: the limit is theirs."""
    with pytest.raises(ValidationError) as refused:
        requests.submit_request(
            people.citizen,
            body=people.body,
            applicant=applicant_details(email=people.citizen.email),
            details=request_details(information_requested=odd_text(texts.STATEMENT + 1)),
        )
    assert "information_requested" in refused.value.message_dict
    assert InformationRequest.objects.count() == 0 and AuditEvent.objects.count() == 0
    with pytest.raises(ValidationError) as nul:
        requests.request_clarification(people.officer, submitted(people), question="a\x00b")
    assert "question" in nul.value.message_dict


def test_every_service_text_has_its_row_here():
    """A new kind of limit in ati/core/texts.py is used by some row of this table."""
    kinds = {v for k, v in vars(texts).items() if k.isupper() and isinstance(v, int)}
    assert kinds == {t.limit for t in TEXTS.values()}


# --- shown safely ----------------------------------------------------------------------


class Isolation(HTMLParser):
    """Every text node holding a right-to-left override: is it inside an isolating element?"""

    ISOLATING = {"bdi", "textarea", "input", "option", "title", "script"}
    VOID = {"br", "img", "input", "meta", "link", "hr", "col", "source", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.leaks: list[str] = []
        self.found = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        # An element with a `dir` isolates its content (HTML's `[dir] {unicode-bidi: isolate}`);
        # the page's own <html dir> does not count: it holds everything.
        isolated = tag in self.ISOLATING or (
            tag != "html" and any(name == "dir" for name, _v in attrs)
        )
        self.stack.append((tag, isolated))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if "\u202e" in data:
            self.found += 1
            if not any(isolated for _tag, isolated in self.stack):
                path = "/".join(tag for tag, _i in self.stack[-4:])
                self.leaks.append(f"{path}: {data.strip()[:40]!r}")


def assert_isolated(html: str, at_least: int) -> None:
    checker = Isolation()
    checker.feed(html)
    assert checker.leaks == [], "an override outside any isolating element"
    assert checker.found >= at_least, "the texts are not on the page"


def test_odd_texts_are_shown_inside_isolating_elements(people, client):
    odd = ODD.strip() + " fin"
    req = submitted(people)
    requests.request_clarification(people.officer, req, question=odd)
    requests.provide_clarification(people.citizen, req, answer=odd)
    requests.extend(people.officer, req, reason=odd)
    requests.post_message(people.citizen, req, text=odd)
    requests.post_message(people.officer, req, text=odd, internal=True)
    requests.answer(
        people.officer,
        req,
        outcome="partially_granted",
        text=odd,
        grounds=["state-security"],
        withheld=odd,
    )
    client.force_login(people.officer)
    assert_isolated(client.get(f"/requests/{req.reference}/").content.decode(), 7)
    client.force_login(people.citizen)
    assert_isolated(client.get(f"/requests/{req.reference}/").content.decode(), 6)

    other = requests.answer(
        people.officer, submitted(people), outcome="refused", text=odd, grounds=["state-security"]
    )
    c = appeals.file_complaint(people.citizen, other, ground="refusal", reasons=odd)
    c = appeals.confirm_complaint(people.head, c, text=odd)
    client.force_login(people.citizen)  # the answer, and the head's decision in its panel
    assert_isolated(client.get(f"/requests/{other.reference}/").content.decode(), 2)
    a = appeals.file_appeal(people.citizen, other, reasons=odd)
    a = appeals.declare_admissible(people.commissioner, a)
    a = appeals.request_observations(people.commissioner, a, note=odd)
    a = appeals.submit_observations(people.officer, a, text=odd)
    a = appeals.record_hearing(people.commissioner, a, on=dt.date(2026, 10, 30), minutes=odd)
    a = appeals.decide(people.commissioner, a, decision="disclosure_ordered", reasons=odd)
    a = appeals.record_compliance(people.commissioner, a, complied=False, note=odd)
    appeals.publish_decision(people.commissioner, a, text=odd)
    # Public once the library's review approves it (one path to the public).
    decision = a.publications.get()
    library.prepare_publication(decision.pk)
    library.approve_and_publish(people.commissioner, decision)
    client.force_login(people.citizen)
    # The order reopened the request: the answer complained of is no longer shown.
    assert_isolated(client.get(f"/complaints/{c.pk}/").content.decode(), 2)
    client.force_login(people.commissioner)
    assert_isolated(client.get(f"/appeals/{a.pk}/").content.decode(), 6)
    assert_isolated(client.get("/decisions/").content.decode(), 1)

    pub = library.unpublish(people.officer, published(people), odd)
    assert_isolated(client.get(f"/library/{pub.pk}/").content.decode(), 1)

"""CSRF on every form of the site, and on the API when a session signs the call.

Pages: every page of the access matrix (and the detail pages of each object of the
world) is opened as each role; every `<form method="post">` found must carry the
`csrfmiddlewaretoken` field, and its POST without the token must be refused by the
CSRF check (403 from the CSRF failure view), while the same POST with the token gets
past it. A template with a POST form and no `{% csrf_token %}` fails too, even if
no role of the world reaches it.

API: a session-signed unsafe call without the CSRF token is refused (403); the
same call signed with a token (`Authorization: Token …`) needs none, and gets the
status the access matrix gives it.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import time_machine
from django.db import transaction
from django.http import HttpResponseForbidden
from django.test import override_settings
from django.urls import reverse

from tests.factories import api_key

from .access_matrix import MATRIX
from .test_access_matrix import ADMIN_ROW, ADMIN_SAMPLES
from .world import NOW, ROLES, client_for, test_transaction, world_in_a_transaction

ROOT = Path(__file__).resolve().parents[2]
REFUSED_BY_CSRF = "X-Test-Refused-By"


def csrf_refused(request, reason=""):  # CSRF_FAILURE_VIEW's signature
    """The CSRF failure view of these tests: says that the CSRF check, not a role, refused."""
    response = HttpResponseForbidden(f"CSRF: {reason}")
    response[REFUSED_BY_CSRF] = "csrf"
    return response


class FormParser(HTMLParser):
    """The POST forms of a page: action, and the fields with the values they would send."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": {}, "names": set()}
            self.forms.append(self._form)
        if self._form is None or not a.get("name"):
            return
        name = a["name"]
        if tag in {"input", "button", "select", "textarea"}:
            self._form["names"].add(name)
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            if kind not in {"file", "submit"} and name != "csrfmiddlewaretoken":
                self._form["fields"].setdefault(name, a.get("value") or "x")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and self._select not in self._form["fields"]:
            if a.get("value"):
                self._form["fields"][self._select] = a["value"]
        elif tag == "textarea":
            self._textarea = name
            self._form["fields"].setdefault(name, "Texte.")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_in_a_transaction(django_db_blocker) as built:
        yield built


def page_urls(world) -> list[str]:
    """Every page of the matrix that is read with GET, and each object's own page."""
    urls = []
    for name, row in sorted(MATRIX.items()):
        if row.method != "GET" or name.startswith(("api-", "request-", "complaint-", "appeal-")):
            continue
        if name in {"body-list", "body-detail", "department-list", "department-detail"}:
            continue
        if name.startswith(("statistics-", "library-")):
            continue
        if name == ADMIN_ROW:
            urls += [reverse(sample) for sample in ADMIN_SAMPLES]
            continue
        urls.append(reverse(name, kwargs=row.kwargs(world)) + row.query)
    for req in (world.submitted, world.refused, world.granted, world.other_request):
        urls.append(reverse("requests:detail", kwargs={"reference": req.reference}))
    urls += [
        reverse("library:review", kwargs={"pk": world.pending.pk}),
        reverse("library:document", kwargs={"pk": world.published.pk}),
    ]
    return sorted(set(urls))


def forms_on(client, url: str) -> list[dict]:
    response = client.get(url)
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return []
    parser = FormParser()
    parser.feed(response.content.decode())
    for form in parser.forms:
        form["page"] = url
        form["url"] = urljoin(url, form["action"]) if form["action"] else url
    return parser.forms


#: POST forms checked per role, for the summary at the end of the run (conftest.py).
FORMS_CHECKED: dict[str, int] = {}


def _post(client, url: str, data: dict):
    """POST in a savepoint rolled back: an action the form allows leaves nothing behind."""
    with test_transaction():
        response = client.post(url, data)
        transaction.set_rollback(True)
    return response


@override_settings(CSRF_FAILURE_VIEW="tests.security.test_csrf.csrf_refused")
@pytest.mark.parametrize("role", ROLES)
def test_every_post_form_carries_the_token_and_is_refused_without_it(world, db, role):
    forms: dict[tuple[str, frozenset[str]], dict] = {}
    with time_machine.travel(NOW, tick=False):
        browsing = client_for(world, role)
        for url in page_urls(world):
            for form in forms_on(browsing, url):
                forms.setdefault((urlsplit(form["url"]).path, frozenset(form["names"])), form)
        assert forms, f"{role} met no form at all: the world or the pages changed"
        without_token = [
            f"{f['page']} -> {f['url']}"
            for f in forms.values()
            if "csrfmiddlewaretoken" not in f["names"]
        ]
        assert without_token == [], "POST forms without a CSRF token"
        for form in forms.values():
            # A client of its own per form: logging out or switching language must not
            # change who sends the next one.
            client = client_for(world, role, enforce_csrf_checks=True)
            refused = _post(client, form["url"], form["fields"])
            assert refused.status_code == 403, form["url"]
            assert refused.get(REFUSED_BY_CSRF) == "csrf", f"{form['url']}: not the CSRF check"
            client.get(form["page"])  # the page sets the CSRF cookie its form's token matches
            token = client.cookies["csrftoken"].value
            passed = _post(client, form["url"], {**form["fields"], "csrfmiddlewaretoken": token})
            assert passed.get(REFUSED_BY_CSRF) is None, f"{form['url']} refused with its token"
    FORMS_CHECKED[role] = len(forms)


def test_every_post_form_of_the_templates_has_a_csrf_token():
    """Catches a new form that no role of the world reaches yet."""
    form = re.compile(r"<form\b[^>]*>", re.I)
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        for match in form.finditer(text):
            if not re.search(r"""method\s*=\s*["']?post""", match.group(0), re.I):
                continue
            body = text[match.end() : text.find("</form>", match.end())]
            if "{% csrf_token %}" not in body:
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path.relative_to(ROOT)}:{line}")
    assert offenders == [], "POST forms without {% csrf_token %}"


#: Every unsafe API row of the matrix, with a role that may perform it (or reach its
#: state check): its session call without CSRF is refused; its token call is not.
API_WRITES = sorted(
    (name, next(r for r in ROLES if row.expected[r] in (200, 201, 409)))
    for name, row in MATRIX.items()
    if row.method == "POST" and row.extra.get("json") and not row.extra.get("sessionless")
)


@pytest.mark.parametrize(("name", "role"), API_WRITES, ids=[n for n, _ in API_WRITES])
def test_api_session_calls_need_csrf_token_calls_do_not(world, db, name, role):
    row = MATRIX[name]
    url = reverse(name, kwargs=row.kwargs(world))
    body = json.dumps(row.data(world))
    with time_machine.travel(NOW, tick=False):
        session = client_for(world, role, enforce_csrf_checks=True)
        with test_transaction():
            refused = session.post(url, body, content_type="application/json")
            transaction.set_rollback(True)
        assert refused.status_code == 403, url
        assert "CSRF" in refused.json()["message"]

        key = api_key(world.users[role])
        token = client_for(world, "anonymous", enforce_csrf_checks=True)
        with test_transaction():
            answered = token.post(
                url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}"
            )
            transaction.set_rollback(True)
        assert answered.status_code == row.expected[role], answered.content[:300]

"""Addresses no one types by hand: odd numbers, NUL, bidi controls, in paths and queries.

Each one found a 500 (on SQLite, on PostgreSQL, or both) before it was fixed: a page
or an endpoint must answer 2xx, 3xx or 4xx, and the API always in JSON.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client
from rest_framework.test import APIClient

from ati.accounts.models import Role
from ati.requests import services
from tests.factories import PublicBodyFactory, UserFactory, member
from tests.requests.conftest import applicant_details, request_details

pytestmark = pytest.mark.django_db

#: "²" passes str.isdigit() but not int(); the long number overflows a database integer;
#: NUL is refused by PostgreSQL in any text value; the rest are odd but harmless.
ODD = ["²", "99999999999999999999999", "\x00", "-1", "%ff", "\u202e", "1e9", "0"]
URLS = [
    "/library/?year={}",
    "/library/?body={}",
    "/library/?page={}",
    "/library/?q={}",
    "/library/?category={}",
    "/library/{}/",
    "/statistics/?year={}",
    "/statistics/?body={}",
    "/statistics/data/requests.csv?year={}",
    "/statistics/data/requests.json?body={}",
    "/deadlines/calendar/?calendar={}",
    "/deadlines/calendar/2026/11/?calendar={}",
    "/requests/new/?body={}",
    "/requests/{}/",
    "/requests/mine/?page={}",
    "/office/?page={}",
    "/office/?state={}",
    "/office/?department={}",
    "/complaints/?page={}",
    "/commission/?page={}",
    "/commission/non-compliance/?year={}",
    "/inbox/?page={}",
    "/api/v1/library/?page={}",
    "/api/v1/library/?body={}",
    "/api/v1/library/{}/",
    "/api/v1/statistics/?year={}",
    "/api/v1/bodies/{}/",
    "/api/v1/bodies/?kind={}",
    "/api/v1/requests/{}/",
    "/api/v1/requests/?department={}",
    "/api/v1/requests/?urgent={}",
    "/api/v1/requests/?overdue={}",
    "/api/v1/requests/?response_due__lte={}",
    "/api/v1/appeals/?rapporteur={}",
]


@pytest.fixture
def clients(body):
    people = {
        "anonymous": None,
        "citizen": UserFactory(role=Role.CITIZEN),
        "officer": member(Role.OFFICER, body),
        "commissioner": UserFactory(role=Role.COMMISSION_MEMBER),
    }
    out = {}
    for name, user in people.items():
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        out[name] = client
    return out


def test_odd_values_in_paths_and_queries_never_give_a_server_error(clients):
    PublicBodyFactory(code="min-test")
    errors = []
    for role, client in clients.items():
        for url in URLS:
            for value in ODD:
                full = url.format(quote(value, safe=""))
                response = client.get(full)
                if response.status_code >= 500:
                    errors.append(f"{role} {full} {response.status_code}")
                elif full.startswith("/api/") and response.status_code >= 400:
                    assert response["Content-Type"] == "application/json", full
        for value in ODD:
            response = client.post("/inbox/read/", {"notification": [value]})
            if response.status_code >= 500:
                errors.append(f"{role} POST /inbox/read/ {value!r} {response.status_code}")
    assert errors == []


def test_a_nul_in_the_address_is_a_400_in_the_site_and_json_in_the_api(client):
    page = client.get("/requests/%00/")
    assert page.status_code == 400 and "frame-ancestors 'none'" in page["Content-Security-Policy"]
    response = client.get("/api/v1/bodies/?code=%00")
    assert response.status_code == 400 and "message" in response.json()


def test_an_address_the_api_does_not_have_answers_json(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json" and "message" in response.json()
    assert "text/html" in client.get("/no-such-page/")["Content-Type"]


def test_the_library_api_refuses_filters_it_cannot_read(client):
    for query in ["year=²", "year=abc", "body=-1", "page=0", "page=x", "category=nope"]:
        response = client.get(f"/api/v1/library/?{query}")
        assert response.status_code == 400, query
        name = query.split("=")[0]
        assert name in response.json()["fields"], query
    assert client.get("/api/v1/library/?q=budget&year=2026&page=1").status_code == 200
    assert client.get("/api/v1/library/?page=&year=").json()["page"] == 1  # empty: absent


def test_the_library_page_leaves_out_filters_it_cannot_read(client):
    for query in ["year=²", "body=99999999999999999999999", "page=99999999999999999999999"]:
        assert client.get(f"/library/?{query}").status_code == 200, query


def test_the_statistics_api_refuses_a_year_it_cannot_read(client):
    assert client.get("/api/v1/statistics/?year=²").status_code == 400
    assert client.get("/api/v1/statistics/?year=2026").status_code == 200


def test_a_boolean_filter_refuses_what_is_neither_true_nor_false(client, citizen):
    client.force_login(citizen)
    for value in ["yes", "2", "vrai"]:
        for name in ["urgent", "overdue"]:
            response = client.get(f"/api/v1/requests/?{name}={value}", HTTP_ACCEPT_LANGUAGE="en")
            assert response.status_code == 400, (name, value)
            assert response.json()["fields"][name] == ["Enter true or false."]
    for value in ["true", "false", "1", "0", ""]:
        assert client.get(f"/api/v1/requests/?urgent={value}").status_code == 200, value


def test_errors_of_a_list_field_are_one_flat_list_under_its_name(client, citizen, body):
    client.force_login(citizen)
    response = client.post(
        "/api/v1/requests/",
        {
            "body": body.code,
            "subject": "Budget",
            "information_requested": "Le budget.",
            "first_name": "Amina",
            "last_name": "Ouazzani",
            "address": "Rabat",
            "id_number": "AB123456",
            "attachments": ["not a file", "nor this"],
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    messages = response.json()["fields"]["attachments"]
    assert isinstance(messages, list) and all(isinstance(m, str) for m in messages)


def nested(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest.mark.parametrize("levels", [1000, 100_000, 33])
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/requests/",
        "/api/v1/requests/{pk}/messages/",
        "/api/v1/requests/{pk}/extend/",
        "/api/v1/complaints/",
        "/api/v1/appeals/",
    ],
)
def test_json_nested_too_deep_is_a_400_with_a_message(url, levels, settings):
    """Issue 17, finding 7: a body nested 1,000 levels deep was a 500 (RecursionError)."""
    body = PublicBodyFactory()
    citizen = UserFactory(role=Role.CITIZEN)
    officer = member(Role.OFFICER, body)
    req = services.submit_request(
        citizen, body=body, applicant=applicant_details(), details=request_details()
    )
    client = APIClient(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    for user in (citizen, officer):
        client.force_authenticate(user)
        for payload in (nested(levels), '{"text": ' + nested(levels) + "}"):
            response = client.post(url.format(pk=req.pk), payload, content_type="application/json")
            assert response.status_code == 400, (user, response.status_code)
            assert (
                f"more than {settings.ATI_API_JSON_MAX_DEPTH} levels"
                in (response.json()["message"])
            )


def test_json_within_the_depth_limit_and_form_bodies_are_read_as_before(db):
    body = PublicBodyFactory()
    citizen = UserFactory(role=Role.CITIZEN)
    client = APIClient()
    client.force_authenticate(citizen)
    # 32 levels: read, then refused by the serializer for what it says (a 400 naming fields).
    deep_but_allowed = client.post("/api/v1/requests/", {"subject": nested(31)}, format="json")
    assert deep_but_allowed.status_code == 400 and "fields" in deep_but_allowed.json()
    form = client.post(
        "/api/v1/requests/",
        {"subject": "[[[[[[", "body": body.code, "information_requested": "x" * 20},
    )
    assert form.status_code == 400 and "fields" in form.json()

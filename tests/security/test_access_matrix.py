"""Every URL × every role gets exactly the status the access matrix says."""

from __future__ import annotations

import os

import pytest
import time_machine
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .access_matrix import ADMIN_LOGIN, LOGIN, MATRIX
from .world import NOW, ROLES, client_for, world_in_a_transaction

ADMIN_ROW = "admin:*"
#: Admin pages requested for the "admin:*" row: the index and a changelist per app.
ADMIN_SAMPLES = (
    "admin:index",
    "admin:accounts_user_changelist",
    "admin:requests_informationrequest_changelist",
    "admin:audit_auditevent_changelist",
)


def url_names(resolver=None, namespace: str | None = None) -> set[str]:
    """Every URL name of the URL conf, walked recursively (the admin as one prefix)."""
    names: set[str] = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            if full == "admin":
                names.add(ADMIN_ROW)
                continue
            names |= url_names(entry, full)
        elif isinstance(entry, URLPattern):
            name = entry.name or f"<unnamed {entry.pattern}>"
            names.add(f"{namespace}:{name}" if namespace else name)
    return names


def test_every_url_has_a_row_in_the_access_matrix():
    names = url_names()
    assert names - set(MATRIX) == set(), "URLs without a row in tests/security/access_matrix.py"
    assert set(MATRIX) - names == set(), "rows for URLs that no longer exist"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module, in a transaction rolled back at its end."""
    with world_in_a_transaction(django_db_blocker) as built:
        yield built


CASES = [(name, role) for name in sorted(MATRIX) for role in ROLES]


def _request(world, name: str, role: str):
    row = MATRIX[name]
    client = client_for(world, role)
    if name == ADMIN_ROW:
        return [client.get(reverse(sample)) for sample in ADMIN_SAMPLES]
    url = reverse(name, kwargs=row.kwargs(world)) + row.query
    data = row.data(world)
    if row.method == "GET":
        return [client.get(url)]
    if row.extra.get("json"):
        return [client.generic(row.method, url, __import__("json").dumps(data), "application/json")]
    return [getattr(client, row.method.lower())(url, data)]


def _shape(response) -> str | int:
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("admin:login")):
            return ADMIN_LOGIN
        if location.startswith(reverse("account_login")):
            return LOGIN
    return response.status_code


@pytest.mark.parametrize(("name", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_access(world, db, name, role):
    with time_machine.travel(NOW, tick=False):
        got = {_shape(r) for r in _request(world, name, role)}
    if os.environ.get("ATI_RECORD_MATRIX"):
        with open(os.environ["ATI_RECORD_MATRIX"], "a") as out:
            out.write(f"{name} {role} {','.join(sorted(map(str, got)))}\n")
        return
    assert got == {MATRIX[name].expected[role]}, f"{name} as {role}"


MINE = {"submitted", "refused", "granted"}
EVERY = MINE | {"other_request"}
#: role -> (the requests it finds in the API list, those whose applicant it may identify)
LISTED = {
    "citizen": (MINE, MINE),
    "other_citizen": ({"other_request"}, {"other_request"}),
    "officer": (MINE, MINE),
    "other_officer": ({"other_request"}, {"other_request"}),
    "other_staff": (set(), set()),
    "head": (MINE, MINE),
    "commissioner": (EVERY, set()),
    "administrator": (EVERY, set()),
}


@pytest.mark.parametrize("role", sorted(LISTED))
def test_request_list_holds_only_what_the_role_may_see(world, db, role):
    expected, identified = LISTED[role]
    with time_machine.travel(NOW, tick=False):
        rows = client_for(world, role).get("/api/v1/requests/").json()["results"]
    names = {getattr(world, attr).reference: attr for attr in EVERY}
    assert {names[row["reference"]] for row in rows} == expected
    shown = {names[row["reference"]] for row in rows if row["applicant_id_number"] is not None}
    assert shown == identified

"""Schemathesis against the API's own OpenAPI schema, with every role's token.

The schema is the one the app serves at /api/schema/. For each role of the world
(and department staff of the body), every operation gets generated cases, valid
and invalid, sent through the project's WSGI application with the role's token.
No answer may be a server error; each must be documented by the schema (status
code, content type, body, headers); invalid input must be refused with a 4xx.

Each operation is tried on the world's real objects (every request of the path's
kind: submitted, refused, granted, another citizen's) and on generated ids, so
that allowed actions really run, and a share of valid bodies get real references
(a department, a body, a request) instead of random ones.

Bounded and reproducible: a few examples per operation and object, derandomized,
each case in a savepoint rolled back (an allowed action runs, and leaves nothing
for the next case). The cases run per role are printed at the end of the run
(`pytest_terminal_summary` in conftest.py) and quoted in docs/security.md.
"""

from __future__ import annotations

import json
import traceback
from collections import Counter
from typing import Any

import hypothesis
import pytest
import schemathesis
import time_machine
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi import checks as openapi_checks

from ati.accounts.models import Role
from ati.requests import services as request_services
from tests.factories import api_key, member

from .world import NOW, ROLES, test_transaction, world_in_a_transaction

pytestmark = pytest.mark.fuzz

#: The world's roles, and department staff of the body (the matrix's world has only
#: staff of the other body): the submitted request is assigned to them here.
FUZZ_ROLES = (*ROLES, "staff")
#: Examples per operation, for each real object of its path and for generated ids.
EXAMPLES_PER_OBJECT = 3
EXAMPLES_GENERATED = 2
#: Operations without an object in their path (lists, submissions) get both.
EXAMPLES_NO_OBJECT = EXAMPLES_PER_OBJECT + EXAMPLES_GENERATED

CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.negative_data_rejection,
]

#: Cases run per role, and the statuses they got, per operation.
CASES_RUN: Counter[str] = Counter()
STATUSES: Counter[tuple[str, str, int]] = Counter()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_in_a_transaction(django_db_blocker) as built:
        staff = member(Role.DEPARTMENT_STAFF, built.body, built.department)
        built.users["staff"] = staff
        built.submitted = request_services.assign(
            built.users["officer"], built.submitted, department=built.department, assignee=staff
        )
        built.extra["tokens"] = {
            role: api_key(user) for role, user in built.users.items() if user is not None
        }
        yield built


@pytest.fixture(scope="module")
def schema(world):
    """The schema as the running app serves it (not as the code would generate it)."""
    response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return schemathesis.openapi.from_dict(json.loads(response.content))


@pytest.fixture(scope="module")
def app():
    """The project's WSGI application, inside the test's transaction.

    Django closes a connection that is not in autocommit mode at the start and end of
    each request; every request here runs inside the world's transaction, so those
    handlers are disconnected for the module, as Django's test client does.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


RESOURCES = {
    "requests": "request",
    "complaints": "complaint",
    "appeals": "appeal",
    "bodies": "body",
    "departments": "department",
    "library": "library",
}


def _objects(world, path: str) -> list[Any]:
    """The world's objects of the kind an operation's path names (/api/v1/<kind>/{…}/)."""
    kind = RESOURCES.get(path.split("/")[3])
    return {
        "request": [w.pk for w in (world.submitted, world.refused, world.granted)]
        + [world.other_request.pk],
        "complaint": [world.complaint.pk],
        "appeal": [world.appeal.pk],
        "body": [world.body.code, world.other_body.code],
        "department": [world.department.pk, world.other_department.pk],
        "library": [world.published.pk, world.pending.pk],
    }.get(kind or "", [])


def _path_choices(operation, world) -> list[tuple[dict[str, Any] | None, int]]:
    """(fixed path parameters or None for generated ones, examples) for one operation."""
    names = {p.name for p in operation.path_parameters}
    lookup = next((name for name in sorted(names) if name != "attachment_id"), None)
    if lookup is None:
        return [(None, EXAMPLES_NO_OBJECT)]
    choices: list[tuple[dict[str, Any] | None, int]] = []
    for value in _objects(world, operation.path):
        params = {lookup: value}
        if "attachment_id" in names:
            params["attachment_id"] = world.attachment_id
        choices.append((params, EXAMPLES_PER_OBJECT))
    return [*choices, (None, EXAMPLES_GENERATED)]


def _real_values(world) -> dict[str, list[Any]]:
    """Real values for body fields naming other objects (else nearly every case is a 400)."""
    return {
        "department": [world.department.pk],
        "assignee": [world.users["staff"].pk],
        "to_body": [world.other_body.code],
        "body": [world.body.code],
        "request": [world.refused.reference, world.granted.reference],
        "rapporteur": [world.users["commissioner"].pk],
        "grounds": [["state-security"]],
    }


def _with_real_references(case, world, draw) -> None:
    """Most valid bodies get real references, so that allowed actions go through.

    Hypothesis tries the simplest draw first (False): that one keeps real references.
    """
    if not isinstance(case.body, dict) or case.meta is None:
        return
    if not case.meta.generation.mode.is_positive or draw(st.booleans()):
        return
    for name, options in _real_values(world).items():
        if name in case.body:
            case.body[name] = draw(st.sampled_from(options))


def _fuzz(operation, role: str, world, app, path: dict[str, Any] | None, examples: int) -> None:
    token = world.extra["tokens"].get(role)
    headers = {"Authorization": f"Token {token}"} if token else {}
    strategy = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE, path_parameters=path),
        operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=path),
    )
    crashes: list[str] = []

    def record(sender, **kwargs):
        crashes.append(traceback.format_exc())

    @hypothesis.settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @hypothesis.given(data=st.data())
    def run(data):
        case = data.draw(strategy)
        _with_real_references(case, world, data.draw)
        CASES_RUN[role] += 1
        crashes.clear()
        with test_transaction():
            try:
                response = case.call(app=app, headers=headers)
                STATUSES[(role, operation.label, response.status_code)] += 1
                try:
                    case.validate_response(response, checks=CHECKS, headers=headers)
                except BaseException:
                    if crashes:  # the server's own traceback says more than "500"
                        raise AssertionError("\n".join(crashes)) from None
                    raise
            finally:
                transaction.set_rollback(True)

    got_request_exception.connect(record)
    try:
        run()
    finally:
        got_request_exception.disconnect(record)


@pytest.mark.parametrize("role", FUZZ_ROLES)
def test_every_operation_answers_as_documented(world, schema, app, db, role):
    failures: list[str] = []
    with time_machine.travel(NOW, tick=False):
        for result in schema.get_all_operations():
            operation = result.ok()
            for path, examples in _path_choices(operation, world):
                try:
                    _fuzz(operation, role, world, app, path, examples)
                except (Exception, BaseExceptionGroup) as error:  # every operation is tried
                    failures.append(f"--- {operation.label} as {role} on {path}\n{error}")
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)


def test_the_fuzz_reaches_success_and_refusal_alike():
    """Not only 404s: allowed actions succeed, and every role meets refusals.

    Runs after the fuzz (same module); guards against a world or a generator change
    that would leave every case at the door.
    """
    if not CASES_RUN:
        pytest.skip("the fuzz did not run (selected alone)")
    by_status = Counter()
    for (_role, label, status), count in STATUSES.items():
        by_status[(label.split()[0], status // 100)] += count
    assert by_status[("POST", 2)] >= 20, by_status
    assert by_status[("GET", 2)] >= 100, by_status
    assert {role for role, _label, status in STATUSES if status == 200} >= set(FUZZ_ROLES)

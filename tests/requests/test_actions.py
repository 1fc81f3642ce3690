"""One declaration per action (ati/requests/actions.py, ati/appeals/actions.py): the page's
form and button, the API's endpoint and serializer, and the same answer to the same input
from both."""

from __future__ import annotations

import pytest
from django import forms
from rest_framework.test import APIClient

from ati.accounts.models import Role
from ati.appeals.actions import APPEAL_ACTIONS, COMPLAINT_ACTIONS
from ati.bodies.models import PublicBody
from ati.requests.actions import REQUEST_ACTIONS
from ati.requests.models import InformationRequest, State
from ati.workflow.actions import serializer_for
from tests.factories import PublicBodyFactory, member

pytestmark = pytest.mark.django_db

MACHINES = {
    "requests": REQUEST_ACTIONS,
    "complaints": COMPLAINT_ACTIONS,
    "appeals": APPEAL_ACTIONS,
}


def _schema() -> dict:
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_every_declared_action_is_an_endpoint_with_its_input_and_its_409():
    schema = _schema()
    for prefix, actions in MACHINES.items():
        for action in actions:
            path = f"/api/v1/{prefix}/{{id}}/{action.name}/"
            if not action.api:
                assert path not in schema["paths"]
                continue
            operation = schema["paths"][path]["post"]
            assert operation["summary"] == action.summary
            assert set(operation["responses"]) >= {"200", "400", "403", "404", "409"}
            if not action.form.base_fields:  # nothing to send (close, declare admissible)
                assert "requestBody" not in operation or not operation["requestBody"].get(
                    "required"
                )
                continue
            body = operation["requestBody"]["content"]["application/json"]["schema"]
            name = body["$ref"].rsplit("/", 1)[1]
            fields = set(schema["components"]["schemas"][name].get("properties", {}))
            assert fields == set(action.form.base_fields), (action.name, fields)


def test_a_forms_fields_make_the_serializer_with_the_same_limits_and_rows(body):
    class Example(forms.Form):
        text = forms.CharField(max_length=10)
        note = forms.CharField(max_length=5, required=False)
        to_body = forms.ModelChoiceField(PublicBody.objects.all(), to_field_name="code")
        on = forms.DateField(required=False)
        flag = forms.BooleanField(required=False)

    serializer = serializer_for(Example(), "ExampleInput")(
        data={"text": "x" * 11, "to_body": "nowhere"}
    )
    assert not serializer.is_valid()
    assert set(serializer.errors) == {"text", "to_body"}

    ok = serializer_for(Example(), "ExampleInput")(data={"text": "bonjour", "to_body": body.code})
    assert ok.is_valid(), ok.errors
    # Left out, an optional field gives what its form field gives when left empty.
    assert ok.validated_data == {
        "text": "bonjour",
        "note": "",
        "to_body": body,
        "on": None,
        "flag": False,
    }


def _submitted(client, body):
    created = client.post(
        "/api/v1/requests/",
        {
            "body": body.code,
            "subject": "Marchés publics 2025",
            "information_requested": "La liste des marchés attribués.",
            "first_name": "Amina",
            "last_name": "Ouazzani",
            "address": "12 rue Oued Fès, Rabat",
            "id_number": "AB123456",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    return created.json()


def test_the_page_and_the_api_refuse_a_department_of_another_body_alike(
    body, citizen, officer, department, client, clock
):
    citizen_api = APIClient()
    citizen_api.force_authenticate(citizen)
    data = _submitted(citizen_api, body)
    elsewhere = PublicBodyFactory().departments.create(code="ailleurs", name_fr="Ailleurs")

    officer_api = APIClient()
    officer_api.force_authenticate(officer)
    refused = officer_api.post(
        f"/api/v1/requests/{data['id']}/assign/", {"department": elsewhere.pk}, format="json"
    )
    assert refused.status_code == 400 and "department" in refused.json()["fields"]

    client.force_login(officer)
    page = client.post(f"/requests/{data['reference']}/do/assign/", {"department": elsewhere.pk})
    assert page.status_code == 400
    assert page.context["action_forms"]["assign"].errors["department"]


def test_an_officer_assigns_a_person_of_the_department_from_the_page(
    body, citizen, officer, department, client, clock
):
    citizen_api = APIClient()
    citizen_api.force_authenticate(citizen)
    data = _submitted(citizen_api, body)
    staff = member(Role.DEPARTMENT_STAFF, body, department, full_name="Salma Idrissi")

    client.force_login(officer)
    shown = client.get(f"/requests/{data['reference']}/")
    form = shown.context["action_forms"]["assign"]
    assert form.submit_label == REQUEST_ACTIONS["assign"].label
    assert staff in form.fields["assignee"].queryset

    done = client.post(
        f"/requests/{data['reference']}/do/assign/",
        {"department": department.pk, "assignee": staff.pk},
    )
    assert done.status_code == 302
    assigned = InformationRequest.objects.get(pk=data["id"])
    assert assigned.state == State.ASSIGNED and assigned.assignee == staff

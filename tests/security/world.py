"""One small world in which every role has something to see, or not to see.

Two bodies, a department in each, one person per role, and the citizen's
requests in several states (submitted with an attachment, refused and taken to
the head and to the commission, granted and published). The access matrix and
the personal-data scans run against it.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import time_machine
from django.db import transaction
from django.test import Client, override_settings

from ati.accounts.models import Role
from ati.appeals import services as appeal_services
from ati.bodies.models import Department, PublicBody
from ati.library import services as library_services
from ati.library.models import Publication
from ati.requests import services as request_services
from ati.requests.models import InformationRequest
from tests.factories import DepartmentFactory, PublicBodyFactory, UserFactory, member

# Friday 30 October 2026, mid-morning in Rabat (as in tests/requests).
NOW = dt.datetime(2026, 10, 30, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))

#: Every role the issue names, in the order the matrix lists them.
ROLES = (
    "anonymous",
    "citizen",
    "other_citizen",
    "officer",
    "other_officer",
    "other_staff",
    "head",
    "commissioner",
    "administrator",
)

#: The applicants' identities: each one must never appear where the public can read it.
IDENTITIES = [
    {
        "first_name": "Zineb",
        "last_name": "Qorchi-Belmokhtar",
        "id_number": "QZ918273",
        "email": "zineb.qorchi@example.org",
        "phone": "0661 98 76 54",
        "address": "17 derb Sidi Bouloukat, Marrakech",
    },
    {
        "first_name": "Youssef",
        "last_name": "Ait-Hammadouch",
        "id_number": "YH564738",
        "email": "youssef.hammadouch@example.org",
        "phone": "0672 11 22 33",
        "address": "4 impasse des Orangers, Tiznit",
    },
]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@dataclass
class World:
    body: PublicBody
    other_body: PublicBody
    department: Department
    other_department: Department
    users: dict[str, Any]
    submitted: InformationRequest
    refused: InformationRequest
    granted: InformationRequest
    other_request: InformationRequest  # another citizen's, at the other body
    complaint: Any
    appeal: Any
    published: Publication
    pending: Publication
    attachment_id: int
    extra: dict[str, Any] = field(default_factory=dict)


def _applicant(identity: dict[str, str], email: str) -> request_services.ApplicantDetails:
    return request_services.ApplicantDetails(
        first_name=identity["first_name"],
        last_name=identity["last_name"],
        address=identity["address"],
        id_number=identity["id_number"],
        email=email,
        phone=identity["phone"],
        language="fr",
    )


def _details(subject: str, **kw: Any) -> request_services.RequestDetails:
    return request_services.RequestDetails(
        subject=subject,
        information_requested=f"{subject}: les documents de l'année 2025.",
        **kw,
    )


def build_world() -> World:
    """Build the world at NOW (the caller holds the clock there)."""
    body = PublicBodyFactory()
    other_body = PublicBodyFactory()
    department = DepartmentFactory(body=body)
    other_department = DepartmentFactory(body=other_body)
    id1, id2 = IDENTITIES
    users: dict[str, Any] = {
        "anonymous": None,
        "citizen": UserFactory(
            role=Role.CITIZEN,
            email=id1["email"],
            full_name=f"{id1['first_name']} {id1['last_name']}",
        ),
        "other_citizen": UserFactory(
            role=Role.CITIZEN,
            email=id2["email"],
            full_name=f"{id2['first_name']} {id2['last_name']}",
        ),
        "officer": member(Role.OFFICER, body),
        "other_officer": member(Role.OFFICER, other_body),
        "other_staff": member(Role.DEPARTMENT_STAFF, other_body, other_department),
        "head": member(Role.HEAD_OF_BODY, body),
        "commissioner": UserFactory(role=Role.COMMISSION_MEMBER),
        "administrator": UserFactory(role=Role.ADMINISTRATOR, is_superuser=True, is_staff=True),
    }
    citizen, officer = users["citizen"], users["officer"]
    applicant = _applicant(id1, citizen.email)

    def submit(subject: str, **kw: Any) -> InformationRequest:
        return request_services.submit_request(
            citizen, body=body, applicant=applicant, details=_details(subject, **kw)
        )

    upload = request_services.Upload(file=io.BytesIO(PDF), name="piece.pdf", size=len(PDF))
    submitted = submit("Marchés publics de 2025", attachments=[upload])
    attachment_id = submitted.attachments.get().pk

    refused = submit("Rapport d'inspection des prisons")
    refused = request_services.answer(
        officer, refused, outcome="refused", text="Refusé.", grounds=["state-security"]
    )
    complaint = appeal_services.file_complaint(
        citizen, refused, ground="refusal", reasons="Refus non fondé."
    )
    complaint = appeal_services.confirm_complaint(users["head"], complaint, text="Confirmé.")
    appeal = appeal_services.file_appeal(citizen, refused, reasons="À la commission.")
    commission = users["commissioner"]
    appeal = appeal_services.declare_admissible(commission, appeal)
    appeal = appeal_services.request_observations(commission, appeal, note="Pourquoi ?")
    appeal = appeal_services.decide(
        commission, appeal, decision="disclosure_ordered", reasons="Rien ne justifie le refus."
    )

    granted = submit("Budget exécuté des hôpitaux")
    granted = request_services.answer(
        officer,
        granted,
        outcome="granted",
        text=f"Voici le budget demandé par {id1['first_name']} {id1['last_name']}.",
    )
    import weasyprint
    from django.core.files.uploadedfile import SimpleUploadedFile

    page_pdf = weasyprint.HTML(string="<p>Budget 2025 : 12 500 000 dirhams.</p>").write_pdf()
    published = library_services.propose_proactive(
        officer,
        body,
        category="budgets",
        title="Budget 2025",
        text="Le budget 2025 de l'organisme.",
        language="fr",
        uploads=[SimpleUploadedFile("budget.pdf", page_pdf)],
    )
    # Prepared here as the worker would (the task queued after commit never runs in a test).
    library_services.prepare_publication(published.pk)
    published = library_services.approve_and_publish(officer, published, title="Budget 2025")
    pending = library_services.propose_from_request(officer, granted)
    library_services._add_documents(pending, [("annexe.pdf", "application/pdf", page_pdf)])
    library_services.prepare_publication(pending.pk)
    pending.refresh_from_db()

    other_request = request_services.submit_request(
        users["other_citizen"],
        body=other_body,
        applicant=_applicant(id2, users["other_citizen"].email),
        details=_details("Plans du nouveau stade"),
    )
    # What the worker does once each submission has committed: its receipt and the
    # officers' notice (the test's transaction never commits).
    waiting = InformationRequest.objects.filter(submission_notices_pending=True)
    for pk in waiting.values_list("pk", flat=True):
        request_services.send_submission_notices(pk)
    return World(
        body=body,
        other_body=other_body,
        department=department,
        other_department=other_department,
        users=users,
        submitted=submitted,
        refused=refused,
        granted=granted,
        other_request=other_request,
        complaint=complaint,
        appeal=appeal,
        published=published,
        pending=pending,
        attachment_id=attachment_id,
    )


def test_transaction() -> transaction.Atomic:
    """`transaction.atomic()` that stands for a test's own, as Django's TestCase does: an
    entry point's durable transaction (an action posted) may run inside it."""
    block = transaction.atomic()
    block._from_testcase = True  # type: ignore[attr-defined]
    return block


@contextmanager
def world_in_a_transaction(django_db_blocker: Any) -> Iterator[World]:
    """The world for a whole test module, in a transaction rolled back at its end."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        time_machine.travel(NOW, tick=False),
        test_transaction(),
    ):
        yield build_world()
        transaction.set_rollback(True)


def client_for(world: World, role: str, **kwargs: Any) -> Client:
    """A client signed in (by session) as the role's person; anonymous for "anonymous"."""
    client = Client(**kwargs)
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    return client

"""Demo requests in every state, made through the services (so audited like real ones)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from ati.accounts.models import User
from ati.bodies.models import PublicBody
from ati.requests import services
from ati.requests.models import InformationRequest


def _applicant(user: User, **extra: Any) -> services.ApplicantDetails:
    first, _, last = user.full_name.partition(" ")
    values = {
        "first_name": first,
        "last_name": last or first,
        "address": "Avenue Mohammed V, Rabat",
        "id_number": "AB123456" if user.preferred_language == "fr" else "JK654321",
        "email": user.email,
        "phone": "0661 23 45 67",
        "language": user.preferred_language,
    }
    values.update(extra)
    return services.ApplicantDetails(**values)


# (subject, body, applicant e-mail, days ago received, steps to run after submission)
Step = Callable[[InformationRequest, dict[str, Any]], Any]


def _assign(dept: str) -> Step:
    return lambda req, who: services.assign(
        who["officer"], req, department=req.body.departments.get(code=dept)
    )


def _answer(outcome: str, text: str, **kw: Any) -> Step:
    return lambda req, who: services.answer(who["officer"], req, outcome=outcome, text=text, **kw)


SCENARIOS: list[tuple[str, str, str, int, bool, list[Step]]] = [
    ("Liste des pharmacies de garde à Rabat", "min-sante", "amina@ati.demo", 0, False, []),
    (
        "Budget exécuté des hôpitaux régionaux 2025",
        "min-sante",
        "amina@ati.demo",
        6,
        False,
        [_assign("hopitaux")],
    ),
    (
        "Délais d'attente aux urgences du CHU",
        "min-sante",
        "youssef@ati.demo",
        9,
        False,
        [
            _assign("hopitaux"),
            lambda r, w: services.submit_draft(
                w["staff"],
                r,
                outcome="granted",
                text="Veuillez trouver les délais moyens par mois.",
            ),
        ],
    ),
    (
        "Rapport d'inspection d'une clinique",
        "min-sante",
        "amina@ati.demo",
        4,
        False,
        [
            lambda r, w: services.request_clarification(
                w["officer"], r, question="De quelle clinique et de quelle année s'agit-il ?"
            )
        ],
    ),
    ("Stock national de vaccins", "min-sante", "youssef@ati.demo", 1, True, []),
    ("Contrats de nettoyage des hôpitaux", "min-sante", "amina@ati.demo", 35, False, []),
    # Overdue and left alone by the other demos (the appeals demo reopens the one above).
    ("Rapports d'audit des hôpitaux", "min-sante", "youssef@ati.demo", 45, False, []),
    (
        "Liste des médicaments remboursés",
        "min-sante",
        "youssef@ati.demo",
        15,
        False,
        [_answer("granted", "La liste est jointe et publiée sur le site du ministère.")],
    ),
    (
        "Marchés de maintenance des scanners",
        "min-sante",
        "amina@ati.demo",
        18,
        False,
        [
            _answer(
                "partially_granted",
                "Voici la liste des marchés et leurs montants.",
                grounds=["fair-competition"],
                withheld="Les offres techniques des candidats.",
            )
        ],
    ),
    (
        "Plans de sécurité des entrepôts de médicaments",
        "min-sante",
        "youssef@ati.demo",
        12,
        False,
        [_answer("refused", "Ces plans ne peuvent être communiqués.", grounds=["state-security"])],
    ),
    (
        "Permis de construire délivrés en 2025",
        "commune-rabat",
        "youssef@ati.demo",
        5,
        False,
        [_assign("urbanisme")],
    ),
    (
        "Compte administratif de la commune 2024",
        "commune-rabat",
        "amina@ati.demo",
        22,
        False,
        [
            _answer("granted", "Le compte administratif 2024 est joint."),
            lambda r, w: services.close(w["officer"], r),
        ],
    ),
    (
        "Qualité de l'eau potable à Salé",
        "commune-rabat",
        "amina@ati.demo",
        3,
        False,
        [
            lambda r, w: services.transfer(
                w["officer"],
                r,
                to_body=PublicBody.objects.get(code="onee"),
                reason="L'ONEE gère la distribution de l'eau potable.",
            )
        ],
    ),
    (
        "Registre des marchés de voirie",
        "commune-rabat",
        "youssef@ati.demo",
        7,
        False,
        [
            lambda r, w: services.withdraw(
                User.objects.get(email="youssef@ati.demo"), r, reason="J'ai trouvé l'information."
            )
        ],
    ),
    (
        "Coupures d'électricité à Témara",
        "onee",
        "amina@ati.demo",
        10,
        False,
        [
            _answer(
                "not_held",
                "L'ONEE ne détient pas ces données pour Témara.",
                holder="Société de distribution Rabat-Salé-Témara",
            )
        ],
    ),
]


def seed_requests() -> None:
    today = timezone.localdate()
    for subject, body_code, email, days_ago, urgent, steps in SCENARIOS:
        body = PublicBody.objects.get(code=body_code)
        if InformationRequest.objects.filter(body=body, subject=subject).exists():
            continue
        citizen = User.objects.get(email=email)
        officer = body.memberships.filter(role="officer").select_related("user").first()
        staff = body.memberships.filter(role="department_staff").select_related("user").first()
        who = {"officer": officer.user if officer else None, "staff": staff.user if staff else None}
        details = services.RequestDetails(
            subject=subject,
            urgent=urgent,
            urgency_reason="Un patient a besoin du vaccin cette semaine." if urgent else "",
            information_requested=f"Je souhaite obtenir : {subject.lower()}, "
            "sous forme électronique si possible.",
        )
        if days_ago:
            # Older requests arrive as paper mail recorded by the officer, dated in the past.
            req = services.submit_request(
                who["officer"],
                body=body,
                applicant=_applicant(citizen),
                details=details,
                channel="post",
                received_on=today - dt.timedelta(days=days_ago),
            )
            InformationRequest.objects.filter(pk=req.pk).update(applicant=citizen)
            req.refresh_from_db()
        else:
            req = services.submit_request(
                citizen, body=body, applicant=_applicant(citizen), details=details
            )
        for step in steps:
            step(req, who)
            req.refresh_from_db()

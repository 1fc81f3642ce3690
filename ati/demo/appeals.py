"""Demo complaints and appeals in several stages, made through the services.

Builds on the demo requests of `ati.demo.requests` (the refused, partial and overdue
ones of the Ministry of Health). Idempotent: a request that already has a
complaint or an appeal is left alone.
"""

from __future__ import annotations

from django.db import transaction

from ati.accounts.models import User
from ati.appeals import services
from ati.appeals.models import Commission, Decision, Ground
from ati.audit.services import record
from ati.requests.models import InformationRequest


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _request(subject: str) -> InformationRequest | None:
    req = InformationRequest.objects.filter(subject=subject).first()
    if req is None or req.complaints.exists() or req.appeals.exists():
        return None
    return req


def seed_commission() -> None:
    """The commission's letterhead and signatory, as its decisions print them."""
    if Commission.objects.exists():
        return
    commission = Commission(
        address="Avenue Annakhil, Hay Riad, Rabat",
        email="contact@cdai.demo.ma",
        signatory_name="Meryem Lahlou",
    )
    commission.save()
    record("commission.created", obj=commission, reason="seed_demo")


def seed_appeals() -> None:
    seed_commission()
    head = _user("head.sante@ati.demo")
    officer = _user("officer.sante@ati.demo")
    commission = _user("commission@ati.demo")
    rapporteur = _user("rapporteur@ati.demo")

    # A partial answer: the complaint awaits the head's decision.
    req = _request("Marchés de maintenance des scanners")
    if req is not None:
        services.file_complaint(
            _user("amina@ati.demo"),
            req,
            ground=Ground.PARTIAL,
            reasons="Les offres techniques ne relèvent d'aucune exception une fois le marché "
            "attribué.",
        )

    # A refusal confirmed by the head, then an appeal being instructed by a rapporteur.
    req = _request("Plans de sécurité des entrepôts de médicaments")
    if req is not None:
        with transaction.atomic():
            youssef = _user("youssef@ati.demo")
            complaint = services.file_complaint(
                youssef,
                req,
                ground=Ground.REFUSAL,
                reasons="أطلب على الأقل المعلومات غير الحساسة حول سعة المستودعات.",
            )
            services.confirm_complaint(
                head, complaint, text="Le refus est confirmé : sécurité de l'État (art. 7)."
            )
            appeal = services.file_appeal(youssef, req, reasons="أطلب من اللجنة فحص هذا الرفض.")
            services.declare_admissible(commission, appeal)
            services.assign_rapporteur(commission, appeal, rapporteur=rapporteur)
            services.request_observations(
                commission,
                appeal,
                note="Précisez quelles parties des plans mettraient en cause la sécurité.",
            )

    # Silence, a complaint the head rejected, and a disclosure order awaiting compliance.
    req = _request("Contrats de nettoyage des hôpitaux")
    if req is not None:
        with transaction.atomic():
            amina = _user("amina@ati.demo")
            complaint = services.file_complaint(
                amina,
                req,
                ground=Ground.DEEMED_REFUSAL,
                reasons="Aucune réponse dans le délai légal.",
            )
            services.confirm_complaint(
                head, complaint, text="La réponse est en préparation au service."
            )
            appeal = services.file_appeal(amina, req, reasons="Le silence vaut refus.")
            services.declare_admissible(commission, appeal)
            services.assign_rapporteur(commission, appeal, rapporteur=rapporteur)
            services.request_observations(
                commission, appeal, note="Pourquoi la demande est-elle restée sans réponse ?"
            )
            services.submit_observations(
                officer, appeal, text="Le service des marchés était en sous-effectif."
            )
            services.draft_decision(
                rapporteur,
                appeal,
                decision=Decision.DISCLOSURE_ORDERED,
                reasons="Les contrats publics ne relèvent d'aucune exception de l'article 7.",
            )
            services.decide(
                commission,
                appeal,
                decision=Decision.DISCLOSURE_ORDERED,
                reasons="Les contrats de nettoyage sont des documents "
                "administratifs communicables : aucune exception de "
                "l'article 7 n'est invoquée. Le ministère les "
                "communique dans le délai fixé.",
            )

"""Demo data: a few real-looking bodies, their staff, the commission and citizens.

Idempotent: every object is found by its code or e-mail and created only when
missing, so `seed_demo` can run at every `make demo`. Then each app's demo, in
the order they build on each other: requests, complaints and appeals, the
statistics' history, the library (ati/demo/requests.py, appeals.py, stats.py,
library.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from ati.accounts.models import Role, User
from ati.accounts.services import enrol_authenticator_app
from ati.audit.services import record
from ati.bodies.models import BodyKind, Department, Membership, PublicBody

DEMO_PASSWORD = "demo-ati-2026"  # noqa: S105 - printed on purpose: these are demo accounts
#: The authenticator-app secret of every demo staff account (staff sign in with two
#: factors): public on purpose, like the password. Add it to an authenticator app, or
#: read the current code from `seed_demo`'s output (docs/security.md, "Accounts").
DEMO_TOTP_SECRET = "ATIDEMOSTAFFATIDEMOSTAFFATIDEMO2"  # noqa: S105


def demo_totp_code() -> str:
    """The demo staff accounts' current code (what an authenticator app shows now)."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time()) // 30))


BODIES: list[dict[str, Any]] = [
    {
        "code": "min-sante",
        "kind": BodyKind.MINISTRY,
        "name_fr": "Ministère de la Santé et de la Protection sociale",
        "name_ar": "وزارة الصحة والحماية الاجتماعية",
        "name_en": "Ministry of Health and Social Protection",
        "email": "dai@sante.demo.ma",
        "address": "335, avenue Mohammed V, BP 805, Rabat",
        "signatory_name": "Karim Bennani",
        "signatory_title_fr": "Chargé de l'information",
        "signatory_title_ar": "المكلف بالمعلومات",
        "signatory_title_en": "Information officer",
        "departments": [
            (
                "hopitaux",
                "Direction des hôpitaux et des soins ambulatoires",
                "مديرية المستشفيات والعلاجات المتنقلة",
                "Hospitals and Outpatient Care Directorate",
            ),
            (
                "medicament",
                "Direction du médicament et de la pharmacie",
                "مديرية الأدوية والصيدلة",
                "Medicines and Pharmacy Directorate",
            ),
        ],
    },
    {
        "code": "commune-rabat",
        "kind": BodyKind.LOCAL_AUTHORITY,
        "name_fr": "Commune de Rabat",
        "name_ar": "جماعة الرباط",
        "name_en": "Municipality of Rabat",
        "email": "dai@rabat.demo.ma",
        "address": "Hôtel de ville, avenue Mohammed V, Rabat",
        "signatory_name": "Hicham Tazi",
        "signatory_title_fr": "Chargé de l'information",
        "signatory_title_ar": "المكلف بالمعلومات",
        "signatory_title_en": "Information officer",
        "departments": [
            ("urbanisme", "Service de l'urbanisme", "مصلحة التعمير", "Urban Planning Service"),
            ("finances", "Service des finances", "مصلحة المالية", "Finance Service"),
        ],
    },
    {
        "code": "onee",
        "kind": BodyKind.PUBLIC_ESTABLISHMENT,
        "name_fr": "Office national de l'électricité et de l'eau potable",
        "name_ar": "المكتب الوطني للكهرباء والماء الصالح للشرب",
        "name_en": "National Office of Electricity and Drinking Water",
        "email": "dai@onee.demo.ma",
        "address": "65, rue Othman Ben Affane, Casablanca",
        "signatory_name": "Omar Chraibi",
        "signatory_title_fr": "Chargé de l'information",
        "signatory_title_ar": "المكلف بالمعلومات",
        "signatory_title_en": "Information officer",
        "departments": [
            ("eau", "Branche eau", "قطاع الماء", "Water Branch"),
        ],
    },
]


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    role: Role
    body: str = ""
    department: str = ""
    language: str = "fr"


ACCOUNTS = [
    DemoAccount("admin@ati.demo", "Administratrice ati", Role.ADMINISTRATOR),
    DemoAccount("officer.sante@ati.demo", "Karim Bennani", Role.OFFICER, "min-sante"),
    DemoAccount(
        "staff.hopitaux@ati.demo", "Salma Idrissi", Role.DEPARTMENT_STAFF, "min-sante", "hopitaux"
    ),
    DemoAccount("head.sante@ati.demo", "Nadia El Fassi", Role.HEAD_OF_BODY, "min-sante"),
    DemoAccount(
        "officer.rabat@ati.demo", "Hicham Tazi", Role.OFFICER, "commune-rabat", language="ar"
    ),
    DemoAccount(
        "staff.urbanisme@ati.demo",
        "Rachid Alaoui",
        Role.DEPARTMENT_STAFF,
        "commune-rabat",
        "urbanisme",
        language="ar",
    ),
    DemoAccount("head.rabat@ati.demo", "Latifa Berrada", Role.HEAD_OF_BODY, "commune-rabat"),
    DemoAccount("officer.onee@ati.demo", "Omar Chraibi", Role.OFFICER, "onee"),
    DemoAccount("commission@ati.demo", "Meryem Lahlou", Role.COMMISSION_MEMBER),
    DemoAccount("rapporteur@ati.demo", "Driss Amrani", Role.COMMISSION_MEMBER, language="ar"),
    DemoAccount("amina@ati.demo", "Amina Ouazzani", Role.CITIZEN),
    DemoAccount("youssef@ati.demo", "يوسف الحسني", Role.CITIZEN, language="ar"),
]


def seed_bodies() -> dict[str, PublicBody]:
    bodies = {}
    for spec in BODIES:
        spec = dict(spec)
        departments = spec.pop("departments")
        body, created = PublicBody.objects.get_or_create(code=spec["code"], defaults=spec)
        if created:
            record("body.created", obj=body, reason="seed_demo")
        for code, fr, ar, en in departments:
            dept, created = Department.objects.get_or_create(
                body=body, code=code, defaults={"name_fr": fr, "name_ar": ar, "name_en": en}
            )
            if created:
                record("department.created", obj=dept, reason="seed_demo")
        bodies[body.code] = body
    return bodies


def seed_accounts(bodies: dict[str, PublicBody]) -> list[DemoAccount]:
    for account in ACCOUNTS:
        user = User.objects.filter(email=account.email).first()
        if user is None:
            user = User(
                email=account.email,
                full_name=account.full_name,
                role=account.role,
                preferred_language=account.language,
                email_verified=True,
                is_superuser=account.role == Role.ADMINISTRATOR,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            record("account.created", obj=user, after={"role": user.role}, reason="seed_demo")
        if account.role != Role.CITIZEN:
            enrol_authenticator_app(user, DEMO_TOTP_SECRET, reason="seed_demo")
        if account.body:
            body = bodies[account.body]
            dept = body.departments.get(code=account.department) if account.department else None
            membership, created = Membership.objects.get_or_create(
                user=user, body=body, role=account.role, department=dept
            )
            if created:
                record("membership.created", obj=membership, reason="seed_demo")
    return ACCOUNTS


@transaction.atomic
def seed() -> list[DemoAccount]:
    bodies = seed_bodies()
    accounts = seed_accounts(bodies)
    # The demo app sits above every other (docs/architecture.md): it calls them in turn.
    from .appeals import seed_appeals
    from .library import seed_library
    from .requests import seed_requests
    from .stats import seed_history

    for step in (seed_requests, seed_appeals, seed_history, seed_library):
        step()
    return accounts

"""Demo history: a year of answered requests, so the statistics page has real charts.

About 150 requests received over the past twelve months by the demo bodies, each
with a realistic time to answer (some bodies quicker than others, some answers
late), recorded in bulk as closed or withdrawn: none of them appears in a queue.
Idempotent: each has a fixed reference (``H-<body>-<n>``), created only when missing.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from ati.bodies.models import PublicBody
from ati.law import selectors as law
from ati.law.models import ExceptionGround
from ati.requests.models import InformationRequest, Outcome, State

#: body code: (requests, typical working days to answer, share answered late)
PROFILES: dict[str, tuple[int, int, float]] = {
    "min-sante": (60, 14, 0.2),
    "commune-rabat": (55, 8, 0.05),
    "onee": (40, 19, 0.4),
}
SUBJECTS = [
    "Budget exécuté {year}",
    "Marchés publics attribués en {year}",
    "Rapport d'activité {year}",
    "Organigramme et effectifs {year}",
    "Subventions versées aux associations en {year}",
    "Statistiques de fréquentation {year}",
]
GROUNDS = [
    "private-life",
    "fair-competition",
    "state-security",
    "in-preparation",
    "administrative-investigations",
]
OUTCOMES = [
    (Outcome.GRANTED, 0.55),
    (Outcome.PARTIALLY_GRANTED, 0.15),
    (Outcome.REFUSED, 0.15),
    (Outcome.NOT_HELD, 0.08),
    ("withdrawn", 0.07),
]


def _pick(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for outcome, share in OUTCOMES:
        total += share
        if roll < total:
            return outcome
    return Outcome.GRANTED


def _history_for(body: PublicBody, today: dt.date, existing: set[str]) -> list[Any]:
    count, typical, late_share = PROFILES[body.code]
    rng = random.Random(f"ati-history-{body.code}")  # noqa: S311 - demo data, same at every run
    version = law.current_version(body.legal_profile.code, today)
    calendar = law.working_calendar(version)
    departments = list(body.departments.order_by("pk"))
    grounds = {g.code: g for g in version.grounds.filter(code__in=GROUNDS)}
    built = []
    for n in range(1, count + 1):
        reference = f"H-{body.code}-{n:03d}"
        # Every draw happens even for existing rows, so each reference keeps its story.
        received = calendar.next_working_day(today - dt.timedelta(days=rng.randint(45, 365)))
        outcome = _pick(rng)
        late = rng.random() < late_share
        days = rng.randint(21, 34) if late else max(1, min(20, int(rng.gauss(typical, 4))))
        ground_code = rng.choice(GROUNDS)
        subject = rng.choice(SUBJECTS).format(year=received.year - 1)
        if reference in existing:
            continue
        due = law.request_schedule(version, received).response_due.due
        answered_on = calendar.add_working_days(received, days)
        at = timezone.make_aware(dt.datetime.combine(answered_on, dt.time(11, 0)))
        withdrawn = outcome == "withdrawn"
        req = InformationRequest(
            reference=reference,
            body=body,
            profile_version=version,
            department=departments[n % len(departments)] if departments else None,
            applicant_first_name="Demande",
            applicant_last_name="historique",
            applicant_address="—",
            applicant_id_number="—",
            applicant_email="history@ati.invalid",
            subject=subject,
            information_requested=subject,
            channel="post",
            submitted_at=timezone.make_aware(dt.datetime.combine(received, dt.time(9, 0))),
            received_on=received,
            clock_started_on=received,
            response_due=due,
            original_response_due=due,
            state=State.WITHDRAWN if withdrawn else State.CLOSED,
            outcome="" if withdrawn else outcome,
            answer_text="" if withdrawn else "Réponse archivée (historique de démonstration).",
            answered_at=None if withdrawn else at,
            closed_at=at,
        )
        needs_ground = outcome in (Outcome.REFUSED, Outcome.PARTIALLY_GRANTED)
        built.append((req, grounds.get(ground_code) if needs_ground else None))
    return built


@transaction.atomic
def seed_history() -> None:
    today = timezone.localdate()
    existing = set(
        InformationRequest.objects.filter(reference__startswith="H-").values_list(
            "reference", flat=True
        )
    )
    built = []
    for body in PublicBody.objects.filter(code__in=PROFILES):
        built.extend(_history_for(body, today, existing))
    if built:
        created = InformationRequest.objects.bulk_create([req for req, _g in built])
        through = InformationRequest.refusal_grounds.through
        links = [
            through(informationrequest_id=req.pk, exceptionground_id=ground.pk)
            for req, (_r, ground) in zip(created, built, strict=True)
            if isinstance(ground, ExceptionGround)
        ]
        if links and all(req.pk for req in created):
            through.objects.bulk_create(links)
    from ati.stats.compute import refresh_stats

    refresh_stats()

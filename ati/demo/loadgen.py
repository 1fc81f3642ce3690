# ruff: noqa: S608 S106 - table names come from the models; "!" is Django's unusable password
"""Realistic data at national scale, for benchmarks (`manage.py generate_load_data`).

Bodies with departments and staff, citizens, requests in every state received
over five years (due dates from the deadline engine, one computation per
distinct received date), messages, complaints and appeals in the proportions a
real system sees, and published library documents in French (two thirds) and
Arabic (one third), indexed for search.

Rows are built as tuples and written in large batches: ``COPY`` on PostgreSQL,
``executemany`` on SQLite. Primary keys are given explicitly (so that messages
and complaints can point at their request without reading it back) and the
sequences are reset at the end. No audit events and no notifications are
generated: the audit chain of an existing database stays as it was.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from ati.core.progress import Progress, Silent

BATCH = 20_000

#: Share of requests by state for those received more than 90 days ago (per mille).
OLD_STATES = [
    ("closed", 560),
    ("answered", 300),
    ("withdrawn", 30),
    ("transferred", 40),
    ("submitted", 20),  # never answered: deemed refusals still on the books
    ("assigned", 40),
    ("awaiting_clarification", 10),
]
#: ... and for the last 90 days, most of them still being handled.
RECENT_STATES = [
    ("submitted", 200),
    ("assigned", 300),
    ("awaiting_clarification", 60),
    ("draft_ready", 90),
    ("answered", 200),
    ("closed", 100),
    ("withdrawn", 20),
    ("transferred", 30),
]
OUTCOMES = [("granted", 62), ("partially_granted", 14), ("refused", 11), ("not_held", 13)]
CHANNELS = [("online", 70), ("email", 12), ("in_person", 10), ("post", 8)]
#: Complaints: ~4 % of refused, partial or unanswered requests... rounded to a share of all.
COMPLAINT_STATES = [("confirmed", 45), ("overturned", 25), ("lapsed", 20), ("filed", 10)]
APPEAL_STATES = [
    ("decided", 35),
    ("complied", 20),
    ("not_complied", 5),
    ("inadmissible", 15),
    ("filed", 8),
    ("admissible", 5),
    ("observations_requested", 7),
    ("observations_received", 5),
]
CATEGORIES = ["answer", "budgets", "procurement", "reports", "statistics", "exams", "laws"]

FR_WORDS = [
    "budget",
    "hôpital",
    "marché",
    "public",
    "recrutement",
    "concours",
    "rapport",
    "statistique",
    "commune",
    "eau",
    "électricité",
    "santé",
    "école",
    "route",
    "permis",
    "construction",
    "subvention",
    "contrat",
    "maintenance",
    "nettoyage",
    "transport",
    "déchets",
    "éclairage",
    "associations",
    "formation",
    "infirmiers",
    "médecins",
    "urgences",
    "vaccins",
    "pharmacie",
    "appel",
    "offres",
    "résultats",
    "région",
    "province",
    "ministère",
    "direction",
    "service",
    "dépenses",
    "recettes",
    "exercice",
    "projet",
    "travaux",
    "étude",
    "programme",
    "plan",
    "annuel",
    "commission",
    "délibération",
    "conseil",
    "arrêté",
    "décision",
    "liste",
    "bénéficiaires",
    "montant",
    "dirhams",
]
AR_WORDS = [
    "ميزانية",
    "مستشفى",
    "صفقة",
    "عمومية",
    "توظيف",
    "مباراة",
    "تقرير",
    "إحصاء",
    "جماعة",
    "ماء",
    "كهرباء",
    "صحة",
    "مدرسة",
    "طريق",
    "رخصة",
    "بناء",
    "دعم",
    "عقد",
    "صيانة",
    "نظافة",
    "نقل",
    "نفايات",
    "إنارة",
    "جمعيات",
    "تكوين",
    "ممرضين",
    "أطباء",
    "مستعجلات",
    "لقاحات",
    "صيدلية",
    "طلب",
    "عروض",
    "نتائج",
    "جهة",
    "إقليم",
    "وزارة",
    "مديرية",
    "مصلحة",
    "نفقات",
    "مداخيل",
    "سنة",
    "مشروع",
    "أشغال",
    "دراسة",
    "برنامج",
    "مخطط",
    "لجنة",
    "مداولة",
    "مجلس",
    "قرار",
    "لائحة",
    "المستفيدين",
    "مبلغ",
    "درهم",
]
FR_SYLLABLES = [
    "ba",
    "ri",
    "to",
    "ma",
    "ne",
    "lu",
    "sa",
    "co",
    "de",
    "pi",
    "ra",
    "mo",
    "ve",
    "ti",
    "na",
    "lo",
    "gu",
    "fe",
]
AR_SYLLABLES = [
    "با",
    "ري",
    "تو",
    "ما",
    "نو",
    "لي",
    "سا",
    "كو",
    "دي",
    "في",
    "را",
    "مو",
    "وا",
    "تي",
    "نا",
    "لو",
    "قو",
    "سي",
]


@dataclass
class Plan:
    bodies: int = 500
    requests: int = 1_000_000
    documents: int = 100_000
    years: int = 5
    today: dt.date = field(default_factory=timezone.localdate)
    seed: int = 3113

    @classmethod
    def quick(cls) -> Plan:
        """One tenth of the national scale."""
        return cls(bodies=50, requests=100_000, documents=10_000)


@dataclass
class Report:
    counts: Counter[str] = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)


def _pick(rng: random.Random, table: Sequence[tuple[str, int]]) -> Callable[[], str]:
    values = [v for v, _ in table]
    cum, total = [], 0
    for _, w in table:
        total += w
        cum.append(total)
    return lambda: rng.choices(values, cum_weights=cum)[0]


# --- writing rows -------------------------------------------------------------------


class Writer:
    """Inserts tuples into a model's table: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self, model: type[models.Model], values: dict[str, Any]):
        """``values``: attname -> a constant for every row, or None to give it per row."""
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.per_row: list[str] = []
        self.constants: dict[str, Any] = {}
        for f in self.fields:
            if f.attname in values:
                if values[f.attname] is PER_ROW:
                    self.per_row.append(f.attname)
                else:
                    self.constants[f.attname] = values[f.attname]
            elif f.has_default():
                self.constants[f.attname] = f.get_default()
            elif f.null:
                self.constants[f.attname] = None
            else:
                self.constants[f.attname] = ""
        # Constants as the database takes them (JSON, decimals, dates), once.
        by_name = {f.attname: f for f in self.fields}
        self.constants = {
            k: by_name[k].get_db_prep_save(v, connection) for k, v in self.constants.items()
        }
        self.columns = [f.column for f in self.fields]
        self.sqlite = connection.vendor == "sqlite"
        self.kinds = [f.get_internal_type() for f in self.fields]

    def _adapt(self, value: Any, kind: str) -> Any:
        if value is None or not self.sqlite:
            return value
        if kind == "DateTimeField":
            return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
        if kind == "DateField":
            return value.isoformat()
        if kind == "DecimalField":
            return str(value)
        return value

    def write(self, rows: Iterable[dict[str, Any]]) -> int:
        """Rows are dicts holding the per-row attnames; returns how many were written."""
        order = [(f.attname, k) for f, k in zip(self.fields, self.kinds, strict=True)]
        adapt_cols = {
            i
            for i, (_, k) in enumerate(order)
            if k in ("DateTimeField", "DateField", "DecimalField")
        }
        n = 0
        batch: list[tuple[Any, ...]] = []
        table = self.model._meta.db_table
        for row in rows:
            values = []
            for i, (name, kind) in enumerate(order):
                if name in row:
                    v = row[name]
                    if i in adapt_cols and self.sqlite:
                        v = self._adapt(v, kind)
                else:
                    v = self.constants[name]
                values.append(v)
            batch.append(tuple(values))
            if len(batch) >= BATCH:
                n += self._flush(table, batch)
                batch = []
        if batch:
            n += self._flush(table, batch)
        return n

    def _flush(self, table: str, batch: list[tuple[Any, ...]]) -> int:
        cols = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cursor:
            if self.sqlite:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", batch)
            else:
                raw = cursor.cursor  # psycopg's own cursor: COPY
                with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for values in batch:
                        copy.write_row(values)
        _PROGRESS[-1].update(len(batch))
        return len(batch)


PER_ROW = object()
#: The progress of the step being generated (Writer._flush reports each batch).
_PROGRESS: list[Progress] = [Silent()]


def _next_id(model: type[models.Model]) -> int:
    agg = model._default_manager.aggregate(m=models.Max("pk"))["m"]
    return int(agg or 0) + 1


def _reset_sequences(*models_: type[models.Model]) -> None:
    sql = connection.ops.sequence_reset_sql(no_style(), list(models_))
    with connection.cursor() as cursor:
        for statement in sql:
            cursor.execute(statement)


# --- texts ---------------------------------------------------------------------------


def vocabulary(base: list[str], syllables: list[str], size: int, rng: random.Random) -> list[str]:
    """A Zipf-like vocabulary: the real words first (frequent), then rarer made-up words."""
    words, seen = list(base), set(base)
    while len(words) < size:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


class Texts:
    """Zipf-like prose: the real words are the frequent ones, made-up words the long tail."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.vocab = {
            "fr": vocabulary(FR_WORDS, FR_SYLLABLES, 20_000, rng),
            "ar": vocabulary(AR_WORDS, AR_SYLLABLES, 20_000, rng),
        }
        self.pools: dict[tuple[str, int, int], list[str]] = {}
        self.cum = {}
        for lang, words in self.vocab.items():
            total, cum = 0.0, []
            for rank in range(len(words)):
                total += 1 / (rank + 3)
                cum.append(total)
            self.cum[lang] = cum

    def words(self, lang: str, n: int) -> list[str]:
        return self.rng.choices(self.vocab[lang], cum_weights=self.cum[lang], k=n)

    def prose(self, lang: str, n: int) -> str:
        chosen = self.words(lang, n)
        return " ".join(" ".join(chosen[i : i + 14]) + "." for i in range(0, n, 14))

    def pooled(self, lang: str, low: int, high: int) -> str:
        """A text from a pool of 2,000 per language and length: requests need not be unique."""
        key = (lang, low, high)
        pool = self.pools.get(key)
        if pool is None:
            pool = [self.prose(lang, self.rng.randint(low, high)) for _ in range(2000)]
            self.pools[key] = pool
        return pool[self.rng.randrange(len(pool))]


# --- the generator -------------------------------------------------------------------


def generate(
    plan: Plan, log: Callable[[str], None] = lambda s: None, progress: bool = False
) -> Report:
    """Fill the database; with `progress`, a bar per step on a terminal (lines otherwise)."""
    import time

    report = Report()
    rng = random.Random(plan.seed)  # noqa: S311 - test data, the same at every run
    texts = Texts(rng)
    steps = [
        ("bodies", _bodies),
        ("citizens", _citizens),
        ("requests", _requests),
        ("messages", _messages),
        ("complaints_appeals", _complaints_and_appeals),
        ("documents", _documents),
    ]
    state: dict[str, Any] = {}
    for name, step in steps:
        started = time.perf_counter()
        total = {"requests": plan.requests, "documents": plan.documents}.get(name)
        _PROGRESS.append(Progress(name, total, enabled=progress) if progress else Silent())
        try:
            with transaction.atomic():
                step(plan, rng, texts, state, report)
        finally:
            _PROGRESS.pop().close()
        report.seconds[name] = time.perf_counter() - started
        log(f"{name}: {report.seconds[name]:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return report


def _bodies(
    plan: Plan, rng: random.Random, texts: Texts, state: dict[str, Any], report: Report
) -> None:
    from ati.accounts.models import Role, User
    from ati.bodies.models import Department, Membership, PublicBody, search_text_of
    from ati.law.selectors import default_profile_version

    version = default_profile_version(plan.today)
    state["version"] = version
    prefix = f"load{_next_id(PublicBody)}"
    kinds = ["ministry", "public_establishment", "local_authority", "regional_authority"]
    new_bodies = [
        PublicBody(
            code=f"{prefix}-{i:04d}",
            name_fr=f"Organisme public {i}",
            name_ar=f"الهيئة العمومية {i}",
            kind=kinds[i % len(kinds)],
            email=f"info-{prefix}-{i}@bodies.ma",
            legal_profile_id=version.profile_id,
        )
        for i in range(plan.bodies)
    ]
    for body in new_bodies:  # bulk_create does not call save(), which sets it
        body.search_text = search_text_of(body)
    bodies = PublicBody.objects.bulk_create(new_bodies)
    departments = Department.objects.bulk_create(
        Department(body=b, code=f"dep-{j}", name_fr=f"Direction {j}", name_ar=f"مديرية {j}")
        for b in bodies
        for j in range(rng.randint(3, 8))
    )
    by_body: dict[int, list[int]] = {}
    for d in departments:
        by_body.setdefault(d.body_id, []).append(d.pk)
    users: list[Any] = []
    links: list[tuple[int, int | None, str]] = []
    for b in bodies:
        for role, count in ((Role.OFFICER, 2), (Role.HEAD_OF_BODY, 1)):
            for k in range(count):
                users.append(
                    User(
                        email=f"{role}-{k}-{b.code}@bodies.ma",
                        full_name=f"{role} {k}",
                        role=role,
                        email_verified=True,
                        password="!",
                    )
                )
                links.append((b.pk, None, role))
        for dep in by_body[b.pk][:2]:
            users.append(
                User(
                    email=f"staff-{dep}-{b.code}@bodies.ma",
                    full_name="Staff",
                    role=Role.DEPARTMENT_STAFF,
                    email_verified=True,
                    password="!",
                )
            )
            links.append((b.pk, dep, Role.DEPARTMENT_STAFF))
    users = User.objects.bulk_create(users, batch_size=5000)
    Membership.objects.bulk_create(
        (
            Membership(user=u, body_id=body, department_id=dep, role=role)
            for u, (body, dep, role) in zip(users, links, strict=True)
        ),
        batch_size=5000,
    )
    state["bodies"] = [b.pk for b in bodies]
    state["body_codes"] = [b.code for b in bodies]
    state["departments"] = by_body
    state["officers"] = {
        b: u.pk for u, (b, d, r) in zip(users, links, strict=True) if r == "officer"
    }
    report.counts.update(bodies=len(bodies), departments=len(departments), staff=len(users))


def _citizens(
    plan: Plan, rng: random.Random, texts: Texts, state: dict[str, Any], report: Report
) -> None:
    from ati.accounts.models import User

    n = max(10, plan.requests // 10)
    first = _next_id(User)
    now = timezone.now()
    writer = Writer(
        User,
        {
            "id": PER_ROW,
            "email": PER_ROW,
            "full_name": PER_ROW,
            "preferred_language": PER_ROW,
            "password": "!",
            "role": "citizen",
            "email_verified": True,
            "is_active": True,
            "is_staff": False,
            "is_superuser": False,
            "date_joined": now,
            "last_login": None,
        },
    )
    tag = f"c{first}"
    writer.write(
        {
            "id": first + i,
            "email": f"{tag}-{i}@citizens.ma",
            "full_name": f"Citoyen {i}",
            "preferred_language": "ar" if i % 3 == 0 else "fr",
        }
        for i in range(n)
    )
    _reset_sequences(User)
    state["citizens"] = (first, n)
    report.counts["citizens"] = n


def _requests(
    plan: Plan, rng: random.Random, texts: Texts, state: dict[str, Any], report: Report
) -> None:
    from ati.core.counters import last_values, set_last
    from ati.law.models import ExceptionGround
    from ati.law.selectors import request_schedule
    from ati.requests.models import InformationRequest, due_fields
    from ati.requests.services import REFERENCE_COUNTER

    version = state["version"]
    n = plan.requests
    days = plan.years * 365
    start = plan.today - dt.timedelta(days=days - 1)
    # Received dates in order (references follow them), a little growth year on year.
    offsets = sorted(int(days * (rng.random() ** 0.85)) for _ in range(n))

    basis = InformationRequest._meta.get_field("due_basis")

    @cache
    def due(received: dt.date, lang: str) -> dict[str, Any]:
        """The due date's fields as a submission stores them (`due_fields`), once per day
        and language; the computation as JSON the database takes (COPY or executemany)."""
        fields = due_fields(request_schedule(version, received).response_due, lang)
        fields["due_basis"] = basis.get_db_prep_save(fields["due_basis"], connection)
        return fields

    counters = last_values(REFERENCE_COUNTER)
    old_state, recent_state = _pick(rng, OLD_STATES), _pick(rng, RECENT_STATES)
    outcome, channel = _pick(rng, OUTCOMES), _pick(rng, CHANNELS)
    grounds = list(
        ExceptionGround.objects.filter(version=version).order_by("pk").values_list("pk", flat=True)
    )
    bodies, deps = state["bodies"], state["departments"]
    # A few bodies get most requests (ministries of health, education, the interior...).
    body_weights = [1 / (i + 5) for i in range(len(bodies))]
    cit_first, cit_n = state["citizens"]
    first = _next_id(InformationRequest)
    state["requests_first"] = first
    tz = timezone.get_current_timezone()
    subjects_fr = texts.vocab["fr"][:300]
    subjects_ar = texts.vocab["ar"][:300]
    writer = Writer(
        InformationRequest,
        dict.fromkeys(
            [
                "id",
                "reference",
                "body_id",
                "department_id",
                "assignee_id",
                "applicant_id",
                "applicant_first_name",
                "applicant_last_name",
                "applicant_address",
                "applicant_id_number",
                "applicant_email",
                "language",
                "subject",
                "information_requested",
                "channel",
                "state",
                "submitted_at",
                "received_on",
                "clock_started_on",
                "response_due",
                "original_response_due",
                "due_explanation",
                "due_basis",
                "clock_paused_on",
                "clarification_question",
                "outcome",
                "answer_text",
                "answered_at",
                "closed_at",
                "extensions_used",
                "draft_outcome",
                "draft_text",
            ],
            PER_ROW,
        )
        | {"profile_version_id": version.pk, "reproduction_cost": Decimal("0")},
    )
    through: list[tuple[int, int]] = []
    by_state: Counter[str] = Counter()
    facts: list[tuple[int, str, str, dt.date]] = []  # for complaints: id, state, outcome, due

    def rows() -> Iterator[dict[str, Any]]:
        for i, off in enumerate(offsets):
            pk = first + i
            received = start + dt.timedelta(days=off)
            age = (plan.today - received).days
            st = old_state() if age > 90 else recent_state()
            year = received.year
            counters[year] = counters.get(year, 0) + 1
            lang = "ar" if rng.random() < 0.35 else "fr"
            stored_due = due(received, lang)
            due_on = stored_due["response_due"]
            ch = channel()
            body = rng.choices(bodies, weights=body_weights)[0] if i % 2 else rng.choice(bodies)
            dep = rng.choice(deps[body]) if st not in ("submitted", "transferred") else None
            submitted = dt.datetime.combine(received, dt.time(8 + i % 9, i % 60), tzinfo=tz)
            row: dict[str, Any] = {
                "id": pk,
                "reference": f"DAI-{year}-{counters[year]:05d}",
                "body_id": body,
                "department_id": dep,
                "assignee_id": None,
                "applicant_id": cit_first + (i % cit_n) if ch == "online" else None,
                "applicant_first_name": "أمينة" if lang == "ar" else "Amina",
                "applicant_last_name": f"Citoyen{i % 9973}",
                "applicant_address": f"{i % 200} avenue Mohammed V, Rabat",
                "applicant_id_number": f"AB{100000 + i % 900000}",
                "applicant_email": f"demandeur{i % 50000}@citizens.ma",
                "language": lang,
                "subject": " ".join(rng.sample(subjects_ar if lang == "ar" else subjects_fr, 5))[
                    :200
                ],
                "information_requested": texts.pooled(lang, 30, 120),
                "channel": ch,
                "state": st,
                "submitted_at": submitted,
                "received_on": received,
                "clock_started_on": received,
                **stored_due,
                "original_response_due": due_on,
                "clock_paused_on": None,
                "clarification_question": "",
                "outcome": "",
                "answer_text": "",
                "answered_at": None,
                "closed_at": None,
                "extensions_used": 0,
                "draft_outcome": "",
                "draft_text": "",
            }
            if st == "awaiting_clarification":
                row["clock_paused_on"] = min(received + dt.timedelta(days=5), plan.today)
                row["clarification_question"] = "Pouvez-vous préciser la période concernée ?"
            if st == "draft_ready":
                row["draft_outcome"] = outcome()
                row["draft_text"] = texts.pooled(lang, 40, 80)
            if st in ("answered", "closed"):
                out = outcome()
                answered = min(
                    submitted + dt.timedelta(days=rng.randint(3, 40), hours=2),
                    timezone.now() - dt.timedelta(hours=1),
                )
                row.update(
                    outcome=out, answer_text=texts.pooled(lang, 40, 150), answered_at=answered
                )
                if out in ("refused", "partially_granted") and grounds:
                    through.append((pk, rng.choice(grounds)))
                if st == "closed":
                    row["closed_at"] = answered + dt.timedelta(days=30)
                if rng.random() < 0.06:
                    row["extensions_used"] = 1
                facts.append((pk, st, out, due_on))
            elif st in ("submitted", "assigned", "draft_ready") and due_on < plan.today:
                facts.append((pk, st, "", due_on))
            if st == "withdrawn":
                row["closed_at"] = submitted + dt.timedelta(days=rng.randint(1, 20))
            by_state[st] += 1
            yield row

    report.counts["requests"] = writer.write(rows())
    report.counts.update({f"requests.{k}": v for k, v in by_state.items()})
    ground_table = InformationRequest.refusal_grounds.through
    first_link = _next_id(ground_table)
    Writer(
        ground_table, dict.fromkeys(["id", "informationrequest_id", "exceptionground_id"], PER_ROW)
    ).write(
        {"id": first_link + k, "informationrequest_id": r, "exceptionground_id": g}
        for k, (r, g) in enumerate(through)
    )
    for year, last in counters.items():
        set_last(REFERENCE_COUNTER, year, last)
    _reset_sequences(InformationRequest, ground_table)
    state["facts"] = facts
    state["requests_n"] = n


def _messages(
    plan: Plan, rng: random.Random, texts: Texts, state: dict[str, Any], report: Report
) -> None:
    from ati.requests.models import Message

    first_req, n = state["requests_first"], state["requests_n"]
    start = plan.today - dt.timedelta(days=plan.years * 365)
    now = timezone.now()
    writer = Writer(
        Message,
        {
            "id": PER_ROW,
            "request_id": PER_ROW,
            "direction": PER_ROW,
            "text": PER_ROW,
            "created_at": PER_ROW,
            "author_id": None,
        },
    )
    first = _next_id(Message)
    short = [texts.prose("fr", 25) for _ in range(200)] + [
        texts.prose("ar", 25) for _ in range(100)
    ]
    directions = ["from_applicant", "to_applicant", "internal"]

    def rows() -> Iterator[dict[str, Any]]:
        k = 0
        for i in range(n):
            # 0 to 3 messages, 1.2 on average.
            for _ in range(rng.choices((0, 1, 2, 3), weights=(35, 30, 20, 15))[0]):
                yield {
                    "id": first + k,
                    "request_id": first_req + i,
                    "direction": directions[k % 3],
                    "text": short[k % len(short)],
                    "created_at": min(
                        now,
                        dt.datetime.combine(start, dt.time(10), tzinfo=dt.UTC)
                        + dt.timedelta(days=(plan.years * 365) * i // n + 3 + k % 20),
                    ),
                }
                k += 1

    report.counts["messages"] = writer.write(rows())
    _reset_sequences(Message)


def _complaints_and_appeals(
    plan: Plan, rng: random.Random, texts: Texts, state: dict[str, Any], report: Report
) -> None:
    from ati.appeals.models import Appeal, Complaint

    facts = state["facts"]
    # Complaints: 8 % of refused or partial answers, 10 % of deemed refusals, 0.5 % of the rest.
    chosen = []
    for pk, st, out, due in facts:
        if out in ("refused", "partially_granted"):
            p = 0.08
        elif out == "":
            p = 0.10
        else:
            p = 0.005
        if rng.random() < p:
            chosen.append((pk, st, out, due))
    cstate = _pick(rng, COMPLAINT_STATES)
    astate = _pick(rng, APPEAL_STATES)
    tz = timezone.get_current_timezone()
    first_c = _next_id(Complaint)
    complaints: list[dict[str, Any]] = []
    appeals: list[dict[str, Any]] = []
    first_a = _next_id(Appeal)
    year_numbers: Counter[int] = Counter()
    for k, (pk, _st, out, due) in enumerate(chosen):
        filed = min(due + dt.timedelta(days=rng.randint(1, 25)), plan.today)
        ground = {"refused": "refusal", "partially_granted": "partial", "": "deemed_refusal"}.get(
            out, "cost"
        )
        cs = cstate()
        decided_at = (
            dt.datetime.combine(filed + dt.timedelta(days=10), dt.time(11), tzinfo=tz)
            if cs in ("confirmed", "overturned")
            else None
        )
        complaints.append(
            {
                "id": first_c + k,
                "request_id": pk,
                "ground": ground,
                "reasons": "Je conteste la réponse reçue.",
                "filed_at": dt.datetime.combine(filed, dt.time(9), tzinfo=tz),
                "filed_on": filed,
                "window_start": due,
                "window_end": due + dt.timedelta(days=30),
                "decision_due": filed + dt.timedelta(days=21),
                "state": cs,
                "decision_text": "Décision du chef de l'organisme." if decided_at else "",
                "decided_at": decided_at,
            }
        )
        # About a third of confirmed or lapsed complaints go on to the commission.
        if cs in ("confirmed", "lapsed") and rng.random() < 0.35:
            a = astate()
            a_filed = min(filed + dt.timedelta(days=30), plan.today)
            decided = a in ("decided", "complied", "not_complied")
            number = ""
            if decided:
                year_numbers[a_filed.year] += 1
                number = f"CDAI-{a_filed.year}-{year_numbers[a_filed.year]:04d}-L{first_a}"
            decision = (
                rng.choice(["confirmed", "disclosure_ordered", "partial_disclosure_ordered"])
                if decided
                else ""
            )
            if a in ("complied", "not_complied"):
                decision = "disclosure_ordered"
            appeals.append(
                {
                    "id": first_a + len(appeals),
                    "request_id": pk,
                    "complaint_id": first_c + k,
                    "ground": ground,
                    "reasons": "Recours devant la Commission.",
                    "filed_at": dt.datetime.combine(a_filed, dt.time(9), tzinfo=tz),
                    "filed_on": a_filed,
                    "window_start": filed + dt.timedelta(days=21),
                    "window_end": filed + dt.timedelta(days=51),
                    "decision_due": a_filed + dt.timedelta(days=30),
                    "state": a,
                    "inadmissibility_reason": "late" if a == "inadmissible" else "",
                    "decision": decision,
                    "decision_number": number,
                    "decision_reasons": "Motifs." if decided else "",
                    "decided_at": dt.datetime.combine(
                        a_filed + dt.timedelta(days=25), dt.time(12), tzinfo=tz
                    )
                    if decided
                    else None,
                    "compliance_due": a_filed + dt.timedelta(days=55)
                    if decision and decision != "confirmed"
                    else None,
                }
            )
    # A tiny plan may refuse nothing: no rows, and no writer (its columns come from a row).
    report.counts["complaints"] = (
        Writer(Complaint, dict.fromkeys(complaints[0], PER_ROW)).write(complaints)
        if complaints
        else 0
    )
    report.counts["appeals"] = (
        Writer(Appeal, dict.fromkeys(appeals[0], PER_ROW)).write(appeals) if appeals else 0
    )
    report.counts.update(Counter(f"complaints.{c['state']}" for c in complaints))
    report.counts.update(Counter(f"appeals.{a['state']}" for a in appeals))
    _reset_sequences(Complaint, Appeal)


def _documents(
    plan: Plan, rng: random.Random, texts: Texts, state: dict[str, Any], report: Report
) -> None:
    from ati.accounts.models import Role, User
    from ati.library.models import Publication
    from ati.library.search import backend

    admin, _ = User.objects.get_or_create(
        email="load-librarian@ati.test",
        defaults={"role": Role.ADMINISTRATOR, "full_name": "Librarian", "password": "!"},
    )
    bodies = state["bodies"]
    engine = backend()
    now = timezone.now()
    first = _next_id(Publication)
    keys = [
        "id",
        "body_id",
        "category",
        "title",
        "language",
        "original_text",
        "public_text",
        "outcome",
        "year",
        "state",
        "approved_by_id",
        "approved_at",
        "published_at",
        "created_at",
        "prepared_at",
    ]
    writer = Writer(Publication, dict.fromkeys(keys, PER_ROW))
    done = 0
    while done < plan.documents:
        chunk = []
        for i in range(done, min(plan.documents, done + 5000)):
            lang = "ar" if i % 3 == 0 else "fr"
            # A realistic answer or report: 150 to 900 words, a long tail of longer ones.
            length = min(3000, int(rng.lognormvariate(5.6, 0.5)))
            text = texts.prose(lang, max(60, length))
            published = now - dt.timedelta(days=rng.randint(0, plan.years * 365), hours=3)
            chunk.append(
                {
                    "id": first + i,
                    "body_id": rng.choice(bodies),
                    "category": rng.choice(CATEGORIES),
                    "title": " ".join(texts.words(lang, 7))[:300],
                    "language": lang,
                    "original_text": text,
                    "public_text": text,
                    "outcome": rng.choice(["granted", "partially_granted", ""]),
                    "year": published.year,
                    "state": "published",
                    "approved_by_id": admin.pk,
                    "approved_at": published,
                    "published_at": published,
                    "created_at": published - dt.timedelta(days=2),
                    "prepared_at": published - dt.timedelta(days=2),
                }
            )
        writer.write(chunk)
        engine.index_many((r["id"], r["language"], r["title"], r["public_text"]) for r in chunk)
        done += len(chunk)
    _reset_sequences(Publication)
    report.counts["documents"] = done
    report.counts["documents.fr"] = sum(1 for i in range(done) if i % 3)
    report.counts["documents.ar"] = done - report.counts["documents.fr"]

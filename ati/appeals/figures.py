"""The year's complaints, appeals and compliance, for the statistics.

The statistics (a higher app) register `appeal_figures` as their provider
(ati/stats/apps.py) and read the figures in the shapes defined here.

Aggregate queries only. Complaints and appeals count in the year they were
filed; decisions in the year they were taken; a complaint that lapsed counts in
the year its deadline passed. No personal data leaves this function: decisions
are listed by their public number and the body.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from .models import ORDERS, Appeal, AppealState, ComplaintState, CourtJudgment, CourtSide
from .models import Complaint as ComplaintModel
from .selectors import non_compliance


@dataclass(frozen=True)
class NonCompliantBody:
    body_id: int
    orders_not_complied: int  # orders of the commission past their deadline, not complied with
    orders_total: int  # orders of the commission addressed to the body in the year


@dataclass(frozen=True)
class Decision:
    decided_on: str  # ISO date
    reference: str  # the appeal's public reference, never the applicant
    body_id: int
    decision: str  # one of the keys of AppealFigures.commission_decisions
    summary: str = ""  # public summary, no personal data


@dataclass(frozen=True)
class AppealFigures:
    available: bool = False
    #: complaints to the head of the body filed in the year
    complaints_to_head: int = 0
    #: the head's decisions: {"confirmed": n, "overturned": n, "lapsed": n}
    head_decisions: dict[str, int] = field(default_factory=dict)
    #: complaints to the commission (CDAI) filed in the year
    appeals_to_commission: int = 0
    #: the commission's decisions: {"inadmissible": n, "refusal_confirmed": n,
    #: "disclosure_ordered": n, "partial_disclosure_ordered": n, "withdrawn": n}
    commission_decisions: dict[str, int] = field(default_factory=dict)
    #: compliance with the commission's orders: {"complied": n, "not_complied": n, "pending": n}
    compliance: dict[str, int] = field(default_factory=dict)
    #: the administrative court, for decisions taken to it in the year: {"filed_by_applicant": n,
    #: "filed_by_body": n, "upheld": n, "annulled": n, "partly_annulled": n}
    court: dict[str, int] = field(default_factory=dict)
    #: the same counts per body: {body_id: {"complaints_to_head": n, "appeals_to_commission": n,
    #: "orders_not_complied": n}}
    by_body: dict[int, dict[str, int]] = field(default_factory=dict)
    non_compliant_bodies: list[NonCompliantBody] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["by_body"] = {str(k): v for k, v in self.by_body.items()}
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AppealFigures:
        return cls(
            available=data.get("available", False),
            complaints_to_head=data.get("complaints_to_head", 0),
            head_decisions=data.get("head_decisions", {}),
            appeals_to_commission=data.get("appeals_to_commission", 0),
            commission_decisions=data.get("commission_decisions", {}),
            compliance=data.get("compliance", {}),
            court=data.get("court", {}),
            by_body={int(k): v for k, v in data.get("by_body", {}).items()},
            non_compliant_bodies=[
                NonCompliantBody(**b) for b in data.get("non_compliant_bodies", [])
            ],
            decisions=[Decision(**d) for d in data.get("decisions", [])],
        )


#: Appeal states -> the statistics' decision keys.
DECISION_KEYS = {
    "confirmed": "refusal_confirmed",
    "disclosure_ordered": "disclosure_ordered",
    "partial_disclosure_ordered": "partial_disclosure_ordered",
}


def appeal_figures(year: int) -> AppealFigures:
    today = timezone.localdate()
    complaints = ComplaintModel.objects.all()
    head = complaints.aggregate(
        confirmed=Count("pk", filter=Q(state=ComplaintState.CONFIRMED, decided_at__year=year)),
        overturned=Count("pk", filter=Q(state=ComplaintState.OVERTURNED, decided_at__year=year)),
        lapsed=Count("pk", filter=Q(state=ComplaintState.LAPSED, decision_due__year=year)),
    )
    decided = Appeal.objects.filter(decided_at__year=year, decision__in=list(DECISION_KEYS))
    commission = {
        DECISION_KEYS[row["decision"]]: row["n"]
        for row in decided.values("decision").annotate(n=Count("pk"))
    }
    commission["inadmissible"] = Appeal.objects.filter(
        state=AppealState.INADMISSIBLE, filed_on__year=year
    ).count()
    orders = Appeal.objects.filter(decided_at__year=year, decision__in=ORDERS)
    compliance = orders.aggregate(
        complied=Count("pk", filter=Q(state=AppealState.COMPLIED)),
        not_complied=Count(
            "pk",
            filter=Q(state=AppealState.NOT_COMPLIED)
            | Q(state=AppealState.DECIDED, compliance_due__lt=today),
        ),
        pending=Count(
            "pk",
            filter=Q(state=AppealState.DECIDED)
            & (Q(compliance_due__gte=today) | Q(compliance_due__isnull=True))
            & ~Q(court_judgment=CourtJudgment.ANNULLED),
        ),
        annulled_by_court=Count(
            "pk", filter=Q(state=AppealState.DECIDED, court_judgment=CourtJudgment.ANNULLED)
        ),
    )
    court = Appeal.objects.filter(court_filed_on__year=year).aggregate(
        filed_by_applicant=Count("pk", filter=Q(court_filed_by=CourtSide.APPLICANT)),
        filed_by_body=Count("pk", filter=Q(court_filed_by=CourtSide.BODY)),
        upheld=Count("pk", filter=Q(court_judgment=CourtJudgment.UPHELD)),
        annulled=Count("pk", filter=Q(court_judgment=CourtJudgment.ANNULLED)),
        partly_annulled=Count("pk", filter=Q(court_judgment=CourtJudgment.PARTLY_ANNULLED)),
    )
    by_body: dict[int, dict[str, int]] = {}
    for row in (
        complaints.filter(filed_on__year=year).values("request__body").annotate(n=Count("pk"))
    ):
        by_body.setdefault(row["request__body"], {})["complaints_to_head"] = row["n"]
    for row in (
        Appeal.objects.filter(filed_on__year=year).values("request__body").annotate(n=Count("pk"))
    ):
        by_body.setdefault(row["request__body"], {})["appeals_to_commission"] = row["n"]
    late = dict(
        non_compliance(year, today)
        .order_by()
        .values("request__body")
        .annotate(n=Count("pk"))
        .values_list("request__body", "n")
    )
    totals = dict(
        orders.order_by()
        .values("request__body")
        .annotate(n=Count("pk"))
        .values_list("request__body", "n")
    )
    for body_id, n in late.items():
        by_body.setdefault(body_id, {})["orders_not_complied"] = n
    return AppealFigures(
        available=True,
        complaints_to_head=complaints.filter(filed_on__year=year).count(),
        head_decisions=head,
        appeals_to_commission=Appeal.objects.filter(filed_on__year=year).count(),
        commission_decisions=commission,
        compliance=compliance,
        court=court,
        by_body=by_body,
        non_compliant_bodies=[
            NonCompliantBody(body_id=b, orders_not_complied=n, orders_total=totals.get(b, n))
            for b, n in sorted(late.items(), key=lambda item: -item[1])
        ],
        decisions=[
            Decision(
                decided_on=timezone.localtime(a.decided_at).date().isoformat(),
                reference=a.decision_number,
                body_id=a.request.body_id,
                decision=DECISION_KEYS[a.decision],
                # Only once reviewed and published by the library: before, it is a proposal.
                summary=a.published_text[:500] if a.published_at else "",
            )
            for a in decided.select_related("request").order_by("decided_at")
            if a.decided_at is not None
        ],
    )

"""The year's complaints, appeals and compliance, for the statistics (ati.stats.appeals).

Aggregate queries only. Complaints and appeals count in the year they were
filed; decisions in the year they were taken; a complaint that lapsed counts in
the year its deadline passed. No personal data leaves this function: decisions
are listed by their public number and the body.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from ati.stats.appeals import AppealFigures, Decision, NonCompliantBody

from .models import ORDERS, Appeal, AppealState, ComplaintState, CourtJudgment, CourtSide
from .models import Complaint as ComplaintModel
from .selectors import non_compliance

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

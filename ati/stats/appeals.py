"""Complaints, appeals and compliance: the figures the appeals app provides.

The appeals app (``ati.appeals``) is built separately. The statistics depend on
it only through this interface: in its ``AppConfig.ready()`` it calls
``register_provider(fn)`` where ``fn(year) -> AppealFigures`` counts what
happened in that year (by date of filing for complaints and appeals, by date
of decision for decisions). Until then, or when the app is not installed,
`appeal_figures` returns empty figures with ``available=False`` and the pages
and the annual report say that these figures are not available yet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.apps import apps


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


Provider = Callable[[int], AppealFigures]
_providers: list[Provider] = []


def register_provider(provider: Provider) -> None:
    """Called by the appeals app's ``ready()``; registering twice is harmless."""
    if provider not in _providers:
        _providers.append(provider)


def unregister_provider(provider: Provider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def appeal_figures(year: int) -> AppealFigures:
    if not _providers or not apps.is_installed("ati.appeals"):
        return AppealFigures()
    return _providers[-1](year)

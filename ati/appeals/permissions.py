"""Who may see and act on complaints and appeals.

Built on `ati.accounts.permissions` and on the request's own rules: whoever
may not see the request may not see its complaints or appeals (a 404).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ati.accounts import permissions as roles
from ati.requests import permissions as request_permissions
from ati.requests.models import InformationRequest

from .models import Appeal, Complaint


def is_applicant(user: Any, req: InformationRequest) -> bool:
    return request_permissions.is_applicant(user, req)


def can_view_request_appeals(user: Any, req: InformationRequest) -> bool:
    """The applicant, the body's officers and head, the commission, administrators."""
    return (
        is_applicant(user, req)
        or roles.is_officer_of(user, req.body_id)
        or roles.is_head_of(user, req.body_id)
        or roles.is_commission_member(user)
        or roles.is_administrator(user)
    )


def can_view(user: Any, obj: Complaint | Appeal) -> bool:
    return can_view_request_appeals(user, obj.request)


def may_file(user: Any, req: InformationRequest) -> bool:
    return is_applicant(user, req)


def may_decide_complaint(user: Any, complaint: Complaint) -> bool:
    return roles.is_head_of(user, complaint.request.body_id)


def is_commission(user: Any, appeal: Appeal | None = None) -> bool:
    return roles.is_commission_member(user)


def may_submit_observations(user: Any, appeal: Appeal) -> bool:
    body_id = appeal.request.body_id
    return roles.is_officer_of(user, body_id) or roles.is_head_of(user, body_id)


def may_record_compliance(user: Any, appeal: Appeal) -> bool:
    return roles.is_commission_member(user)


def can_be_rapporteur(user: Any) -> bool:
    return roles.is_commission_member(user)


#: appeal action -> who may perform it
APPEAL_RULES: dict[str, Callable[[Any, Appeal], bool]] = {
    "declare_admissible": is_commission,
    "declare_inadmissible": is_commission,
    "assign_rapporteur": is_commission,
    "request_observations": is_commission,
    "submit_observations": may_submit_observations,
    "record_hearing": is_commission,
    "draft_decision": is_commission,
    "decide": is_commission,
    "record_complied": may_record_compliance,
    "record_not_complied": may_record_compliance,
    "publish": is_commission,
    "court_filed": is_commission,
    "court_judged": is_commission,
}

COMPLAINT_RULES: dict[str, Callable[[Any, Complaint], bool]] = {
    "confirm": may_decide_complaint,
    "overturn": may_decide_complaint,
}


def may_on_appeal(user: Any, action: str, appeal: Appeal) -> bool:
    rule = APPEAL_RULES.get(action)
    return bool(rule and rule(user, appeal))


def may_on_complaint(user: Any, action: str, complaint: Complaint) -> bool:
    rule = COMPLAINT_RULES.get(action)
    return bool(rule and rule(user, complaint))


def sees_commission_dashboard(user: Any) -> bool:
    return roles.is_commission_member(user) or roles.is_administrator(user)

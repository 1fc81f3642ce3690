"""Who may see and act on an information request.

Built on the role checks of `ati.accounts.permissions`; services, views and the
API ask only these functions.
"""

from __future__ import annotations

from typing import Any

from ati.accounts import permissions as roles

from .models import InformationRequest


def is_applicant(user: Any, request: InformationRequest) -> bool:
    return roles.is_citizen(user) and request.applicant_id == user.pk


def handles(user: Any, request: InformationRequest) -> bool:
    """An information officer of the request's body."""
    return roles.is_officer_of(user, request.body_id)


def drafts(user: Any, request: InformationRequest) -> bool:
    """Department staff of the department the request is assigned to."""
    return (
        request.department_id is not None and roles.is_staff_of(user, request.department)  # type: ignore[arg-type]
    )


def can_view(user: Any, request: InformationRequest) -> bool:
    return (
        is_applicant(user, request)
        or handles(user, request)
        or drafts(user, request)
        or roles.is_head_of(user, request.body_id)
        or roles.is_commission_member(user)
        or roles.is_administrator(user)
    )


def can_see_identity(user: Any, request: InformationRequest) -> bool:
    """Law 09-08: the applicant's identity only to those who handle the request."""
    return (
        is_applicant(user, request)
        or handles(user, request)
        or drafts(user, request)
        or roles.is_head_of(user, request.body_id)
    )


def sees_internal_notes(user: Any, request: InformationRequest) -> bool:
    """The body's internal notes, their text and their files: only those who handle the request.

    Never the applicant, nor the commission or an administrator (who may open any
    request but are not the body): the same people as the identity, less the applicant.
    """
    return not is_applicant(user, request) and can_see_identity(user, request)


def can_submit_on_behalf(user: Any, body: Any) -> bool:
    return roles.is_officer_of(user, body)


#: transition name -> who may perform it
ACTION_RULES = {
    "assign": handles,
    "reassign": handles,
    "request_clarification": handles,
    "provide_clarification": is_applicant,
    "extend": handles,
    "transfer": handles,
    "submit_draft": lambda user, req: drafts(user, req) or handles(user, req),
    "return_draft": handles,
    "answer": handles,
    "withdraw": is_applicant,
    "close": handles,
    # Only as the effect of an order (ati.appeals): never offered on the request page.
    "reopen": lambda user, req: (
        roles.is_head_of(user, req.body_id) or roles.is_commission_member(user)
    ),
    "post_message": lambda user, req: (
        is_applicant(user, req) or handles(user, req) or drafts(user, req)
    ),
}


def may(user: Any, action: str, request: InformationRequest) -> bool:
    rule = ACTION_RULES.get(action)
    return bool(rule and rule(user, request))

"""What a person does to a request from its page or the API, declared once per action:
the button, the form (which also makes the API's serializer) and the service it calls.

The request page offers the actions `selectors.available_actions` gives; `views.act` and
the viewset's POST endpoints are made from this list (ati/workflow/actions.py).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from ati.workflow.actions import Action, Actions

from . import forms, services
from .models import InformationRequest


def _uploads(files: list[Any]) -> list[services.Upload]:
    return [services.Upload(file=f, name=f.name, size=f.size) for f in files]


def _draft(req: InformationRequest) -> dict[str, Any]:
    return {"outcome": req.draft_outcome, "text": req.draft_text}


def _assign(user: Any, req: InformationRequest, d: dict[str, Any]) -> InformationRequest:
    return services.assign(user, req, department=d["department"], assignee=d["assignee"])


def _answer(user: Any, req: InformationRequest, d: dict[str, Any]) -> InformationRequest:
    return services.answer(
        user,
        req,
        outcome=d["outcome"],
        text=d["text"],
        grounds=d["grounds"],
        withheld=d["withheld"],
        holder=d["holder"],
        cost=d["cost"] or 0,
        attachments=_uploads(d["attachments"]),
    )


REQUEST_ACTIONS = Actions(
    Action(
        "assign",
        _("Assign to a department"),
        forms.AssignForm,
        _assign,
        bind=lambda req: {"body": req.body},
        summary="Assign the request to a department (and optionally a person)",
    ),
    Action(
        "reassign",
        _("Reassign"),
        forms.AssignForm,
        _assign,
        bind=lambda req: {"body": req.body},
        api=False,  # the API's `assign` reassigns an assigned request
    ),
    Action(
        "request_clarification",
        _("Ask the applicant for a clarification"),
        forms.QuestionForm,
        lambda u, r, d: services.request_clarification(u, r, question=d["question"]),
        summary="Ask the applicant to clarify (the clock stops)",
    ),
    Action(
        "provide_clarification",
        _("Send my clarification"),
        forms.ClarificationForm,
        lambda u, r, d: services.provide_clarification(u, r, answer=d["answer"]),
        summary="The applicant's clarification (the clock starts again)",
    ),
    Action(
        "extend",
        _("Extend the deadline"),
        forms.ExtendForm,
        lambda u, r, d: services.extend(u, r, reason=d["reason"]),
        summary="Extend the response deadline once, with the reason sent to the applicant",
    ),
    Action(
        "transfer",
        _("Transfer to another body"),
        forms.TransferForm,
        lambda u, r, d: services.transfer(u, r, to_body=d["to_body"], reason=d["reason"]),
        summary="Transfer to the body that holds the information",
    ),
    Action(
        "submit_draft",
        _("Propose the answer"),
        forms.DraftForm,
        lambda u, r, d: services.submit_draft(u, r, outcome=d["outcome"], text=d["text"]),
        initial=_draft,
        summary="A department's draft answer, for the information officer",
    ),
    Action(
        "return_draft",
        _("Return the draft"),
        forms.ReturnDraftForm,
        lambda u, r, d: services.return_draft(u, r, comment=d["comment"]),
        summary="Send the draft back to the department with what must change",
    ),
    Action(
        "answer",
        _("Send the answer"),
        forms.AnswerForm,
        _answer,
        bind=lambda req: {"grounds": req.profile_version.grounds.all()},
        initial=_draft,
        summary="Answer: granted, partly granted, refused on named grounds, or not held",
    ),
    Action(
        "withdraw",
        _("Withdraw my request"),
        forms.WithdrawForm,
        lambda u, r, d: services.withdraw(u, r, reason=d["reason"]),
        summary="The applicant withdraws the request",
    ),
    Action(
        "close",
        _("Close the request"),
        forms.CloseForm,
        lambda u, r, d: services.close(u, r),
        summary="Close an answered request",
    ),
)

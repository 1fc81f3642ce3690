"""What the head of a body and the commission do to complaints and appeals, declared once
per action: the button, the form (which also makes the API's serializer) and the service.

The complaint and appeal pages (`views.complaint_act`, `views.appeal_act`) and the two
viewsets' POST endpoints are made from these lists (ati/workflow/actions.py).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ati.workflow.actions import Action, Actions

from . import forms, services
from .models import Appeal, InadmissibilityReason


def _today(field: str) -> Any:
    return lambda appeal: {field: timezone.localdate()}


def _drafted(appeal: Appeal) -> dict[str, Any]:
    return {"decision": appeal.draft_decision, "reasons": appeal.draft_reasons}


def _likely_reason(appeal: Appeal) -> dict[str, Any]:
    concerns = services.admissibility_concerns(appeal) or [InadmissibilityReason.OTHER]
    return {"reason": concerns[0]}


COMPLAINT_ACTIONS = Actions(
    Action(
        "confirm",
        _("Confirm the answer"),
        forms.DecisionTextForm,
        lambda u, c, d: services.confirm_complaint(u, c, text=d["text"]),
        summary="The head of the body confirms the answer complained of",
    ),
    Action(
        "overturn",
        _("Overturn and order disclosure"),
        forms.DecisionTextForm,
        lambda u, c, d: services.overturn_complaint(u, c, text=d["text"]),
        summary="The head of the body overturns the answer (the request is reopened)",
    ),
)

APPEAL_ACTIONS = Actions(
    Action(
        "declare_admissible",
        _("Declare admissible"),
        forms.AdmissibleForm,
        lambda u, a, d: services.declare_admissible(u, a),
        summary="The commission declares the appeal admissible",
    ),
    Action(
        "declare_inadmissible",
        _("Declare inadmissible"),
        forms.InadmissibleForm,
        lambda u, a, d: services.declare_inadmissible(u, a, reason=d["reason"], text=d["text"]),
        initial=_likely_reason,
        summary="The commission declares the appeal inadmissible, with its reason",
    ),
    Action(
        "assign_rapporteur",
        _("Assign a rapporteur"),
        forms.RapporteurForm,
        lambda u, a, d: services.assign_rapporteur(u, a, rapporteur=d["rapporteur"]),
        initial=lambda a: {"rapporteur": a.rapporteur_id},
        summary="Give the appeal to a member of the commission",
    ),
    Action(
        "request_observations",
        _("Ask the body for its observations"),
        forms.ObservationsRequestForm,
        lambda u, a, d: services.request_observations(u, a, note=d["note"], due=d["due"]),
        summary="Ask the body for its observations, by a date",
    ),
    Action(
        "submit_observations",
        _("Send the body's observations"),
        forms.ObservationsForm,
        lambda u, a, d: services.submit_observations(u, a, text=d["text"]),
        summary="The body's observations",
    ),
    Action(
        "record_hearing",
        _("Record a hearing"),
        forms.HearingForm,
        lambda u, a, d: services.record_hearing(u, a, on=d["on"], minutes=d["minutes"]),
        initial=_today("on"),
        summary="Record a hearing and its minutes",
    ),
    Action(
        "draft_decision",
        _("Draft the decision"),
        forms.DecisionForm,
        lambda u, a, d: services.draft_decision(u, a, decision=d["decision"], reasons=d["reasons"]),
        initial=_drafted,
        summary="The rapporteur's draft decision",
    ),
    Action(
        "decide",
        _("Decide"),
        forms.DecisionForm,
        lambda u, a, d: services.decide(u, a, decision=d["decision"], reasons=d["reasons"]),
        initial=_drafted,
        summary="The commission's decision (numbered, sent to both sides)",
    ),
    Action(
        "record_complied",
        _("Record compliance"),
        forms.ComplianceForm,
        lambda u, a, d: services.record_compliance(u, a, complied=True, note=d["note"]),
        summary="The body complied with the decision",
    ),
    Action(
        "record_not_complied",
        _("Record non-compliance"),
        forms.ComplianceForm,
        lambda u, a, d: services.record_compliance(u, a, complied=False, note=d["note"]),
        summary="The body did not comply with the decision",
    ),
    Action(
        "publish",
        _("Publish (anonymised)"),
        forms.PublishForm,
        lambda u, a, d: services.publish_decision(u, a, text=d["text"]),
        initial=lambda a: {"text": a.decision_reasons},
        summary="Propose the decision, anonymised, for publication",
    ),
    Action(
        "court_filed",
        _("Record a case before the administrative court"),
        forms.CourtFilingForm,
        lambda u, a, d: services.record_court_filing(
            u,
            a,
            filed_by=d["filed_by"],
            filed_on=d["filed_on"],
            reference=d["reference"],
            stay=d["stay"],
            note=d["note"],
        ),
        initial=_today("filed_on"),
        summary="Either side took the decision to the administrative court",
    ),
    Action(
        "court_judged",
        _("Record the court's judgment"),
        forms.CourtJudgmentForm,
        lambda u, a, d: services.record_court_judgment(
            u, a, judgment=d["judgment"], judged_on=d["judged_on"], note=d["note"]
        ),
        initial=_today("judged_on"),
        summary="The administrative court's judgment and its effect on compliance",
    ),
)

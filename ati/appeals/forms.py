"""Forms of the complaint and appeal pages. They check shapes; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ati.accounts.models import User
from ati.bodies.models import PublicBody
from ati.core import texts

from .models import (
    AppealState,
    CourtJudgment,
    CourtSide,
    Decision,
    Ground,
    InadmissibilityReason,
)

#: <input type="date"> takes its value as YYYY-MM-DD only: the French format (26/11/2026)
#: would leave it empty, and the initial date of a hearing would be lost.
ISO_DATE = "%Y-%m-%d"


def _text(
    label: Any, rows: int = 4, required: bool = True, limit: int = texts.STATEMENT, **kw: Any
) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=limit,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kw,
    )


class FileComplaintForm(forms.Form):
    ground = forms.ChoiceField(label=_("What you complain of"), choices=Ground.choices)
    reasons = _text(
        _("Why you disagree"),
        help_text=_("Say what you asked, what you received and why the answer is wrong."),
    )

    def __init__(self, *args: Any, grounds: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if grounds is not None:
            field = self.fields["ground"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [c for c in Ground.choices if c[0] in grounds]


class FileAppealForm(forms.Form):
    reasons = _text(
        _("Why you appeal"),
        help_text=_(
            "The commission reads the request, the answer and the head's decision: say what "
            "you still ask and why."
        ),
    )


class DecisionTextForm(forms.Form):
    text = _text(_("Decision and reasons"), help_text=_("Sent to the applicant."))


class AdmissibleForm(forms.Form):
    """Declaring an appeal admissible asks nothing more."""


class InadmissibleForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=InadmissibilityReason.choices)
    text = _text(_("Explanation"), rows=3, required=False)


class RapporteurForm(forms.Form):
    rapporteur: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=User.objects.none(), label=_("Rapporteur")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .selectors import rapporteurs

        super().__init__(*args, **kwargs)
        self.fields["rapporteur"].queryset = rapporteurs()  # type: ignore[attr-defined]


class ObservationsRequestForm(forms.Form):
    note = _text(_("What the body is asked"), rows=3)
    due = forms.DateField(
        label=_("Observations due by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE),
        help_text=_("Empty: the default period (working days)."),
    )


class ObservationsForm(forms.Form):
    text = _text(_("The body's observations"), rows=6)


class HearingForm(forms.Form):
    on = forms.DateField(
        label=_("Hearing held on"),
        widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE),
    )
    minutes = _text(_("Minutes of the hearing"))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    reasons = _text(_("Reasons"), rows=8, limit=texts.ANSWER)


class ComplianceForm(forms.Form):
    note = _text(_("Note"), rows=2, required=False)


class PublishForm(forms.Form):
    text = _text(
        _("Anonymised text to publish"),
        rows=8,
        limit=texts.ANSWER,
        help_text=_("Remove the applicant's name, identity number, address and e-mail."),
    )


class CourtFilingForm(forms.Form):
    filed_by = forms.ChoiceField(
        label=_("Who went to the administrative court"), choices=CourtSide.choices
    )
    filed_on = forms.DateField(
        label=_("Court seized on"),
        widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE),
    )
    reference = forms.CharField(label=_("Court case number"), max_length=texts.LINE, required=False)
    stay = forms.BooleanField(
        label=_("The court ordered a stay of execution (the compliance deadline is lifted)"),
        required=False,
    )
    note = _text(_("Note"), rows=2, required=False)


class CourtJudgmentForm(forms.Form):
    judgment = forms.ChoiceField(label=_("Judgment"), choices=CourtJudgment.choices)
    judged_on = forms.DateField(
        label=_("Judged on"),
        widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE),
    )
    note = _text(_("Note"), rows=2, required=False)


class DashboardFilterForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("Stage"),
        required=False,
        choices=[
            ("", _("All")),
            ("pending", _("Awaiting a decision")),
            ("admissibility", _("Admissibility to check")),
            ("instruction", _("In instruction")),
            ("compliance", _("Compliance follow-up")),
            ("closed", _("Closed")),
            *AppealState.choices,
        ],
    )
    body = forms.ModelChoiceField(PublicBody.objects.all(), label=_("Body"), required=False)
    ground = forms.ChoiceField(
        label=_("Ground of appeal"), required=False, choices=[("", _("All")), *Ground.choices]
    )
    legal_ground = forms.SlugField(label=_("Legal ground cited (code)"), required=False)
    rapporteur: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=User.objects.none(), label=_("Rapporteur"), required=False
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    q = forms.CharField(label=_("Reference or decision number"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .selectors import rapporteurs

        super().__init__(*args, **kwargs)
        self.fields["rapporteur"].queryset = rapporteurs()  # type: ignore[attr-defined]

"""Forms of the request pages. They check shapes; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from ati.accounts.models import User
from ati.bodies.models import Department, PublicBody
from ati.bodies.widgets import BodyPicker
from ati.core import texts
from ati.law.widgets import GroundsByArticle

from .models import Channel, DeliveryForm, IdDocument, Outcome
from .selectors import DUE_SOON_WORKING_DAYS, DeadlineState, QueueSort


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class SubmitForm(forms.Form):
    """The request form of Law 31-13 (§ 1). Help texts say why each field is asked."""

    body = forms.ModelChoiceField(
        PublicBody.objects.filter(is_active=True),
        label=_("Public body"),
        empty_label=_("Choose the body"),
        widget=BodyPicker,
        help_text=_(
            "The body you think holds the information. If it does not, it will "
            "transfer your request."
        ),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    information_requested = forms.CharField(
        label=_("Information requested"),
        max_length=texts.STATEMENT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Describe the information as precisely as you can: documents, period, place. "
            "You do not have to say why you want it."
        ),
    )
    delivery_form = forms.ChoiceField(label=_("Form of delivery"), choices=DeliveryForm.choices)
    urgent = forms.BooleanField(
        label=_("Urgent (a life, safety or liberty is at stake)"),
        required=False,
        help_text=_("The body then has 3 working days instead of 20."),
    )
    urgency_reason = forms.CharField(
        label=_("Why it is urgent"),
        required=False,
        max_length=texts.SHORT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        help_text=_("Required by law: the request must identify you."),
    )
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    address = forms.CharField(
        label=_("Postal address"),
        max_length=texts.PHRASE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required by law, and for sending paper copies."),
    )
    id_kind = forms.ChoiceField(label=_("Identity document"), choices=IdDocument.choices)
    id_number = forms.RegexField(
        label=_("Document number"),
        regex=r"^[A-Za-z]{0,3}\d{3,10}$",
        max_length=20,
        help_text=_(
            "Your CIN number, or your residence card number if you are a foreign "
            "resident. It is seen only by the people who handle your request."
        ),
        error_messages={"invalid": _("Letters then digits, as on the card (e.g. AB123456).")},
    )
    phone = forms.RegexField(
        label=_("Telephone (optional)"),
        regex=r"^\+?[\d .\-()]{6,25}$",
        required=False,
        max_length=30,
    )
    attachments = MultipleFileField(
        label=_("Attachments (optional)"),
        help_text=_("PDF, images, office documents or text; 10 MB at most per file."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("urgent") and not (data.get("urgency_reason") or "").strip():
            self.add_error("urgency_reason", _("Say why the request is urgent."))
        return data


class RecordForm(SubmitForm):
    """An officer records a paper, e-mail or in-person request on the applicant's behalf."""

    email = forms.EmailField(label=_("Applicant's e-mail address"))
    language = forms.ChoiceField(
        label=_("Language of the letters"),
        choices=[("fr", "Français"), ("ar", "العربية"), ("en", "English")],
    )
    channel = forms.ChoiceField(
        label=_("Received by"), choices=[c for c in Channel.choices if c[0] != Channel.ONLINE]
    )
    received_on = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, bodies: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if bodies is not None:
            self.fields["body"].queryset = bodies  # type: ignore[attr-defined]


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)
    deadline = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[
            ("", _("Any")),
            (DeadlineState.OVERDUE, _("Overdue")),
            (DeadlineState.URGENT, _("Urgent")),
            (
                DeadlineState.DUE_SOON,
                ngettext_lazy("Due within %(n)s working day", "Due within %(n)s working days", "n")
                % {"n": DUE_SOON_WORKING_DAYS},
            ),
            (DeadlineState.ON_TIME, _("On time")),
            (DeadlineState.PAUSED, _("Clock stopped (clarification awaited)")),
        ],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            (QueueSort.DAYS_LEFT, _("Working days left")),
            (QueueSort.DUE, _("Due date")),
            (QueueSort.URGENT, _("Urgent first")),
        ],
    )
    department = forms.ModelChoiceField(
        Department.objects.none(), label=_("Department"), required=False
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    due_within = forms.IntegerField(
        label=_("Due within (working days)"), required=False, min_value=0, max_value=365
    )
    urgent = forms.BooleanField(label=_("Urgent only"), required=False)
    q = forms.CharField(label=_("Reference or subject"), required=False, max_length=100)

    def __init__(
        self, *args: Any, departments: Any = None, states: Any = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("open", _("Still to handle")), ("all", _("All")), *states]  # type: ignore[attr-defined]
        if departments is not None:
            self.fields["department"].queryset = departments  # type: ignore[attr-defined]


class AssignForm(forms.Form):
    department = forms.ModelChoiceField(Department.objects.none(), label=_("Department"))
    assignee = forms.ModelChoiceField(
        User.objects.none(),
        label=_("Person in charge (optional)"),
        required=False,
        help_text=_("Someone of that department, or an information officer of the body."),
    )

    def __init__(self, *args: Any, body: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if body is not None:
            self.fields["department"].queryset = body.departments.filter(is_active=True)  # type: ignore[attr-defined]
            self.fields["assignee"].queryset = (  # type: ignore[attr-defined]
                User.objects.filter(memberships__body=body, is_active=True)
                .distinct()
                .order_by("full_name", "pk")
            )


class QuestionForm(forms.Form):
    question = forms.CharField(
        label=_("What needs clarifying"),
        max_length=texts.REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ClarificationForm(forms.Form):
    answer = forms.CharField(
        label=_("Your clarification"),
        max_length=texts.STATEMENT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ExtendForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the body needs more time"),
        max_length=texts.REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the applicant, as the law requires."),
    )


class TransferForm(forms.Form):
    # Named by its code, on the page as in the API.
    to_body = forms.ModelChoiceField(
        PublicBody.objects.filter(is_active=True),
        label=_("Body that holds the information"),
        to_field_name="code",
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=texts.REASON, widget=forms.Textarea(attrs={"rows": 2})
    )


class DraftForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Proposed outcome"), choices=Outcome.choices)
    text = forms.CharField(
        label=_("Draft answer"), max_length=texts.ANSWER, widget=forms.Textarea(attrs={"rows": 6})
    )


class ReturnDraftForm(forms.Form):
    comment = forms.CharField(
        label=_("What must change"),
        max_length=texts.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    text = forms.CharField(
        label=_("Answer to the applicant"),
        max_length=texts.ANSWER,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    grounds = forms.MultipleChoiceField(
        label=_("Legal grounds (for a refusal or a partial answer)"),
        required=False,
        widget=GroundsByArticle,
    )
    withheld = forms.CharField(
        label=_("What is withheld (partial answer)"),
        required=False,
        max_length=texts.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    holder = forms.CharField(
        label=_("Body that holds the information (not held)"),
        required=False,
        max_length=texts.LINE,
    )
    cost = forms.DecimalField(
        label=_("Cost of reproduction and sending (MAD)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        initial=0,
    )
    attachments = MultipleFileField(label=_("Documents sent with the answer"))

    def __init__(self, *args: Any, grounds: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grounds = list(grounds)
        field = self.fields["grounds"]
        field.choices = [(g.code, g.label_with_article) for g in grounds]  # type: ignore[attr-defined]
        # Drawn by article (a fieldset each); the choices above still decide what is valid.
        field.widget.grounds = grounds


class CloseForm(forms.Form):
    """Closing asks nothing more: the answer is on the file."""


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=texts.REASON)


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Message"), max_length=texts.STATEMENT, widget=forms.Textarea(attrs={"rows": 3})
    )
    internal = forms.BooleanField(
        label=_("Internal note (not shown to the applicant)"), required=False
    )
    attachments = MultipleFileField(label=_("Attachments (optional)"))

    def __init__(self, *args: Any, applicant: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if applicant:  # internal notes are the body's, never the applicant's
            del self.fields["internal"]

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .models import LegalProfile

#: The bodies the page offers, each with its ``legal_profile``: the bodies app, above this
#: one (docs/architecture.md), registers them in its ready(). Without it, only the law is asked.
BODY_CHOICES: list[Callable[[], QuerySet[Any]]] = []


class DeadlineForm(forms.Form):
    """ "When is my answer due?": a date, urgency, and the body (or the law) asked."""

    received = forms.DateField(
        label=_("Date the body received the request"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The day of receipt is not counted."),
    )
    urgent = forms.BooleanField(label=_("Urgent request (life, safety or liberty)"), required=False)
    body: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Public body"),
        queryset=None,
        required=False,
        empty_label=_("Any body (use the law below)"),
    )
    profile = forms.ModelChoiceField(
        label=_("Law"),
        queryset=LegalProfile.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("Law 31-13 (Morocco)"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if BODY_CHOICES:
            self.fields["body"].queryset = BODY_CHOICES[-1]()  # type: ignore[attr-defined]
        else:
            del self.fields["body"]
        if "body" in self.fields:
            self.fields["body"].label_from_instance = lambda body: body.name  # type: ignore[attr-defined]
        self.fields["profile"].label_from_instance = lambda p: p.name  # type: ignore[attr-defined]

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ati.bodies.models import PublicBody

from .models import LegalProfile


class DeadlineForm(forms.Form):
    """ "When is my answer due?": a date, urgency, and the body (or the law) asked."""

    received = forms.DateField(
        label=_("Date the body received the request"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The day of receipt is not counted."),
    )
    urgent = forms.BooleanField(label=_("Urgent request (life, safety or liberty)"), required=False)
    body = forms.ModelChoiceField(
        label=_("Public body"),
        queryset=PublicBody.objects.filter(is_active=True).select_related("legal_profile"),
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
        self.fields["body"].label_from_instance = lambda body: body.name  # type: ignore[attr-defined]
        self.fields["profile"].label_from_instance = lambda p: p.name  # type: ignore[attr-defined]

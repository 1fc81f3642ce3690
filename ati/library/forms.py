from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ati.accounts import permissions as roles
from ati.bodies.models import PublicBody
from ati.core import texts

from . import anonymise
from .models import LANGUAGES, PROACTIVE_CATEGORIES, Category

CATEGORY_CHOICES = [(c, Category(c).label) for c in PROACTIVE_CATEGORIES]
REDACTION_CHOICES = [(c, c.replace("_", " ")) for c in anonymise.CATEGORIES]


class AddRedactionForm(forms.Form):
    phrase = forms.CharField(
        label=_("Phrase to redact (every occurrence)"), max_length=texts.PHRASE, required=False
    )
    start = forms.IntegerField(label=_("or from character"), min_value=0, required=False)
    end = forms.IntegerField(label=_("to character"), min_value=1, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=REDACTION_CHOICES, initial="person")


class ApproveForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=texts.LINE)
    confirm = forms.BooleanField(
        label=_("I have read the text and its redactions; no personal data remains.")
    )


class UnpublishForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it unpublished? (shown on the page)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=texts.REASON,
    )


class ProactiveForm(forms.Form):
    body = forms.ModelChoiceField(label=_("Body"), queryset=PublicBody.objects.none())
    category = forms.ChoiceField(label=_("Category (Article 10)"), choices=CATEGORY_CHOICES)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES)
    title = forms.CharField(label=_("Title"), max_length=texts.LINE)
    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 14}), max_length=texts.DOCUMENT
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs = PublicBody.objects.all()
        if not roles.is_administrator(user):
            qs = qs.filter(pk__in=roles.body_ids(user, roles.Role.OFFICER))
        self.fields["body"].queryset = qs  # type: ignore[attr-defined]

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ati.accounts import permissions as roles
from ati.bodies.models import PublicBody
from ati.core import texts

from . import anonymise, labels
from .models import LANGUAGES, PROACTIVE_CATEGORIES, Category

CATEGORY_CHOICES = [(c, Category(c).label) for c in PROACTIVE_CATEGORIES]
REDACTION_CHOICES = [(c, labels.LABELS.get(c, c)) for c in anonymise.CATEGORIES]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class AddRedactionForm(forms.Form):
    """A phrase hidden everywhere, or the passage the reviewer selected in the original.

    The selection (static/js/page-redaction.js) fills `phrase` with the selected text and
    the hidden `start` and `end` with its place: people choose words, never offsets.
    """

    phrase = forms.CharField(
        label=_("Hide this phrase everywhere"), max_length=texts.PHRASE, required=False
    )
    start = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    end = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
    category = forms.ChoiceField(label=_("Category"), choices=REDACTION_CHOICES, initial="person")

    def span(self, text: str) -> tuple[int | None, int | None, str]:
        """(start, end, phrase) for services.add_redaction, from what was posted.

        A selection is checked against the text: where the browser's offsets and the
        stored text disagree (line ends are "\r\n" here, "\n" in the page), the
        occurrence of the selected words nearest to the offsets is the one hidden.
        """
        d = self.cleaned_data
        start, end, phrase = d.get("start"), d.get("end"), (d.get("phrase") or "").strip()
        if start is None or end is None or not phrase:
            return start, end, phrase  # a phrase everywhere, or a range alone (the API's way)
        if text[start:end] == phrase:
            return start, end, ""
        found = [m.start() for m in re.finditer(re.escape(phrase), text)]
        if not found:
            return None, None, phrase  # reported by the service: not in the text
        nearest = min(found, key=lambda at: abs(at - start))
        return nearest, nearest + len(phrase), ""


class PageRedactionForm(forms.Form):
    """Words chosen on a page image, or a rectangle drawn on it (in % of the page)."""

    page = forms.IntegerField(widget=forms.HiddenInput)
    words = forms.CharField(required=False, widget=forms.HiddenInput, max_length=20_000)
    x0 = forms.FloatField(
        label=_("Left edge (0 to 100)"), min_value=0, max_value=100, required=False
    )
    y0 = forms.FloatField(
        label=_("Top edge (0 to 100)"), min_value=0, max_value=100, required=False
    )
    x1 = forms.FloatField(
        label=_("Right edge (0 to 100)"), min_value=0, max_value=100, required=False
    )
    y1 = forms.FloatField(
        label=_("Bottom edge (0 to 100)"), min_value=0, max_value=100, required=False
    )
    category = forms.ChoiceField(label=_("Category"), choices=REDACTION_CHOICES, initial="person")

    def clean_words(self) -> list[int]:
        raw = self.cleaned_data.get("words") or ""
        try:
            return [int(part) for part in raw.replace(" ", "").split(",") if part]
        except ValueError as exc:
            raise forms.ValidationError(_("Choose words of the page.")) from exc

    def rect(self) -> tuple[float, float, float, float] | None:
        d = self.cleaned_data
        values = [d.get(k) for k in ("x0", "y0", "x1", "y1")]
        if all(v is None for v in values):
            return None
        if any(v is None for v in values):
            raise forms.ValidationError(_("Give the rectangle's four sides."))
        x0, y0, x1, y1 = (float(v) / 100 for v in values)  # type: ignore[arg-type]
        return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


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
    documents = MultipleFileField(
        label=_("Released files (PDF, scans, images)"),
        required=False,
        help_text=_(
            "Each page is read (by OCR when it is a scan) and redacted like the text, then "
            "reviewed before publication. Word or OpenDocument files: export them as PDF first."
        ),
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs = PublicBody.objects.all()
        if not roles.is_administrator(user):
            qs = qs.filter(pk__in=roles.body_ids(user, roles.Role.OFFICER))
        self.fields["body"].queryset = qs  # type: ignore[attr-defined]

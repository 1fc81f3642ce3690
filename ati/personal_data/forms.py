from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ErasureForm(forms.Form):
    """Erasure cannot be undone: the applicant confirms it with their password."""

    password = forms.CharField(
        label=_("Your password, to confirm"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

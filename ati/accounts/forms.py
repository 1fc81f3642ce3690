from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import User


class SignupDetailsForm(forms.Form):
    """The citizen's identity on allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS).

    allauth adds the e-mail address and the two passwords; the adapter's `save_user`
    copies these fields onto the account before it is first saved.
    """

    full_name = forms.CharField(
        label=_("First and last name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    preferred_language = forms.ChoiceField(
        label=_("Language for letters and e-mails"),
        choices=User._meta.get_field("preferred_language").flatchoices,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].initial = (get_language() or "fr")[:2]

    def signup(self, request: Any, user: Any) -> None:
        """Nothing left to do: `AccountAdapter.save_user` has stored the fields."""


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the token"),
        max_length=100,
        help_text=_("What it is for, e.g. the script or the application that uses it."),
    )

from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm as AllauthActivateTOTPForm
from django import forms
from django.conf import settings
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


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form: the address has the focus, and staff sessions stay short."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = _("E-mail address")
        login.widget.attrs.update({"autofocus": True, "autocomplete": "email"})
        login.widget.attrs.pop("placeholder", None)
        # The link to reset the password comes after the form, not between the fields.
        self.fields["password"].help_text = ""
        self.fields["password"].widget.attrs.pop("placeholder", None)

    def _login_with_password(self, request: Any, redirect_url: Any, credentials: Any) -> Any:
        response = super()._login_with_password(request, redirect_url, credentials)
        # allauth sets the session's age after signing in, over the staff's shorter one
        # (ati.core.security.shorten_staff_session); set it again.
        user = request.user
        if user.is_authenticated and user.role != "citizen":
            request.session.set_expiry(settings.ATI_STAFF_SESSION_SECONDS)
        return response


#: The code field of the two-factor pages: focused, digits, read left to right (also in Arabic).
CODE_ATTRS = {
    "autofocus": True,
    "inputmode": "numeric",
    "autocomplete": "one-time-code",
    "dir": "ltr",
}


class AuthenticateForm(AllauthAuthenticateForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(CODE_ATTRS)
        self.fields["code"].widget.attrs.pop("placeholder", None)


class ActivateTOTPForm(AllauthActivateTOTPForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(CODE_ATTRS)
        self.fields["code"].widget.attrs.pop("placeholder", None)

"""ati's versions of allauth's forms (ACCOUNT_FORMS, MFA_FORMS in settings).

Apart from ati.accounts.forms, which allauth imports while it builds its own forms
(ACCOUNT_SIGNUP_FORM_CLASS): importing allauth's forms there would be a circle.
"""

from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm as AllauthActivateTOTPForm
from django.conf import settings
from django.utils.translation import gettext_lazy as _


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

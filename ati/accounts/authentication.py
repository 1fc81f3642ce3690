"""The API's token authentication: personal tokens, stored hashed (ati.accounts.tokens)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from . import tokens


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`: the key's hash, not expired or revoked, active account."""

    keyword = "Token"

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        found = tokens.user_for_key(key)
        if found is None:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        return found

"""POST /api/v1/auth/token/: an API client gets a personal token with e-mail and password.

Staff give their authenticator app's code too (`otp_code`), as at the site's sign-in.
Throttled by the same shared counters as the sign-in page (ati/core/ratelimit.py):
failures per account and per address. Every failure answers the same 400, so that the
endpoint does not say whether an address has an account.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ati.core import ratelimit
from ati.core.api import ErrorSerializer

from . import tokens
from .adapter import mfa_required


class TokenRequestSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, max_length=4096)
    otp_code = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=16,
        help_text="The authenticator app's current code: required for staff accounts.",
    )
    name = serializers.CharField(
        required=False,
        max_length=100,
        help_text='A name to tell the token from others (default "API client").',
    )


class TokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(help_text="The key: shown this once, never stored.")
    name = serializers.CharField()
    expires_at = serializers.DateTimeField()


def _second_factor_ok(user: Any, code: str) -> bool:
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return bool(authenticator and code and TOTP(authenticator).validate_code(code))


class ObtainTokenView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="auth_token_create",
        request=TokenRequestSerializer,
        responses={
            201: TokenSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Wrong credentials or code"),
            429: OpenApiResponse(ErrorSerializer, description="Too many failed attempts"),
        },
        description=(
            "Exchange an e-mail address and password (and, for staff, the authenticator "
            "app's code) for a personal API token, to send as `Authorization: Token <key>`. "
            "The key is shown once; it expires after ATI_API_TOKEN_DAYS (90) days and can "
            "be revoked under My account → API tokens."
        ),
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        email = data["email"].strip().lower()
        address = ratelimit.client_address(request._request)
        refused = [
            scope
            for scope, who in (("login-email", email), ("login-ip", address))
            if ratelimit.exceeded(scope, who)
        ]
        if refused:
            return Response(
                {"message": _("Too many failed attempts: try again later.")},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(ratelimit.retry_after(*refused))},
            )
        user = authenticate(request._request, email=email, password=data["password"])
        ok = (
            user is not None
            and user.is_active
            and EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
            and (not mfa_required(user) or _second_factor_ok(user, data.get("otp_code", "")))
        )
        if not ok:
            ratelimit.hit("login-email", email)
            ratelimit.hit("login-ip", address)
            return Response(
                {"message": _("E-mail address, password or code incorrect.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        token, key = tokens.create_token(user, name=data.get("name") or "API client")  # type: ignore[arg-type]
        return Response(
            {"token": key, "name": token.name, "expires_at": token.expires_at},
            status=status.HTTP_201_CREATED,
        )

"""The legal grounds of refusal, read-only, for everyone (the law is a public fact).

An integrator refusing a request through the API names its grounds by code
(`POST /requests/{id}/answer/`, `grounds`): this is where the codes come from,
with their article and their labels in the three languages.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets

from ati.core.replica import replica_reads

from . import selectors
from .models import ExceptionGround, LegalProfileVersion


class ExceptionGroundSerializer(serializers.ModelSerializer[ExceptionGround]):
    profile = serializers.CharField(source="version.profile.code", read_only=True)
    version = serializers.IntegerField(source="version.version", read_only=True)

    class Meta:
        model = ExceptionGround
        fields = [
            "code",
            "article",
            "kind",
            "label_fr",
            "label_ar",
            "label_en",
            "to_confirm",
            "profile",
            "version",
        ]
        read_only_fields = fields


@replica_reads(anonymous_only=True)
@extend_schema_view(
    list=extend_schema(
        summary="The grounds on which a request may be refused, as the law in force lists them",
        parameters=[
            OpenApiParameter(
                "profile",
                {"type": "string", "pattern": "^[-a-zA-Z0-9_]*$", "maxLength": 32},
                description="A legal profile's code (a body's `legal_profile`); by default, "
                "the default profile (Law 31-13). Empty: the default profile.",
            )
        ],
    )
)
class ExceptionGroundViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[ExceptionGround]):
    serializer_class = ExceptionGroundSerializer
    permission_classes = [permissions.AllowAny]
    # No filter backend: `profile` is read here, strictly (an unknown profile is a 400).
    filter_backends: list[Any] = []

    def _version(self) -> LegalProfileVersion:
        code = self.request.query_params.get("profile", "")
        if not code:
            return selectors.default_profile_version()
        try:
            return selectors.current_version(code)
        except selectors.UnknownProfile:
            raise ValidationError(
                {"profile": [_("No legal profile has the code “%(code)s”.") % {"code": code}]}
            ) from None

    def get_queryset(self) -> Any:
        return (
            ExceptionGround.objects.filter(version=self._version())
            .select_related("version__profile")
            .order_by("position", "code")
        )

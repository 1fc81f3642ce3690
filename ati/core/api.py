"""How the API answers errors: JSON with a message and, for bad input, a field map."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import TransitionConflict


class ErrorSerializer(serializers.Serializer[Any]):
    message = serializers.CharField()
    fields = serializers.DictField(  # type: ignore[assignment]  # the JSON key is "fields"
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


class ConflictSerializer(serializers.Serializer[Any]):
    message = serializers.CharField()
    state = serializers.CharField()
    allowed = serializers.ListField(child=serializers.CharField())


def _field_map(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if k == "__all__" else k): [str(m) for m in v]
            for k, v in error.message_dict.items()
        }
    return {"non_field_errors": [str(m) for m in error.messages]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, TransitionConflict):
        return Response(
            {"message": exc.message, "state": exc.state, "allowed": exc.allowed},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, ValidationError):
        fields = _field_map(exc)
        first = next(iter(fields.values()))[0]
        return Response({"message": first, "fields": fields}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ObjectDoesNotExist | Http404):
        return Response({"message": _("Not found.")}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        fields = data if isinstance(data, dict) else {"non_field_errors": data}
        response.data = {"message": _("Some fields are not valid."), "fields": fields}
    elif isinstance(data, dict) and "detail" in data:
        response.data = {"message": str(data["detail"])}
    return response

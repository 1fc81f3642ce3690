"""How the API answers errors: JSON with a message and, for bad input, a field map."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any, ClassVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, renderers, serializers, status
from rest_framework.relations import PKOnlyObject
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import TransitionConflict


class PDFRenderer(renderers.BaseRenderer):
    """A PDF made by the view (the bytes of a letter), for actions that answer one.

    With it in the action's `renderer_classes`, `Accept: application/pdf` is honoured (not
    a 406) and the schema announces `application/pdf`. Errors never come out as a PDF:
    `exception_handler` gives them the JSON renderer.
    """

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        raise TypeError("PDFRenderer renders the bytes of a PDF only")


class FileRenderer(PDFRenderer):
    """Any type, for an action that answers a file in its own type (an attachment).

    The action returns the file itself (a `FileResponse`); this renderer only lets content
    negotiation accept what the schema announces (`Accept: image/png` was a 406).
    """

    media_type = "*/*"
    format = "file"


def pdf_response(content: bytes, filename: str) -> Response:
    """A PDF, downloaded under `filename`, through the PDF renderer."""
    response = Response(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _errors_as_json(context: dict[str, Any]) -> None:
    """Render an error as JSON, whatever the action renders when it succeeds (a PDF).

    Also when content negotiation itself failed (a 406): DRF would then pick the
    view's first renderer, which may not be able to render an error at all.
    """
    request = context.get("request")
    if request is None:
        return
    accepted = getattr(request, "accepted_renderer", None)
    if accepted is None or getattr(accepted, "render_style", "text") == "binary":
        request.accepted_renderer = renderers.JSONRenderer()
        request.accepted_media_type = "application/json"


#: The schema of a PDF action's answers: the PDF, or a JSON error.
def pdf_responses(not_found: str) -> dict[Any, Any]:
    return {
        (200, "application/pdf"): OpenApiResponse(
            {"type": "string", "format": "binary"}, description="The PDF"
        ),
        (404, "application/json"): OpenApiResponse(ErrorSerializer, description=not_found),
    }


class TranslatedSessionScheme(SessionScheme):
    """The schema's session scheme for ati/core/authentication.py's (DRF's, translated)."""

    target_class = "ati.core.authentication.SessionAuthentication"


class ErrorSerializer(serializers.Serializer[Any]):
    message = serializers.CharField()
    fields = serializers.DictField(  # type: ignore[assignment]  # the JSON key is "fields"
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


class ConflictSerializer(serializers.Serializer[Any]):
    message = serializers.CharField()
    state = serializers.CharField()
    allowed = serializers.ListField(child=serializers.CharField())


#: Every 429 says when to try again (seconds): add to an operation's `parameters`.
RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    int,
    OpenApiParameter.HEADER,
    required=True,
    response=[429],
    description="Seconds until the limit's window ends",
)


class AutoSchema(SpectacularAutoSchema):
    """Every operation documents the errors it can answer, in the one error shape.

    The error responses come from the framework around the views (a token not valid, a
    signed-in session without its CSRF token, a filter or page number not valid, a body
    that cannot be parsed, a database that cannot be reached), so they are added here
    once rather than on each view. What a view declares itself (`@extend_schema`) wins.
    Descriptions are in English, as the rest of the schema.
    """

    def _error_responses(self) -> dict[int, str]:
        codes = {
            403: "Not signed in, a token not valid, or not allowed for your role",
            503: "The database cannot be reached just now (see Retry-After)",
        }
        has_body = self.method in {"POST", "PUT", "PATCH"}
        is_list = self.method == "GET" and self._is_list_view()
        if has_body or is_list or self.get_override_parameters():
            codes[400] = "Bad input"
        if "{" in self.path:
            codes[404] = "No such object (or not yours)"
        elif is_list and self._get_paginator():
            codes[404] = "No such page"
        if has_body:
            codes[415] = "A body of a type the API does not read"
        return codes

    def _get_filter_parameters(self) -> list[dict[str, Any]]:
        # django-filter reads an empty value as "no filter" (as a form sends it): say so,
        # rather than document a value every browser form sends as not valid.
        parameters: list[dict[str, Any]] = super()._get_filter_parameters()
        for parameter in parameters:
            schema = parameter.get("schema", {})
            if "enum" in schema:
                if "" not in schema["enum"]:
                    schema["enum"] = [*schema["enum"], ""]
            elif schema.get("type") != "string" or "format" in schema:
                parameter["schema"] = {"anyOf": [schema, {"type": "string", "maxLength": 0}]}
            parameter["description"] = " ".join(
                filter(None, [parameter.get("description"), "Empty: no filter."])
            )
        return parameters

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for code, description in self._error_responses().items():
            if str(code) not in responses:
                # Errors are JSON, also from an action that answers a PDF when it succeeds.
                responses[str(code)] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=description),
                    str(code),
                    media_types=["application/json"],
                )
        return responses


def _field_map(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if k == "__all__" else k): [str(m) for m in v]
            for k, v in error.message_dict.items()
        }
    return {"non_field_errors": [str(m) for m in error.messages]}


def _messages(errors: Any) -> list[str]:
    """The messages of one field as a flat list, as documented.

    A list field reports its items' errors by position (`{"0": ["…"]}`) and a nested
    serializer by sub-field: both are flattened under the field's own name.
    """
    if isinstance(errors, dict):
        return [m for nested in errors.values() for m in _messages(nested)]
    if isinstance(errors, list):
        return [m for item in errors for m in _messages(item)]
    return [str(errors)]


def _parse_error(exc: exceptions.ParseError) -> exceptions.ParseError:
    """DRF's parse errors name the decoder's failure in English: say it in the caller's language.

    The JSON decoder's error (the exception's context) still gives where the body broke.
    """
    detail = str(exc.detail)
    cause = exc.__context__
    if detail.startswith("JSON parse error - "):
        if isinstance(cause, json.JSONDecodeError):
            return exceptions.ParseError(
                _("The body is not valid JSON (line %(line)d, column %(column)d).")
                % {"line": cause.lineno, "column": cause.colno}
            )
        return exceptions.ParseError(_("The body is not valid JSON."))
    if detail.startswith("Multipart form parse error - "):
        return exceptions.ParseError(_("The multipart body cannot be read."))
    return exc


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    _errors_as_json(context)
    if isinstance(exc, exceptions.ParseError):
        exc = _parse_error(exc)
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
        response.data = {
            "message": _("Some fields are not valid."),
            "fields": {name: _messages(errors) for name, errors in fields.items()},
        }
    elif isinstance(data, dict) and "detail" in data:
        response.data = {"message": str(data["detail"])}
    return response


class FieldsBuiltOnceMixin:
    """A serializer's fields built once per class, each instance binding copies.

    DRF builds them for every serializer instance: a `Serializer` deep-copies its declared
    fields, a `ModelSerializer` inspects each model field, its validators and choices.
    For one-row requests (a submission, its response) that cost more than the rest of
    the serializer's work.
    """

    #: Per class (a subclass has fields of its own).
    _built: ClassVar[dict[type, dict[str, Any]]] = {}

    def get_fields(self) -> dict[str, Any]:
        built = FieldsBuiltOnceMixin._built.get(type(self))
        if built is None:
            built = FieldsBuiltOnceMixin._built[type(self)] = super().get_fields()  # type: ignore[misc]
        # A shallow copy is what binding needs (it sets the copy's name, parent, source);
        # fields holding fields of their own (a list's child) are copied whole.
        nested = (
            serializers.BaseSerializer,
            serializers.ManyRelatedField,
            serializers.ListField,
            serializers.DictField,
        )
        return {
            name: copy.deepcopy(field) if isinstance(field, nested) else copy.copy(field)
            for name, field in built.items()
        }


class PlainFieldsMixin(FieldsBuiltOnceMixin):
    """Serialise model fields read straight off the instance, for long lists.

    DRF resolves every field of every row through `Field.get_attribute` (source
    paths, exception handling): for a page of 50 rows of 40 fields, that walk
    costs more than the query. For fields whose source is the field's own name on
    the model (no dotted path, no method), this reads the attribute directly and
    still converts it with the field's own `to_representation`, so the output is
    the same (tests/requests/test_api_list.py compares both on every state). The
    fields themselves are built once per class (FieldsBuiltOnceMixin).
    """

    _plan: list[tuple[str, Any, bool]] | None = None

    def _plain_plan(self) -> list[tuple[str, Any, bool]]:
        plan = []
        fields = self.fields  # type: ignore[attr-defined]
        for field in fields.values():
            if field.write_only:
                continue
            plain = (
                not isinstance(field, serializers.SerializerMethodField | serializers.RelatedField)
                and not isinstance(field, serializers.ManyRelatedField | serializers.BaseSerializer)
                and len(field.source_attrs) == 1
                and field.source_attrs[0] == field.field_name
            )
            plan.append((field.field_name, field, plain))
        return plan

    def to_representation(self, instance: Any) -> dict[str, Any]:
        if self._plan is None:
            self._plan = self._plain_plan()
        data: dict[str, Any] = {}
        for name, field, plain in self._plan:
            if plain:
                value = getattr(instance, name)
            else:
                try:
                    value = field.get_attribute(instance)
                except serializers.SkipField:
                    continue
            empty = value.pk is None if isinstance(value, PKOnlyObject) else value is None
            data[name] = None if empty else field.to_representation(value)
        return data

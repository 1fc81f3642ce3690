"""The request API: list, create, retrieve, one POST per transition, messages, files.

Thin: serializers check shapes, services decide. A citizen sees only their own
requests and an officer only their body's; anything else is a 404.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.encoding import smart_str
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import Throttled
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from ati.bodies.models import Department, PublicBody
from ati.core import ratelimit, rows, texts
from ati.core.api import (
    RETRY_AFTER,
    ConflictSerializer,
    ErrorSerializer,
    FieldsBuiltOnceMixin,
    FileRenderer,
    PDFRenderer,
    PlainFieldsMixin,
    pdf_response,
    pdf_responses,
)
from ati.core.filters import StrictNullBooleanField
from ati.core.pagination import CappedCountPagination
from ati.core.parsers import DepthLimitedJSONParser

from . import letters, permissions, selectors, services
from .actions import REQUEST_ACTIONS
from .models import (
    Attachment,
    Channel,
    DeliveryForm,
    IdDocument,
    InformationRequest,
    Message,
    Outcome,
)

#: Shown only to those who may see the applicant's identity (the model's list, and the kind
#: of identity document).
IDENTITY_FIELDS = ["applicant_id_kind", *InformationRequest.IDENTITY_FIELDS]


class AttachmentSerializer(serializers.ModelSerializer[Attachment]):
    class Meta:
        model = Attachment
        fields = ["id", "kind", "original_name", "content_type", "size", "sha256", "uploaded_at"]


class MessageSerializer(serializers.ModelSerializer[Message]):
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Message
        fields = ["id", "direction", "text", "created_at", "attachments"]


class InformationRequestSerializer(
    PlainFieldsMixin, serializers.ModelSerializer[InformationRequest]
):
    body: serializers.SlugRelatedField[PublicBody] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    department: serializers.SlugRelatedField[Department] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    # Blank until answered: read-only fields lose `allow_blank`, so declared here for the schema.
    outcome = serializers.ChoiceField(Outcome.choices, read_only=True, allow_blank=True)
    is_overdue = serializers.SerializerMethodField()
    refusal_grounds = serializers.SerializerMethodField()
    transferred_to = serializers.SerializerMethodField()
    transferred_from = serializers.SerializerMethodField()
    profile = serializers.CharField(source="profile_version.profile.code", read_only=True)

    class Meta:
        model = InformationRequest
        fields = [
            "id",
            "reference",
            "body",
            "department",
            "state",
            "subject",
            "information_requested",
            "delivery_form",
            "urgent",
            "urgency_reason",
            "channel",
            "language",
            "submitted_at",
            "received_on",
            "response_due",
            "original_response_due",
            "due_explanation",
            "is_overdue",
            "extensions_used",
            "extension_reason",
            "clarification_question",
            "clarification_answer",
            "outcome",
            "answer_text",
            "withheld_description",
            "holder_name",
            "refusal_grounds",
            "reproduction_cost",
            "answered_at",
            "transferred_from",
            "transferred_to",
            "profile",
            *IDENTITY_FIELDS,
        ]
        read_only_fields = fields
        # Masked (null) for whoever may see the request but not the applicant's identity.
        extra_kwargs = {name: {"allow_null": True} for name in IDENTITY_FIELDS}

    def get_is_overdue(self, obj: InformationRequest) -> bool:
        flag = getattr(obj, "is_overdue", None)
        return obj.past_due() if flag is None else bool(flag)

    def _relations(self, obj: InformationRequest) -> selectors.PageRelations:
        # A list puts the relations of its whole page in the context (`list`).
        relations = self.context.get("relations")
        return relations if relations is not None else selectors.page_relations([obj])

    def get_refusal_grounds(self, obj: InformationRequest) -> list[str]:
        return self._relations(obj).grounds_of(obj.pk)

    def get_transferred_from(self, obj: InformationRequest) -> str | None:
        if obj.transferred_from_id is None:
            return None
        return self._relations(obj).transfer_of(obj.pk)[0]

    def get_transferred_to(self, obj: InformationRequest) -> str | None:
        return self._relations(obj).transfer_of(obj.pk)[1]

    def to_representation(self, instance: InformationRequest) -> dict[str, Any]:
        data = super().to_representation(instance)
        user = self.context["request"].user
        if not permissions.can_see_identity(user, instance):
            for name in IDENTITY_FIELDS:
                data[name] = None
        return data


class BodyCodeField(serializers.SlugRelatedField[PublicBody]):
    """A body by its code, with its legal profile: read without the ORM's compiler, as
    every submission reads it (ati/core/rows.py)."""

    def to_internal_value(self, data: Any) -> PublicBody:
        if isinstance(data, bool) or not isinstance(data, str | int):
            self.fail("invalid")
        try:
            body = rows.one(
                PublicBody, where="t.code = %s", params=[str(data)], related=("legal_profile",)
            )
        except ValueError:  # what the database cannot hold (a NUL)
            self.fail("invalid")
        if body is None:
            self.fail("does_not_exist", slug_name=self.slug_field, value=smart_str(data))
        return body


class SubmitSerializer(FieldsBuiltOnceMixin, serializers.Serializer[Any]):
    body = BodyCodeField(slug_field="code", queryset=PublicBody.objects.all())
    subject = serializers.CharField(max_length=200)
    information_requested = serializers.CharField(max_length=texts.STATEMENT)
    delivery_form = serializers.ChoiceField(DeliveryForm.choices, default=DeliveryForm.ELECTRONIC)
    urgent = serializers.BooleanField(default=False)
    urgency_reason = serializers.CharField(
        max_length=texts.SHORT, required=False, allow_blank=True, default=""
    )
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    address = serializers.CharField(max_length=texts.PHRASE)
    id_kind = serializers.ChoiceField(IdDocument.choices, default=IdDocument.CIN)
    id_number = serializers.RegexField(r"^[A-Za-z]{0,3}\d{3,10}$", max_length=20)
    email = serializers.EmailField(required=False)
    phone = serializers.RegexField(
        r"^\+?[\d .\-()]{6,25}$", required=False, allow_blank=True, default=""
    )
    language = serializers.ChoiceField(["fr", "ar", "en"], required=False)
    channel = serializers.ChoiceField(Channel.choices, default=Channel.ONLINE)
    received_on = serializers.DateField(required=False)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class MessageCreateSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=texts.STATEMENT)
    internal = serializers.BooleanField(default=False)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)


def _uploads(files: list[Any]) -> list[services.Upload]:
    return [services.Upload(file=f, name=f.name, size=f.size) for f in files]


TRANSITION_RESPONSES = {
    200: InformationRequestSerializer,
    400: OpenApiResponse(ErrorSerializer, description="Bad input"),
    403: OpenApiResponse(ErrorSerializer, description="Not allowed for your role"),
    404: OpenApiResponse(ErrorSerializer, description="No such request (or not yours)"),
    409: OpenApiResponse(ConflictSerializer, description="Not possible in the current state"),
}


@extend_schema_view(
    list=extend_schema(
        summary="Requests you may see, soonest due first",
        parameters=[
            OpenApiParameter(
                "overdue",
                {"anyOf": [{"type": "boolean"}, {"type": "string", "maxLength": 0}]},
                description="true (or 1): only the requests past their due date. Empty: no filter.",
            )
        ],
    ),
    retrieve=extend_schema(summary="One request"),
)
@REQUEST_ACTIONS.api(responses=TRANSITION_RESPONSES)
class InformationRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[InformationRequest]
):
    serializer_class = InformationRequestSerializer
    parser_classes = [DepthLimitedJSONParser, MultiPartParser, FormParser]
    # A body's queue can hold hundreds of thousands of requests: counted up to a cap.
    pagination_class = CappedCountPagination
    filterset_fields = {
        "state": ["exact"],
        "urgent": ["exact"],
        "body__code": ["exact"],
        "department": ["exact"],
        "response_due": ["lte", "gte"],
    }

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        serializer = self.get_serializer(rows, many=True)
        serializer.context["relations"] = selectors.page_relations(rows)
        if page is not None:
            return self.get_paginated_response(serializer.data)
        return Response(serializer.data)

    def get_queryset(self) -> Any:
        qs = selectors.visible_requests(self.request.user).with_overdue()
        qs = qs.select_related("profile_version__profile")
        try:
            overdue = StrictNullBooleanField(required=False).clean(
                self.request.query_params.get("overdue")
            )
        except DjangoValidationError as error:
            raise DjangoValidationError({"overdue": error.messages}) from None
        if overdue:
            qs = qs.overdue()
        return qs.order_by("response_due", "pk")

    def action_response(self, request: Request, updated: InformationRequest) -> Response:
        """The request as it is after an action (REQUEST_ACTIONS' endpoints)."""
        fresh = self.get_queryset().get(pk=updated.pk)
        return Response(InformationRequestSerializer(fresh, context={"request": request}).data)

    @extend_schema(
        request=SubmitSerializer,
        responses={
            201: InformationRequestSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            429: OpenApiResponse(ErrorSerializer, description="Too many submissions this hour"),
        },
        parameters=[RETRY_AFTER],
    )
    def create(self, request: Request) -> Response:
        if not ratelimit.hit("submit", f"user:{request.user.pk}"):
            raise Throttled(wait=ratelimit.retry_after("submit"))
        serializer = SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user: Any = request.user
        on_behalf = not permissions.roles.is_citizen(user)
        applicant = services.ApplicantDetails(
            first_name=data["first_name"],
            last_name=data["last_name"],
            address=data["address"],
            id_kind=data["id_kind"],
            id_number=data["id_number"],
            email=data.get("email") or ("" if on_behalf else user.email),
            phone=data["phone"],
            language=data.get("language") or getattr(user, "preferred_language", "fr"),
        )
        if not applicant.email:
            raise serializers.ValidationError({"email": [_("The applicant's e-mail is required.")]})
        details = services.RequestDetails(
            subject=data["subject"],
            information_requested=data["information_requested"],
            delivery_form=data["delivery_form"],
            urgent=data["urgent"],
            urgency_reason=data["urgency_reason"],
            attachments=_uploads(data["attachments"]),
        )
        req = services.submit_request(
            user,
            body=data["body"],
            applicant=applicant,
            details=details,
            channel=data["channel"],
            received_on=data.get("received_on"),
        )
        # Serialised as the service returned it (body and profile version loaded): a
        # request just received has no refusal grounds and no transfer, so no query.
        nothing = selectors.PageRelations(grounds={}, transfers={})
        return Response(
            InformationRequestSerializer(
                req, context={"request": request, "relations": nothing}
            ).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(methods=["get"], responses=MessageSerializer(many=True))
    @extend_schema(
        methods=["post"],
        request=MessageCreateSerializer,
        responses={
            201: MessageSerializer,
            400: ErrorSerializer,
            409: OpenApiResponse(
                ConflictSerializer, description="The request is withdrawn or closed"
            ),
            429: OpenApiResponse(ErrorSerializer, description="Too many messages this hour"),
        },
        parameters=[RETRY_AFTER],
    )
    # Not paginated: a request's messages and files are few, and come whole.
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def messages(self, request: Request, pk: str | None = None) -> Response:
        req = self.get_object()
        if request.method == "GET":
            items = selectors.messages_for(request.user, req)
            return Response(MessageSerializer(items, many=True).data)
        if not ratelimit.hit("message", f"user:{request.user.pk}"):
            raise Throttled(wait=ratelimit.retry_after("message"))
        serializer = MessageCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = services.post_message(
            request.user,
            req,
            text=serializer.validated_data["text"],
            internal=serializer.validated_data["internal"],
            attachments=_uploads(serializer.validated_data["attachments"]),
        )
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=AttachmentSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def attachments(self, request: Request, pk: str | None = None) -> Response:
        req = self.get_object()
        items = selectors.attachments_for(request.user, req)
        return Response(AttachmentSerializer(items, many=True).data)

    # The letters, as the request's page offers them: to those who may see the applicant's
    # identity (it is on them); to anyone else a 404, as if the request did not exist.
    @extend_schema(
        summary="The receipt (récépissé) as PDF",
        responses=pdf_responses("No such request (or not yours)"),
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="receipt.pdf",
        renderer_classes=[PDFRenderer],
        pagination_class=None,
    )
    def receipt_pdf(self, request: Request, pk: str | None = None) -> Response:
        req = self.get_object()
        if not permissions.can_see_identity(request.user, req):
            raise Http404
        return pdf_response(letters.receipt_pdf(req), letters.receipt_filename(req))

    @extend_schema(
        summary="The answer letter as PDF",
        # Not `answer.pdf`: the router reads that as the `answer` action with a format suffix.
        responses=pdf_responses("No such request (or not yours), or not answered yet"),
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="answer_letter.pdf",
        renderer_classes=[PDFRenderer],
        pagination_class=None,
    )
    def answer_letter_pdf(self, request: Request, pk: str | None = None) -> Response:
        req = self.get_object()
        if not req.outcome or not permissions.can_see_identity(request.user, req):
            raise Http404
        return pdf_response(letters.answer_pdf(req), letters.answer_filename(req))

    # Served in the type recognised from the content at upload (ati/requests/uploads.py).
    @extend_schema(
        responses={
            (200, "application/*"): bytes,
            (200, "image/*"): bytes,
            (200, "text/plain"): bytes,
        }
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_id>\d+)/download",
        renderer_classes=[FileRenderer],
    )
    def download(
        self, request: Request, pk: str | None = None, attachment_id: str | None = None
    ) -> FileResponse:
        req = self.get_object()
        attachment = get_object_or_404(
            selectors.attachments_for(request.user, req), pk=attachment_id
        )
        return selectors.attachment_response(attachment)

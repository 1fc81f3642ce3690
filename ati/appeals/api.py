"""The complaint and appeal API: list, retrieve, file, one POST per transition.

Thin, like the request API: serializers check shapes, services decide. Whoever may
not see the request gets a 404; an action the state does not allow is a 409.
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from ati.core import texts
from ati.core.api import (
    ConflictSerializer,
    ErrorSerializer,
    PDFRenderer,
    pdf_response,
    pdf_responses,
)
from ati.requests import selectors as request_selectors

from . import letters, selectors, services
from .actions import APPEAL_ACTIONS, COMPLAINT_ACTIONS
from .models import (
    Appeal,
    Complaint,
    CourtJudgment,
    CourtSide,
    Decision,
    Ground,
    InadmissibilityReason,
)


class ComplaintSerializer(serializers.ModelSerializer[Complaint]):
    request: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="reference", read_only=True
    )
    body = serializers.CharField(source="request.body.code", read_only=True)

    class Meta:
        model = Complaint
        fields = [
            "id",
            "request",
            "body",
            "ground",
            "reasons",
            "state",
            "filed_on",
            "window_start",
            "window_end",
            "decision_due",
            "due_explanation",
            "decision_text",
            "decided_at",
        ]
        read_only_fields = fields


class AppealSerializer(serializers.ModelSerializer[Appeal]):
    request: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="reference", read_only=True
    )
    body = serializers.CharField(source="request.body.code", read_only=True)
    rapporteur: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )
    # Blank until decided: read-only fields lose `allow_blank`, so declared here for the schema.
    inadmissibility_reason = serializers.ChoiceField(
        InadmissibilityReason.choices, read_only=True, allow_blank=True
    )
    decision = serializers.ChoiceField(Decision.choices, read_only=True, allow_blank=True)
    court_filed_by = serializers.ChoiceField(CourtSide.choices, read_only=True, allow_blank=True)
    court_judgment = serializers.ChoiceField(
        CourtJudgment.choices, read_only=True, allow_blank=True
    )
    is_overdue = serializers.SerializerMethodField()
    admissibility_concerns = serializers.SerializerMethodField()

    class Meta:
        model = Appeal
        fields = [
            "id",
            "request",
            "body",
            "complaint",
            "ground",
            "reasons",
            "state",
            "filed_on",
            "window_start",
            "window_end",
            "decision_due",
            "due_explanation",
            "is_overdue",
            "admissibility_concerns",
            "rapporteur",
            "inadmissibility_reason",
            "inadmissibility_text",
            "observations_note",
            "observations_due",
            "observations_text",
            "hearing_on",
            "hearing_minutes",
            "decision",
            "decision_reasons",
            "decision_number",
            "decided_at",
            "compliance_due",
            "compliance_note",
            "reminders_sent",
            "published_at",
            "court_filed_by",
            "court_filed_on",
            "court_reference",
            "court_stay",
            "court_judgment",
            "court_judged_on",
            "court_note",
        ]
        read_only_fields = fields

    def get_is_overdue(self, obj: Appeal) -> bool:
        return obj.is_overdue() or obj.compliance_overdue()

    def get_admissibility_concerns(self, obj: Appeal) -> list[str]:
        return services.admissibility_concerns(obj) if obj.state == "filed" else []


class FileComplaintSerializer(serializers.Serializer[Any]):
    request = serializers.CharField(help_text="The request's reference")
    ground = serializers.ChoiceField(Ground.choices)
    reasons = serializers.CharField(max_length=texts.STATEMENT)


class FileAppealSerializer(serializers.Serializer[Any]):
    request = serializers.CharField(help_text="The request's reference")
    reasons = serializers.CharField(max_length=texts.STATEMENT)


def _responses(serializer: Any) -> dict[int, Any]:
    return {
        200: serializer,
        400: OpenApiResponse(ErrorSerializer, description="Bad input"),
        403: OpenApiResponse(ErrorSerializer, description="Not allowed for your role"),
        404: OpenApiResponse(ErrorSerializer, description="No such object (or not yours)"),
        409: OpenApiResponse(ConflictSerializer, description="Not possible in the current state"),
    }


def _request_for(user: Any, reference: str) -> Any:
    return get_object_or_404(request_selectors.visible_requests(user), reference=reference)


@extend_schema_view(
    list=extend_schema(summary="Complaints you may see, soonest due first"),
    retrieve=extend_schema(summary="One complaint"),
)
@COMPLAINT_ACTIONS.api(responses=_responses(ComplaintSerializer))
class ComplaintViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Complaint]
):
    serializer_class = ComplaintSerializer
    filterset_fields = {"state": ["exact"], "ground": ["exact"], "request__body__code": ["exact"]}

    def get_queryset(self) -> Any:
        return selectors.visible_complaints(self.request.user).order_by("decision_due", "pk")

    def action_response(self, request: Request, updated: Complaint) -> Response:
        """The complaint as it is after an action (COMPLAINT_ACTIONS' endpoints)."""
        return Response(ComplaintSerializer(self.get_queryset().get(pk=updated.pk)).data)

    @extend_schema(
        request=FileComplaintSerializer,
        responses={
            201: ComplaintSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
    )
    def create(self, request: Request) -> Response:
        serializer = FileComplaintSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        complaint = services.file_complaint(
            request.user,
            _request_for(request.user, data["request"]),
            ground=data["ground"],
            reasons=data["reasons"],
        )
        return Response(ComplaintSerializer(complaint).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Appeals you may see, soonest due first"),
    retrieve=extend_schema(summary="One appeal"),
)
@APPEAL_ACTIONS.api(responses=_responses(AppealSerializer))
class AppealViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Appeal]
):
    serializer_class = AppealSerializer
    filterset_fields = {
        "state": ["exact"],
        "ground": ["exact"],
        "decision": ["exact"],
        "request__body__code": ["exact"],
        "rapporteur": ["exact"],
        "decision_due": ["lte", "gte"],
        "compliance_due": ["lte", "gte"],
    }

    def get_queryset(self) -> Any:
        return selectors.visible_appeals(self.request.user).order_by("decision_due", "pk")

    def action_response(self, request: Request, updated: Appeal) -> Response:
        """The appeal as it is after an action (APPEAL_ACTIONS' endpoints)."""
        return Response(AppealSerializer(self.get_queryset().get(pk=updated.pk)).data)

    @extend_schema(
        request=FileAppealSerializer,
        responses={
            201: AppealSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
    )
    def create(self, request: Request) -> Response:
        serializer = FileAppealSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        appeal = services.file_appeal(
            request.user, _request_for(request.user, data["request"]), reasons=data["reasons"]
        )
        return Response(AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The commission's decision as PDF",
        responses=pdf_responses("No such appeal (or not yours), or not decided yet"),
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="decision.pdf",
        renderer_classes=[PDFRenderer],
        pagination_class=None,
    )
    def decision_pdf(self, request: Request, pk: str | None = None) -> Response:
        found = self.get_object()
        if not found.decision_number:
            raise NotFound(_("No decision yet."))
        return pdf_response(letters.decision_pdf(found), letters.decision_filename(found))

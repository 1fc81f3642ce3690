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
from .models import Appeal, Complaint, Decision, Ground, InadmissibilityReason


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


class TextSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=texts.STATEMENT)


class PublishSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=texts.ANSWER)


class InadmissibleSerializer(serializers.Serializer[Any]):
    reason = serializers.ChoiceField(InadmissibilityReason.choices)
    text = serializers.CharField(
        max_length=texts.STATEMENT, required=False, allow_blank=True, default=""
    )


class RapporteurSerializer(serializers.Serializer[Any]):
    rapporteur = serializers.IntegerField()


class ObservationsRequestSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=texts.STATEMENT)
    due = serializers.DateField(required=False, allow_null=True, default=None)


class HearingSerializer(serializers.Serializer[Any]):
    on = serializers.DateField()
    minutes = serializers.CharField(max_length=texts.STATEMENT)


class DecisionSerializer(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(Decision.choices)
    reasons = serializers.CharField(max_length=texts.ANSWER)


class ComplianceSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(
        max_length=texts.STATEMENT, required=False, allow_blank=True, default=""
    )


class EmptySerializer(serializers.Serializer[Any]):
    pass


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
class ComplaintViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Complaint]
):
    serializer_class = ComplaintSerializer
    filterset_fields = {"state": ["exact"], "ground": ["exact"], "request__body__code": ["exact"]}

    def get_queryset(self) -> Any:
        return selectors.visible_complaints(self.request.user).order_by("decision_due", "pk")

    def _run(self, request: Request, serializer_class: Any, call: Any) -> Response:
        found = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        updated = call(found, serializer.validated_data)
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

    @extend_schema(request=TextSerializer, responses=_responses(ComplaintSerializer))
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        return self._run(
            request,
            TextSerializer,
            lambda c, d: services.confirm_complaint(request.user, c, text=d["text"]),
        )

    @extend_schema(request=TextSerializer, responses=_responses(ComplaintSerializer))
    @action(detail=True, methods=["post"])
    def overturn(self, request: Request, pk: str | None = None) -> Response:
        return self._run(
            request,
            TextSerializer,
            lambda c, d: services.overturn_complaint(request.user, c, text=d["text"]),
        )


@extend_schema_view(
    list=extend_schema(summary="Appeals you may see, soonest due first"),
    retrieve=extend_schema(summary="One appeal"),
)
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

    def _run(self, request: Request, serializer_class: Any, call: Any) -> Response:
        found = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        updated = call(found, serializer.validated_data)
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

    @extend_schema(request=EmptySerializer, responses=_responses(AppealSerializer))
    @action(detail=True, methods=["post"])
    def declare_admissible(self, request: Request, pk: str | None = None) -> Response:
        return self._run(
            request, EmptySerializer, lambda a, d: services.declare_admissible(request.user, a)
        )

    @extend_schema(request=InadmissibleSerializer, responses=_responses(AppealSerializer))
    @action(detail=True, methods=["post"])
    def declare_inadmissible(self, request: Request, pk: str | None = None) -> Response:
        return self._run(
            request,
            InadmissibleSerializer,
            lambda a, d: services.declare_inadmissible(
                request.user, a, reason=d["reason"], text=d["text"]
            ),
        )

    @extend_schema(request=RapporteurSerializer, responses=_responses(AppealSerializer))
    @action(detail=True, methods=["post"])
    def assign_rapporteur(self, request: Request, pk: str | None = None) -> Response:
        def call(a: Appeal, d: dict[str, Any]) -> Appeal:
            rapporteur = get_object_or_404(selectors.rapporteurs(), pk=d["rapporteur"])
            return services.assign_rapporteur(request.user, a, rapporteur=rapporteur)

        return self._run(request, RapporteurSerializer, call)

    @extend_schema(request=ObservationsRequestSerializer, responses=_responses(AppealSerializer))
    @action(detail=True, methods=["post"])
    def request_observations(self, request: Request, pk: str | None = None) -> Response:
        return self._run(
            request,
            ObservationsRequestSerializer,
            lambda a, d: services.request_observations(
                request.user, a, note=d["note"], due=d["due"]
            ),
        )

    @extend_schema(request=TextSerializer, responses=_responses(AppealSerializer))
    @action(detail=True, methods=["post"])
    def submit_observations(self, request: Request, pk: str | None = None) -> Response:
        return self._run(
            request,
            TextSerializer,
            lambda a, d: services.submit_observations(request.user, a, text=d["text"]),
        )

    @extend_schema(request=HearingSerializer, responses=_responses(AppealSerializer))
    @action(detail=True, methods=["post"])
    def record_hearing(self, request: Request, pk: str | None = None) -> Response:
        return self._run(
            request,
            HearingSerializer,
            lambda a, d: services.record_hearing(request.user, a, on=d["on"], minutes=d["minutes"]),
        )

    @extend_schema(request=DecisionSerializer, responses=_responses(AppealSerializer))
    @action(detail=True, methods=["post"])
    def draft_decision(self, request: Request, pk: str | None = None) -> Response:
        return self._run(
            request,
            DecisionSerializer,
            lambda a, d: services.draft_decision(
                request.user, a, decision=d["decision"], reasons=d["reasons"]
            ),
        )

    @extend_schema(request=DecisionSerializer, responses=_responses(AppealSerializer))
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        return self._run(
            request,
            DecisionSerializer,
            lambda a, d: services.decide(
                request.user, a, decision=d["decision"], reasons=d["reasons"]
            ),
        )

    @extend_schema(request=ComplianceSerializer, responses=_responses(AppealSerializer))
    @action(detail=True, methods=["post"])
    def record_complied(self, request: Request, pk: str | None = None) -> Response:
        return self._run(
            request,
            ComplianceSerializer,
            lambda a, d: services.record_compliance(request.user, a, complied=True, note=d["note"]),
        )

    @extend_schema(request=ComplianceSerializer, responses=_responses(AppealSerializer))
    @action(detail=True, methods=["post"])
    def record_not_complied(self, request: Request, pk: str | None = None) -> Response:
        return self._run(
            request,
            ComplianceSerializer,
            lambda a, d: services.record_compliance(
                request.user, a, complied=False, note=d["note"]
            ),
        )

    @extend_schema(request=PublishSerializer, responses=_responses(AppealSerializer))
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        return self._run(
            request,
            PublishSerializer,
            lambda a, d: services.publish_decision(request.user, a, text=d["text"]),
        )

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
        return pdf_response(letters.decision_pdf(found), f"decision-{found.decision_number}.pdf")

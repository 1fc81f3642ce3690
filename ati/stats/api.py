"""The statistics in the API: the open-data rows, public, read-only."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from . import opendata
from .selectors import latest_snapshot

_FIELD_TYPES = {
    "integer": lambda: serializers.IntegerField(),
    "number": lambda: serializers.FloatField(allow_null=True),
    "string": lambda: serializers.CharField(),
}


# Built from the one list of columns, so the API schema cannot drift from the files.
StatisticsRowSerializer: Any = type(
    "StatisticsRowSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "One body × year × month; see /statistics/data/ for every column.",
        **{c.name: _FIELD_TYPES[c.type]() for c in opendata.COLUMNS},
    },
)


class ColumnSerializer(serializers.Serializer[dict[str, object]]):
    name = serializers.CharField()
    type = serializers.CharField()
    unit = serializers.CharField()
    description = serializers.CharField()


class StatisticsSerializer(serializers.Serializer[dict[str, object]]):
    schema_version = serializers.CharField()
    computed_at = serializers.DateTimeField()
    license = serializers.CharField()
    columns = ColumnSerializer(many=True)
    rows = StatisticsRowSerializer(many=True)


class StatisticsViewSet(viewsets.ViewSet):
    """Requests received, answered on time or late, outcomes and response times."""

    permission_classes = [AllowAny]

    @extend_schema(
        responses=StatisticsSerializer,
        parameters=[
            OpenApiParameter("year", int, description="Only this year of receipt."),
            OpenApiParameter("body", str, description="Only this body (its code)."),
        ],
    )
    def list(self, request: Request) -> Response:
        snapshot = latest_snapshot()
        assert snapshot is not None
        year = request.query_params.get("year")
        rows = opendata.rows(
            snapshot,
            year=int(year) if year and year.isdigit() else None,
            body_code=request.query_params.get("body") or None,
        )
        return Response(opendata.as_json(snapshot, rows))

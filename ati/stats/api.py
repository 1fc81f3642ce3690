"""The statistics in the API: the open-data rows, public, read-only."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from ati.core.replica import replica_reads

from . import opendata
from .selectors import latest_snapshot

_FIELD_TYPES = {
    "integer": lambda: serializers.IntegerField(),
    "number": lambda: serializers.FloatField(allow_null=True),
    "string": lambda: serializers.CharField(allow_blank=True),
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
    unit = serializers.CharField(allow_blank=True)  # none for codes and names
    description = serializers.CharField()


@extend_schema_serializer(many=False)  # one object, though it answers the `list` action
class StatisticsSerializer(serializers.Serializer[dict[str, object]]):
    schema_version = serializers.CharField()
    computed_at = serializers.DateTimeField()
    license = serializers.CharField()
    columns = ColumnSerializer(many=True)
    rows = StatisticsRowSerializer(many=True)


class StatisticsQuerySerializer(serializers.Serializer[Any]):
    """A filter that is not valid is a 400, never silently the whole table."""

    year = serializers.IntegerField(
        required=False, min_value=1, max_value=9999, help_text="Only this year of receipt."
    )
    body = serializers.CharField(
        required=False, allow_blank=True, max_length=64, help_text="Only this body (its code)."
    )


@replica_reads(anonymous_only=True)
class StatisticsViewSet(viewsets.ViewSet):
    """Requests received, answered on time or late, outcomes and response times."""

    permission_classes = [AllowAny]

    @extend_schema(
        responses=StatisticsSerializer,
        parameters=[StatisticsQuerySerializer],
    )
    def list(self, request: Request) -> Response:
        query = StatisticsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        snapshot = latest_snapshot()
        assert snapshot is not None
        rows = opendata.rows(
            snapshot,
            year=query.validated_data.get("year"),
            body_code=query.validated_data.get("body") or None,
        )
        return Response(opendata.as_json(snapshot, rows))

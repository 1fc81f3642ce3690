"""Public, read-only search API of the library: /api/v1/library/?q=…"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from ati.requests.models import Outcome

from . import search
from .models import LANGUAGES, Category, Publication


class PublicationSerializer(serializers.ModelSerializer[Publication]):
    body = serializers.CharField(source="body.name", read_only=True)
    body_id = serializers.IntegerField(read_only=True)
    source_request = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    text = serializers.CharField(source="public_text", read_only=True)
    # A plain string: the request's `language` choice set already owns the enum name.
    language = serializers.CharField(read_only=True)

    class Meta:
        model = Publication
        fields = [
            "id",
            "title",
            "body",
            "body_id",
            "category",
            "language",
            "published_at",
            "outcome",
            "source_request",
            "url",
            "text",
        ]

    def get_source_request(self, obj: Publication) -> str | None:
        return obj.source_request.reference if obj.source_request_id else None  # type: ignore[union-attr]

    def get_url(self, obj: Publication) -> str:
        return f"/library/{obj.pk}/"


class HitSerializer(PublicationSerializer):
    score = serializers.FloatField()
    snippet = serializers.CharField(
        allow_blank=True, help_text="HTML: the matching words in <mark>"
    )

    class Meta(PublicationSerializer.Meta):
        fields = [*PublicationSerializer.Meta.fields, "score", "snippet"]


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "integer"}]})
class FacetValueField(serializers.Field[Any, Any, Any, Any]):
    """A facet's value as the index holds it: a code, or a number (the year)."""

    def to_representation(self, value: Any) -> Any:
        return value


class FacetValueSerializer(serializers.Serializer[Any]):
    value = FacetValueField(help_text="What to pass back as the filter of this facet")
    count = serializers.IntegerField()


@extend_schema_serializer(many=False)  # one object, though it answers the `list` action
class SearchResponseSerializer(serializers.Serializer[Any]):
    query = serializers.CharField(allow_blank=True)
    count = serializers.IntegerField()
    count_is_lower_bound = serializers.BooleanField(
        help_text="More than `count` documents match: the results are the best of the "
        "first 1000 matches the index yields, and the facet counts are theirs (lower bounds)."
    )
    page = serializers.IntegerField()
    next = serializers.BooleanField()
    results = HitSerializer(many=True)
    facets = serializers.DictField(child=FacetValueSerializer(many=True))


class SearchQuerySerializer(serializers.Serializer[Any]):
    """The query of the search API, strict (the page is lenient): a bad filter is a 400.

    Silently dropping a filter that is not valid, as the page does for people, would give
    a program the whole library as if it were the filtered result.
    """

    q = serializers.CharField(
        required=False, allow_blank=True, max_length=300, help_text="Words to look for (all)"
    )
    body = serializers.IntegerField(
        required=False, min_value=1, max_value=search.MAX_ID, help_text="A body's id"
    )
    category = serializers.ChoiceField(Category.choices, required=False, allow_blank=True)
    year = serializers.IntegerField(required=False, min_value=1, max_value=9999)
    language = serializers.ChoiceField(LANGUAGES, required=False, allow_blank=True)
    outcome = serializers.ChoiceField(Outcome.choices, required=False, allow_blank=True)
    page = serializers.IntegerField(
        required=False, default=1, min_value=1, max_value=search.MAX_PAGE
    )


class LibraryViewSet(viewsets.ViewSet):
    """Search published documents: ranked results with highlighted snippets, and facets."""

    permission_classes = [permissions.AllowAny]
    # Only a number can name a document: anything else is a 404 from the URL itself, not a
    # 500 from the query (a plain ViewSet does not turn a bad id into a 404 as get_object does).
    lookup_value_regex = "[0-9]+"

    @extend_schema(
        operation_id="library_search",
        responses=SearchResponseSerializer,
        parameters=[SearchQuerySerializer],
    )
    def list(self, request: Request) -> Response:
        query = SearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = dict(query.validated_data)
        q, page = params.pop("q", ""), params.pop("page")
        filters = {name: value for name, value in params.items() if value not in ("", None)}
        result = search.search(q, filters=filters, page=page)
        return Response(
            {
                "query": q,
                "count": result.total,
                "count_is_lower_bound": result.more,
                "page": result.page,
                "next": result.has_next,
                "results": [
                    {
                        "score": hit.score,
                        "snippet": str(hit.snippet),
                        **PublicationSerializer(hit.publication).data,
                    }
                    for hit in result.hits
                ],
                "facets": {
                    name: [{"value": v, "count": n} for v, n in rows]
                    for name, rows in result.facets.items()
                },
            }
        )

    @extend_schema(
        operation_id="library_document",
        responses=PublicationSerializer,
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
    )
    def retrieve(self, request: Request, pk: Any = None) -> Response:
        pub = (
            Publication.objects.published()
            .select_related("body", "source_request")
            .filter(pk=pk)
            .first()
        )
        if pub is None:
            raise NotFound
        return Response(PublicationSerializer(pub).data)

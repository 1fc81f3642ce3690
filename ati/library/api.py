"""Public, read-only search API of the library: /api/v1/library/?q=…"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from . import search
from .models import Publication


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
    snippet = serializers.CharField(help_text="HTML: the matching words in <mark>")

    class Meta(PublicationSerializer.Meta):
        fields = [*PublicationSerializer.Meta.fields, "score", "snippet"]


class FacetValueSerializer(serializers.Serializer[Any]):
    value = serializers.CharField()
    count = serializers.IntegerField()


class SearchResponseSerializer(serializers.Serializer[Any]):
    query = serializers.CharField()
    count = serializers.IntegerField()
    count_is_lower_bound = serializers.BooleanField(
        help_text="More than `count` documents match: the results are the best of the "
        "first 1000 matches the index yields, and the facet counts are theirs (lower bounds)."
    )
    page = serializers.IntegerField()
    next = serializers.BooleanField()
    results = HitSerializer(many=True)
    facets = serializers.DictField(child=FacetValueSerializer(many=True))


class LibraryViewSet(viewsets.ViewSet):
    """Search published documents: ranked results with highlighted snippets, and facets."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        operation_id="library_search",
        responses=SearchResponseSerializer,
        parameters=[
            OpenApiParameter("q", str, description="Words to look for (all of them)"),
            *[
                OpenApiParameter(name, str, description=f"Filter by {name}")
                for name in search.FACETS
            ],
            OpenApiParameter("page", int),
        ],
    )
    def list(self, request: Request) -> Response:
        from .views import search_params

        q, filters, page = search_params(request)
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
            from rest_framework.exceptions import NotFound

            raise NotFound
        return Response(PublicationSerializer(pub).data)

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
from rest_framework.utils.urls import remove_query_param, replace_query_param

from ati.core.replica import replica_reads
from ati.requests.models import Outcome

from . import search, selectors
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


class PageSerializer(serializers.Serializer[Any]):
    """A page of a released document, as published: redacted image and remaining text."""

    position = serializers.IntegerField(help_text="1-based, across the document's files")
    document = serializers.CharField(help_text="The released file's name")
    number = serializers.IntegerField(help_text="The page's number in its file")
    language = serializers.CharField()
    text = serializers.CharField(allow_blank=True)
    url = serializers.CharField()
    image = serializers.CharField(help_text="The page with its redactions burned in")
    thumbnail = serializers.CharField()


def page_data(pub_id: int, page: Any, position: int) -> dict[str, Any]:
    base = f"/library/{pub_id}/pages/{page.pk}/"
    return {
        "position": position,
        "document": page.document.name,
        "number": page.number,
        "language": page.language,
        "text": page.public_text,
        "url": base,
        "image": base + "full.img",
        "thumbnail": base + "thumb.img",
    }


class PublicationDetailSerializer(PublicationSerializer):
    pages = serializers.SerializerMethodField()

    class Meta(PublicationSerializer.Meta):
        fields = [*PublicationSerializer.Meta.fields, "pdf", "pages"]

    pdf = serializers.SerializerMethodField()

    def get_pdf(self, obj: Publication) -> str | None:
        return f"/library/{obj.pk}/document.pdf" if obj.pdf else None

    @extend_schema_field(PageSerializer(many=True))
    def get_pages(self, obj: Publication) -> list[dict[str, Any]]:
        return [
            page_data(obj.pk, page, position)
            for position, page in enumerate(selectors.public_pages(obj), start=1)
        ]


class HitPageSerializer(serializers.Serializer[Any]):
    position = serializers.IntegerField()
    url = serializers.CharField()
    thumbnail = serializers.CharField()


class HitSerializer(PublicationSerializer):
    score = serializers.FloatField()
    snippet = serializers.CharField(
        allow_blank=True, help_text="HTML: the matching words in <mark>"
    )
    page = HitPageSerializer(
        allow_null=True, help_text="The page of a released document where the words are"
    )

    class Meta(PublicationSerializer.Meta):
        fields = [*PublicationSerializer.Meta.fields, "score", "snippet", "page"]


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
    """The API's one page shape (count, next, previous, results), with the search's own keys."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True, help_text="The next page, or null")
    previous = serializers.URLField(allow_null=True, help_text="The previous page, or null")
    results = HitSerializer(many=True)
    query = serializers.CharField(allow_blank=True)
    count_is_lower_bound = serializers.BooleanField(
        help_text="More than `count` documents match: the results are the best of the "
        "first 1000 matches the index yields, and the facet counts are theirs (lower bounds)."
    )
    page = serializers.IntegerField(help_text="This page's number (1-based)")
    facets = serializers.DictField(child=FacetValueSerializer(many=True))


def _page_link(request: Request, page: int) -> str:
    """The address of another page of the same search, as the other lists of the API give it."""
    url = request.build_absolute_uri()
    if page == 1:
        return remove_query_param(url, "page")
    return replace_query_param(url, "page", page)


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


@replica_reads(anonymous_only=True)
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
                "count": result.total,
                "next": _page_link(request, result.page + 1) if result.has_next else None,
                "previous": _page_link(request, result.page - 1) if result.page > 1 else None,
                "results": [
                    {
                        "score": hit.score,
                        "snippet": str(hit.snippet),
                        **PublicationSerializer(hit.publication).data,
                        "page": (
                            {
                                "position": hit.page_position,
                                "url": f"/library/{hit.publication.pk}/pages/{hit.page.pk}/",
                                "thumbnail": (
                                    f"/library/{hit.publication.pk}/pages/{hit.page.pk}/thumb.img"
                                ),
                            }
                            if hit.page is not None
                            else None
                        ),
                    }
                    for hit in result.hits
                ],
                "query": q,
                "count_is_lower_bound": result.more,
                "page": result.page,
                "facets": {
                    name: [{"value": v, "count": n} for v, n in rows]
                    for name, rows in result.facets.items()
                },
            }
        )

    @extend_schema(
        operation_id="library_document",
        responses=PublicationDetailSerializer,
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
        return Response(PublicationDetailSerializer(pub).data)

"""Pages of long lists whose total is counted only up to a cap.

Counting every row a filter matches costs as much as reading them: for a body
with hundreds of thousands of requests, the paginator's ``COUNT(*)`` took longer
than the page itself. Above `ATI_LIST_COUNT_CAP` the total is given as "at
least": the response says ``"count_exact": false`` and the label reads
"10 000+ requests"; pages past the cap are not offered (a filter narrows the
list faster than paging 200 pages deep).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.utils import formats
from django.utils.functional import cached_property
from django.utils.translation import ngettext
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class CappedPaginator(Paginator[Any]):
    """`count` is exact up to `cap`, and `cap` beyond it (`exact` says which)."""

    exact = True

    @cached_property
    def count(self) -> int:
        cap = settings.ATI_LIST_COUNT_CAP
        # SELECT COUNT(*) FROM (SELECT id … LIMIT cap + 1): stops reading at the cap, and
        # computes none of the page's annotations (the overdue flag) for the rows it counts.
        queryset: Any = self.object_list
        counted = queryset.order_by().values("pk")[: cap + 1].count()
        if counted > cap:
            self.exact = False
            return int(cap)
        return int(counted)

    def page(self, number: Any) -> Any:
        # As Django's, but a page that ends at a capped count still shows a full page.
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if self.exact and top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self.object_list[bottom:top], number, self)  # type: ignore[attr-defined]


def count_label(count: int, exact: bool) -> str:
    number = formats.number_format(count, force_grouping=True)
    if exact:
        return ngettext("%(count)s request", "%(count)s requests", count) % {"count": number}
    return ngettext("%(count)s+ request", "%(count)s+ requests", count) % {"count": number}


class CappedCountPagination(PageNumberPagination):
    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data: Any) -> Response:
        assert self.page is not None
        paginator = self.page.paginator
        count, exact = paginator.count, getattr(paginator, "exact", True)
        return Response(
            {
                "count": count,
                "count_exact": exact,
                "count_label": count_label(count, exact),
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_exact"] = {
            "type": "boolean",
            "description": "false when `count` is the cap (ATI_LIST_COUNT_CAP): at least that many",
        }
        response["properties"]["count_label"] = {"type": "string", "example": "10 000+ requests"}
        return response

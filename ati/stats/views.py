"""The public statistics page, the open-data files and their data dictionary."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from ati.core.replica import replica_reads

from . import opendata
from .models import Snapshot
from .presentation import chart_context
from .selectors import figures, latest_snapshot

#: The rendered figures of a page stay cached as long as their snapshot is the newest.
PAGE_CACHE_SECONDS = 24 * 3600


def _year(request: HttpRequest, snapshot: Snapshot | None = None) -> int | None:
    raw = request.GET.get("year", "")
    if not raw:
        return None
    try:
        year = int(raw)
    except ValueError:
        raise Http404("no such year") from None
    if snapshot is not None and year not in snapshot.data.get("years", []):
        raise Http404("no figures for this year")
    return year


def _body(request: HttpRequest, snapshot: Snapshot) -> tuple[int | None, str | None]:
    code = request.GET.get("body", "")
    if not code:
        return None, None
    for pk, meta in snapshot.data["bodies"].items():
        if meta["code"] == code:
            return int(pk), code
    raise Http404("no such body")


def page_context(snapshot: Snapshot, year: int | None, body_id: int | None) -> dict[str, Any]:
    fig = figures(snapshot, year=year, body_id=body_id)
    return {"fig": fig, **chart_context(fig)}


@replica_reads
def statistics(request: HttpRequest) -> HttpResponse:
    """The page's body is rendered once per snapshot, language, year and body, then cached:
    it holds nothing personal (the header, with the user's menu, is rendered each time)."""
    snapshot = latest_snapshot()
    assert snapshot is not None
    year = _year(request, snapshot)
    body_id, body_code = _body(request, snapshot)
    key = (
        f"stats:page:{snapshot.pk}:{snapshot.computed_at.timestamp()}:{get_language()}:"
        f"{year}:{body_id}"
    )
    content = cache.get(key)
    if content is None:
        bodies = sorted(
            ((m["code"], m) for m in snapshot.data["bodies"].values()), key=lambda item: item[0]
        )
        content = render_to_string(
            "stats/_statistics_content.html",
            {
                **page_context(snapshot, year, body_id),
                "year": year,
                "body_code": body_code,
                "body_choices": bodies,
                "snapshot": snapshot,
            },
            request=None,
        )
        cache.set(key, content, PAGE_CACHE_SECONDS)
    return render(request, "stats/statistics.html", {"content": mark_safe(content)})


@replica_reads
def data_dictionary(request: HttpRequest) -> HttpResponse:
    snapshot = latest_snapshot()
    return render(
        request,
        "stats/data_dictionary.html",
        {
            "columns": opendata.COLUMNS,
            "license": opendata.LICENSE,
            "snapshot": snapshot,
            "schema_version": opendata.SCHEMA_VERSION,
            "years": snapshot.data.get("years", []) if snapshot else [],
        },
    )


def _rows(request: HttpRequest) -> tuple[Snapshot, list[dict[str, Any]]]:
    snapshot = latest_snapshot()
    assert snapshot is not None
    year = _year(request)
    code = request.GET.get("body") or None
    return snapshot, opendata.rows(snapshot, year=year, body_code=code)


@replica_reads
def requests_csv(request: HttpRequest) -> HttpResponse:
    snapshot, rows = _rows(request)
    response = HttpResponse(opendata.as_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="ati-requests-statistics.csv"'
    response["Last-Modified"] = snapshot.computed_at.strftime("%a, %d %b %Y %H:%M:%S GMT")
    return response


@replica_reads
def requests_json(request: HttpRequest) -> HttpResponse:
    snapshot, rows = _rows(request)
    return JsonResponse(
        opendata.as_json(snapshot, rows), json_dumps_params={"ensure_ascii": False, "indent": None}
    )

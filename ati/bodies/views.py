"""The public bodies' pages: a searchable list, and one page per body.

A body's page shows what apps above this one know of it (its figures, its published
documents) through `BODY_PANELS`, filled in their ready() (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ati.core.replica import replica_reads

from . import selectors
from .models import BodyKind, PublicBody

PER_PAGE = 25


@dataclass
class BodyPanel:
    """A section of a body's page: ``template`` rendered with ``context`` as ``panel``."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    #: Where it goes on the page, smallest first (figures 10, documents 20).
    order: int = 50


#: Sections of a body's page from apps above this one, filled in their ready():
#: ``panel(request, body)`` returns a BodyPanel, or None to show nothing.
BODY_PANELS: list[Callable[[HttpRequest, PublicBody], BodyPanel | None]] = []


class BodySearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Name or code"),
        max_length=100,
        required=False,
        strip=True,
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=[("", gettext_lazy("All kinds")), *BodyKind.choices],
        required=False,
    )


@replica_reads
def body_list(request: HttpRequest) -> HttpResponse:
    form = BodySearchForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "page": None, "query": ""}
        return render(request, "bodies/list.html", context, status=400)
    query, kind = form.cleaned_data["q"], form.cleaned_data["kind"]
    paginator = Paginator(selectors.directory(query, kind), PER_PAGE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage as exc:
        raise Http404(_("No such page of the list.")) from exc
    # The pager's links keep the search (and nothing else).
    search = request.GET.copy()
    search.pop("page", None)
    return render(
        request,
        "bodies/list.html",
        {"form": form, "page": page, "query": query, "search": search.urlencode()},
    )


@replica_reads
def body_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        body = selectors.public_body(code)
    except PublicBody.DoesNotExist as exc:
        raise Http404(_("No such public body.")) from exc
    panels = [panel for hook in BODY_PANELS if (panel := hook(request, body)) is not None]
    panels.sort(key=lambda panel: panel.order)
    return render(
        request,
        "bodies/detail.html",
        {"body": body, "children": selectors.sub_bodies(body), "panels": panels},
    )

"""The in-app inbox: the logged-in person's notices, newest first."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import selectors, services

PAGE_SIZE = 25


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.inbox(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    # Notices queued by the sweep are rendered by the worker; the few on this
    # page that it has not reached yet are rendered now (cancelled ones hidden).
    items = [n for n in page.object_list if services.ensure_rendered(n)]
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "items": items,
            "unread": selectors.unread_count(request.user),
        },
    )


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    # ASCII digits of a bigint only: "²".isdigit() is true but int("²") fails, and a
    # longer number overflows the database's integers (a 500 either way).
    pks = [
        int(pk)
        for pk in request.POST.getlist("notification")
        if pk.isascii() and pk.isdigit() and len(pk) <= 18
    ]
    services.mark_read(request.user, pks or None)
    return redirect("notifications:inbox")

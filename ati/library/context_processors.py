"""The review queue's size, for the menu of the people who review (base.html)."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest

from . import selectors


def review_queue(request: HttpRequest) -> dict[str, Any]:
    """`review_queue_size`: a callable that base.html calls only in the menus of officers and
    commission members (the query runs there alone, once: cached)."""
    user = getattr(request, "user", None)

    @cache
    def size() -> int:
        return int(selectors.review_queue(user).count()) if user is not None else 0

    return {"review_queue_size": size}

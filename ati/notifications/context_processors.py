from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import selectors


def inbox(request: HttpRequest) -> dict[str, Any]:
    # Lazy: the count query runs only on pages that show it.
    user = getattr(request, "user", None)
    return {"inbox_unread": SimpleLazyObject(lambda: selectors.unread_count(user))}

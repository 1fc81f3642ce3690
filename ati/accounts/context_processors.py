from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from . import permissions


def roles(request: HttpRequest) -> dict[str, Any]:
    """What every page's menu asks of the person's role (base.html)."""
    user = getattr(request, "user", None)
    return {"is_administrator": permissions.is_administrator(user)}

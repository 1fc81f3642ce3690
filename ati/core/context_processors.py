from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from ati.accounts import permissions


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": settings.ATI_SITE_NAME,
        "is_administrator": permissions.is_administrator(user),
    }

"""System checks that `manage.py check --deploy` runs for a production install."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def secret_key_from_environment(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if getattr(settings, "SECRET_KEY_SOURCE", "environment") == "environment":
        return []
    return [
        Warning(
            "SECRET_KEY is not set in the environment: a key kept in var/secret_key is used.",
            hint="Set SECRET_KEY (the same on every web and worker machine).",
            id="ati.W001",
        )
    ]

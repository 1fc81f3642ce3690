"""System checks that `manage.py check --deploy` runs for a production install."""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


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


def _loopback(host: str) -> bool:
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


@register(Tags.security, deploy=True)
def site_url_is_public(app_configs: Any, **kwargs: Any) -> list[Error]:
    """ATI_SITE_URL is printed in every letter and e-mail link: it must reach the site.

    Its default (the development server's loopback address) is right for `make demo`
    only; a production install that forgets it sends applicants links they cannot open.
    """
    if settings.DEBUG:
        return []
    hint = "Set ATI_SITE_URL to the site's public address, e.g. https://ati.example.ma."
    if not getattr(settings, "ATI_SITE_URL_FROM_ENVIRONMENT", True):
        return [
            Error(
                "ATI_SITE_URL is not set: letters and e-mails would link to "
                f"{settings.ATI_SITE_URL}.",
                hint=hint,
                id="ati.E001",
            )
        ]
    parts = urlsplit(settings.ATI_SITE_URL)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return [
            Error(
                f"ATI_SITE_URL ({settings.ATI_SITE_URL}) is not an http(s) address with a host.",
                hint=hint,
                id="ati.E001",
            )
        ]
    if _loopback(parts.hostname):
        return [
            Error(
                f"ATI_SITE_URL ({settings.ATI_SITE_URL}) points at this machine: applicants "
                "could not open the links in their letters and e-mails.",
                hint=hint,
                id="ati.E001",
            )
        ]
    return []

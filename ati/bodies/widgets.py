"""The body picker: a <select> of public bodies that static/js/body-picker.js makes searchable.

Without JavaScript it is a plain select. With it, a text field above filters the options
by any of the body's names (French, Arabic, English) and its code, as the list of bodies
searches them: each option carries them folded by the server in ``data-search`` (the
body's `search_text`), the select the folding's rules in ``data-fold``, by which
static/js/fold.js folds what is typed (ati/core/folding.py). The script's words come from
here, translated on the server (the CSP forbids inline scripts, and the site has no
JavaScript catalogue): the field's label, and the count it announces in every plural
form of the language, keyed by a sample number whose CLDR category the browser finds
with ``Intl.PluralRules``.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ati.core.folding import rules_json

from .models import search_text_of

#: One number for each CLDR plural category the site's languages use (Arabic has all six:
#: zero 0, one 1, two 2, few 3, many 11, other 100); French and English need fewer.
PLURAL_SAMPLES = (0, 1, 2, 3, 11, 100)
COUNT_MARKER = "{n}"


class BodyPicker(forms.Select):
    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        counts = {
            str(n): ngettext("%(count)s body matches.", "%(count)s bodies match.", n)
            % {"count": COUNT_MARKER}
            for n in PLURAL_SAMPLES
        }
        attrs = {
            **(attrs or {}),
            "data-body-picker": "",
            "data-fold": rules_json(),
            "data-filter-label": _("Search by name or code"),
            "data-filter-help": _("Type part of the name, in French or Arabic, or the code."),
            "data-counts": json.dumps(counts, ensure_ascii=False),
        }
        return super().get_context(name, value, attrs)

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        body = getattr(option["value"], "instance", None)
        if body is not None:
            option["attrs"]["data-search"] = body.search_text or search_text_of(body)
        return option

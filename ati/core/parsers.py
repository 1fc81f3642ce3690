"""The API's JSON parser: DRF's, with a bound on how deeply the body may nest.

No request of the API nests more than a few levels. A body nested a thousand
levels deep made the JSON decoder raise `RecursionError` (a 500); deep bodies
are now a 400 with a message, like any other malformed body. Form-encoded and
multipart bodies are flat by construction and do not pass here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def depth(data: Any, limit: int) -> int:
    """How deeply `data` nests (a scalar is 0), counted without recursion; stops past `limit`."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(data, 0)]
    while pending:
        value, level = pending.pop()
        if isinstance(value, Mapping):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        level += 1
        deepest = max(deepest, level)
        if deepest > limit:
            break
        pending.extend((child, level) for child in children)
    return deepest


class DepthLimitedJSONParser(JSONParser):
    """JSON nested at most `ATI_API_JSON_MAX_DEPTH` levels (arrays and objects), else a 400."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        limit = settings.ATI_API_JSON_MAX_DEPTH
        too_deep = ParseError(
            _("JSON parse error: the body nests more than %(limit)d levels deep.")
            % {"limit": limit}
        )
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:  # the decoder's own recursion, far past any limit
            raise too_deep from None
        if depth(data, limit) > limit:
            raise too_deep
        return data

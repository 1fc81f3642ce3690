"""The API's filters: what they cannot read is a 400, never "no filter".

Kept apart from ati/core/api.py: DRF imports the filter backend while it builds its
generic views, before drf-spectacular (imported there) can be.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.rest_framework import FilterSet as RestFilterSet


class StrictNullBooleanField(forms.NullBooleanField):
    """true/false (or 1/0), empty for no filter; anything else is refused.

    django-filter's own boolean filter reads an unknown value as "no filter": a client
    asking for `urgent=yes` would get every request, as if it were the filtered list.
    """

    # The stubs give BooleanField's `bool`; a NullBooleanField returns None too.
    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return value
        text = str(value).lower()
        if text in {"1", "true"}:
            return True
        if text in {"0", "false"}:
            return False
        raise ValidationError(_("Enter true or false."), code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictNullBooleanField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput)  # hands the raw value to the field
        super().__init__(*args, **kwargs)


class FilterSet(RestFilterSet):
    FILTER_DEFAULTS = {
        **RestFilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
    }


class FilterBackend(DjangoFilterBackend):
    """The API's filters, with booleans that refuse what they cannot read."""

    filterset_base = FilterSet

"""``{% help_link "citizen" "2-ask" %}``: a small "Help" link to a section of a guide."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def help_link(guide: str, anchor: str = "") -> SafeString:
    # tests/core/test_help.py checks that every use names a guide and an anchor it has.
    url = reverse("core:help_guide", args=[guide]) + (f"#{anchor}" if anchor else "")
    return format_html('<a class="help-link" href="{}">{}</a>', url, _("Help"))

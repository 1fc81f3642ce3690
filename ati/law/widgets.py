"""The legal grounds of an answer as an officer chooses them: a fieldset per article.

Twenty checkboxes in one list, each label ending in "(art. 7)", read as a wall; the law
reads as "Article 7: exceptions", then the other grounds. The widget only draws the
choices of its field (a profile version's grounds, by code): the field checks them, as
before, and the API knows nothing of this.

The site's templates live in templates/, which Django's default form renderer does not
search: the widget renders its template with the project's engine, and draws its own
checkboxes (it includes no template of django.forms).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .models import ARTICLE, ExceptionGround, GroundKind


@dataclass
class GroundGroup:
    """The grounds of one article (or the grounds the data names no article for)."""

    article: str  # "Article 7", "المادة 7", "L311-5"; "" when the data has none
    kind: str  # GroundKind
    grounds: list[ExceptionGround] = field(default_factory=list)

    @property
    def legend(self) -> str:
        return _("Exceptions") if self.kind == GroundKind.EXCEPTION else _("Other grounds")


def article_heading(ground: ExceptionGround) -> str:
    """The article as a heading, in the reader's language: "Article 7", "المادة 7"; other
    laws' references (L311-5, s.14) as written."""
    found = ARTICLE.fullmatch(ground.article.strip())
    if found:
        return _("Article %(number)s") % {"number": found.group(1)}
    return ground.article.strip()


def group_by_article(grounds: Iterable[ExceptionGround]) -> list[GroundGroup]:
    """The grounds by article and kind, in the order of the law's data (their position)."""
    groups: dict[tuple[str, str], GroundGroup] = {}
    for ground in grounds:
        key = (ground.article.strip(), ground.kind)
        if key not in groups:
            groups[key] = GroundGroup(article_heading(ground), ground.kind)
        groups[key].grounds.append(ground)
    return list(groups.values())


class GroundsByArticle(forms.CheckboxSelectMultiple):
    """Checkboxes of grounds, a fieldset (with its legend) per article.

    ``grounds`` are the ExceptionGround rows whose codes are the field's choices, set by
    the form that binds the field to a request's law. A choice without its row (none
    given) is drawn in a last group, so that nothing the field accepts is hidden.
    """

    template_name = "law/widgets/grounds_by_article.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.grounds: list[ExceptionGround] = []

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        chosen = {str(v) for v in widget["value"]}
        # The input's own attributes (aria-invalid after an error, required…), but one id each.
        shared = {k: v for k, v in widget["attrs"].items() if k != "id"}
        base_id = widget["attrs"].get("id") or f"id_{name}"
        offered = {str(code): label for code, label in self.choices}
        rows = [g for g in self.grounds if g.code in offered]
        groups = group_by_article(rows)
        described = {g.code for g in rows}
        rest = [code for code in offered if code not in described]
        drawn = []
        index = 0
        for group in groups:
            options = []
            for ground in group.grounds:
                options.append(self._option(base_id, index, ground.code, ground.label, chosen))
                index += 1
            drawn.append({"legend": group.legend, "article": group.article, "options": options})
        if rest:
            options = []
            for code in rest:
                options.append(self._option(base_id, index, code, str(offered[code]), chosen))
                index += 1
            drawn.append({"legend": _("Other grounds"), "article": "", "options": options})
        widget.update(groups=drawn, shared_attrs=shared, id=base_id)
        return context

    @staticmethod
    def _option(
        base_id: str, index: int, code: str, label: str, chosen: set[str]
    ) -> dict[str, Any]:
        return {
            "id": f"{base_id}_{index}",
            "value": code,
            "label": label,
            "checked": code in chosen,
        }

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        html = render_to_string(self.template_name, self.get_context(name, value, attrs))
        return mark_safe(html)  # a template of ours, autoescaped

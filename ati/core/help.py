"""The user guides as help pages, in the reader's language.

The guides are Markdown files: the English ones are docs/guide-<name>.md (read on
GitHub too), their French and Arabic versions docs/help/<lang>/<name>.md. A page is
rendered on the server with Python-Markdown, raw HTML escaped and links limited to
safe schemes, headings with anchors that are the same in every language (the English
heading's slug; the translations name it with ``{#anchor}``), so that a "Help" link
from any page lands on the right section whatever the language.
"""

from __future__ import annotations

import threading
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import markdown
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

DOCS = Path(settings.BASE_DIR) / "docs"
#: The screenshots of the guides, served as static files under this prefix (settings).
IMAGES = DOCS / "img"
IMAGE_PREFIX = "guide"


@dataclass(frozen=True)
class Guide:
    name: str
    title: StrOrPromise
    summary: StrOrPromise


GUIDES = (
    Guide(
        "citizen",
        _("Asking for information"),
        _("Create an account, ask a public body, follow your request, complain or appeal."),
    ),
    Guide(
        "officer",
        _("Handling requests"),
        _(
            "For information officers and department staff: the queue, a request's page, "
            "answers, letters and publication."
        ),
    ),
    Guide(
        "commission",
        _("Complaints, appeals and the commission"),
        _(
            "For heads of public bodies and commission members: complaints, appeals, "
            "decisions and compliance."
        ),
    ),
)
BY_NAME = {guide.name: guide for guide in GUIDES}
SOURCE_LANGUAGE = "en"


def source(name: str, language: str) -> Path:
    if language == SOURCE_LANGUAGE:
        return DOCS / f"guide-{name}.md"
    return DOCS / "help" / language / f"{name}.md"


# --- rendering ---------------------------------------------------------------------

_SAFE_SCHEMES = {"http", "https", "mailto"}


class _Links(Treeprocessor):
    """Images from docs/img become static URLs; links to other guides become help
    pages; other documentation files, and unsafe schemes, become plain text."""

    def run(self, root: etree.Element) -> None:
        # The page's template shows the title (the first heading) above the contents.
        for heading in root.findall("h1")[:1]:
            root.remove(heading)
        for img in root.iter("img"):
            src = img.get("src", "")
            name = self._image(src)
            if name is None:
                img.set("src", "")
                continue
            img.set("src", static(f"{IMAGE_PREFIX}/{name}"))
            img.set("loading", "lazy")
        for parent in root.iter():
            for link in parent.findall("a"):
                href = self._href(link.get("href", ""))
                if href is None:
                    link.tag = "span"
                    link.attrib.clear()
                else:
                    link.set("href", href)

    @staticmethod
    def _image(src: str) -> str | None:
        """The image's path inside docs/img (``img/letters/x.png`` from the English guides,
        ``../../img/letters/x.png`` from the translations), or None if it is not one."""
        parts = urlsplit(src)
        segments = parts.path.split("/")
        if parts.scheme or "img" not in segments:
            return None
        inside = segments[len(segments) - segments[::-1].index("img") :]
        if not inside or any(s in ("", ".", "..") for s in inside):
            return None
        name = "/".join(inside)
        return name if (IMAGES / name).is_file() else None

    @staticmethod
    def _href(href: str) -> str | None:
        parts = urlsplit(href)
        if parts.scheme:
            return href if parts.scheme in _SAFE_SCHEMES else None
        if not parts.path:
            return href  # "#anchor" on the same page
        stem = Path(parts.path).name.removesuffix(".md").removeprefix("guide-")
        if parts.path.endswith(".md") and stem in BY_NAME:
            url = reverse("core:help_guide", args=[stem])
            return f"{url}#{parts.fragment}" if parts.fragment else url
        return None  # a file of the repository: not a page of the site


class _Safe(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # Markdown's API name
        # Raw HTML in a guide is shown as text, never interpreted.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_Links(md), "ati_links", 0)


@dataclass
class Page:
    html: SafeString
    toc: list[dict[str, Any]]
    title: str
    anchors: list[str]


def render_markdown(text: str) -> Page:
    md = markdown.Markdown(
        extensions=["attr_list", "tables", "toc", "sane_lists", _Safe()],
        extension_configs={"toc": {"toc_depth": "1-3"}},
        output_format="html",
    )
    html = md.convert(text)
    tokens: list[dict[str, Any]] = md.toc_tokens  # type: ignore[attr-defined]
    title = tokens[0]["name"] if tokens and tokens[0]["level"] == 1 else ""
    toc = tokens[0]["children"] if title else tokens
    anchors = [
        anchor
        for section in toc
        for anchor in (section["id"], *(sub["id"] for sub in section["children"]))
    ]
    # Safe: raw HTML was escaped and links were checked by _Safe.
    return Page(mark_safe(html), toc, title, anchors)


_cache: dict[tuple[str, str], tuple[float, Page]] = {}
_lock = threading.Lock()


def guide_page(name: str, language: str) -> Page | None:
    """The guide in the language, rendered once per version of its file (None: no file)."""
    path = source(name, language)
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    cached = _cache.get((name, language))
    if cached is not None and cached[0] == mtime:
        return cached[1]
    page = render_markdown(path.read_text(encoding="utf-8"))
    with _lock:
        _cache[(name, language)] = (mtime, page)
    return page


# --- pages -----------------------------------------------------------------------


def _language() -> str:
    return (get_language() or settings.LANGUAGE_CODE)[:2]


def help_index(request: HttpRequest) -> HttpResponse:
    return render(request, "help/index.html", {"guides": GUIDES})


def help_guide(request: HttpRequest, name: str) -> HttpResponse:
    guide = BY_NAME.get(name)
    if guide is None:
        raise Http404(_("No such guide."))
    language = _language()
    page = guide_page(name, language)
    shown = language
    if page is None:  # not translated yet: the English guide, and a notice saying so
        shown = SOURCE_LANGUAGE
        page = guide_page(name, SOURCE_LANGUAGE)
    if page is None:
        raise Http404(_("No such guide."))
    return render(
        request,
        "help/guide.html",
        {
            "guide": guide,
            "page": page,
            "shown_language": shown,
            "fallback": shown != language,
            "guides": GUIDES,
        },
    )

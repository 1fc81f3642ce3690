"""The guides as help pages: every guide in every language, the same sections, working links."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from ati.core import help as guides
from ati.core.help import GUIDES, guide_page, render_markdown

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("fr", "ar", "en")
HELP_LINK = re.compile(r"""\{% help_link ["'](\w+)["'] ["']([\w-]+)["'] %\}""")


@pytest.mark.parametrize("name", [g.name for g in GUIDES])
@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_guide_is_translated_with_the_same_sections(name, language):
    english = guide_page(name, "en")
    translated = guide_page(name, language)
    assert english is not None and english.anchors, f"docs/guide-{name}.md has no sections"
    assert translated is not None, f"docs/help/{language}/{name}.md is missing"
    assert translated.anchors == english.anchors, (
        f"docs/help/{language}/{name}.md: its sections' anchors ({{#…}}) must be the English "
        f"guide's, in the same order"
    )
    images = re.findall(r'<img [^>]*src="([^"]*)"', translated.html)
    assert all(images), f"{language}/{name}: an image that is not in docs/img"
    # Images in a folder of docs/img (the letters) are found too, in English as well.
    english_images = re.findall(r'<img [^>]*src="([^"]*)"', english.html)
    assert all(english_images), f"en/{name}: an image"
    # The same pages and letters are shown, in the same order, each page in the reader's
    # language: the French help shows the French capture of a page where the English
    # guide may show the Arabic one, or a phone's. A letter may be shown in either
    # language (the officer's guide shows both, side by side).
    assert [_page_shown(src) for src in images] == [_page_shown(s) for s in english_images], (
        f"docs/help/{language}/{name}.md must show the English guide's pages, in order"
    )
    for src in images:
        if "/letters/" not in src:
            assert re.search(rf"-{language}(-375)?\.png$", src), (
                f"docs/help/{language}/{name}.md shows {src}: a capture in another language"
            )


def _page_shown(src: str) -> str:
    """The page (or letter) an image shows: its name without the language and width."""
    return re.sub(r"-(fr|ar|en)(-375)?\.png$", "", src)


def test_every_image_of_every_guide_is_a_static_file():
    for guide in GUIDES:
        for language in LANGUAGES:
            page = guide_page(guide.name, language)
            assert page is not None
            for src in re.findall(r'<img [^>]*src="/static/([^"]+)"', page.html):
                assert finders.find(src), f"{language}/{guide.name}: {src} is not served"


def _help_links() -> list[tuple[str, str, str]]:
    found = []
    for template in (ROOT / "templates").rglob("*.html"):
        for name, anchor in HELP_LINK.findall(template.read_text(encoding="utf-8")):
            found.append((str(template.relative_to(ROOT)), name, anchor))
    return found


def test_every_help_link_of_a_template_lands_on_a_section():
    links = _help_links()
    pages = {
        "requests/submit.html",
        "requests/detail.html",
        "requests/mine.html",
        "requests/queue.html",
        "requests/record.html",
        "appeals/dashboard.html",
        "appeals/complaints.html",
        "library/review_queue.html",
        "personal_data/erasure.html",
    }
    assert pages <= {t.removeprefix("templates/") for t, *_ in links}
    for template, name, anchor in links:
        for language in LANGUAGES:
            page = guide_page(name, language)
            assert page is not None, f"{template}: no guide {name!r}"
            assert anchor in page.anchors, f"{template}: no section #{anchor} in {language}/{name}"


def test_the_submission_form_links_to_its_section(client, citizen):
    client.force_login(citizen)
    html = client.get("/requests/new/").content.decode()
    assert '<a class="help-link" href="/help/citizen/#2-ask">' in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_help_pages_are_served_in_the_readers_language(client, language):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    index = client.get("/help/")
    assert index.status_code == 200
    for guide in GUIDES:
        assert f'href="/help/{guide.name}/"' in index.content.decode()
        response = client.get(f"/help/{guide.name}/")
        assert response.status_code == 200
        html = response.content.decode()
        page = guide_page(guide.name, language)
        assert page is not None
        assert f"<h1>{page.title}</h1>" in html.replace("&#x27;", "'")
        # The contents list every section, linked to its anchor.
        for anchor in page.anchors:
            assert f'href="#{anchor}"' in html and f'id="{anchor}"' in html
        assert "not yet translated" not in html


def test_a_missing_translation_falls_back_to_english_with_a_notice(client, monkeypatch, tmp_path):
    real = guides.source

    def source(name, language):
        return tmp_path / "missing.md" if language == "fr" else real(name, language)

    monkeypatch.setattr(guides, "source", source)
    html = client.get("/help/officer/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Ce guide n’est pas encore traduit dans votre langue" in html
    assert '<div class="guide-layout" lang="en" dir="ltr">' in html
    assert "The queue" in html


def test_unknown_guide_is_404(client):
    assert client.get("/help/treasure/").status_code == 404


def test_raw_html_and_unsafe_links_are_neutralised():
    page = render_markdown(
        "# T\n\n## S {#s}\n\n<script>alert(1)</script>\n\n"
        "[x](javascript:alert(1)) [y](https://example.org) [z](secret.md) "
        "[w](guide-officer.md#the-queue) ![i](img/nothing-here.png) ![j](../../img/register-fr.png)"
    )
    assert "<script>" not in page.html and "&lt;script&gt;" in page.html
    assert "javascript:" not in page.html and "<span>x</span>" in page.html
    assert 'href="https://example.org"' in page.html
    assert "<span>z</span>" in page.html
    assert 'href="/help/officer/#the-queue"' in page.html
    assert 'src=""' in page.html and 'src="/static/guide/register-fr.png"' in page.html
    assert page.title == "T" and page.anchors == ["s"]

"""A reader looks for help and for a public body, in French and in Arabic.

Every page: the harness's checks (axe, language and direction, usable at 375 px), and at
1366 px nothing wider than the window; no English sentence of the catalogue; every
screenshot of a guide loaded.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from .harness import Journey

ROOT = Path(__file__).resolve().parents[2]
WIDE = {"width": 1366, "height": 900}
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{\s*\w+\s*\}\}|<[^>]+>")


@cache
def english_sentences() -> tuple[str, ...]:
    """Runs of English words of the catalogue (the msgids the French one translates)."""
    text = (ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    found = set()
    for block in text.split("\n\n"):
        ids = re.findall(r'^msgid (".*")$((?:\n".*")*)', block, re.M)
        strs = re.findall(r'^msgstr (".*")$((?:\n".*")*)', block, re.M)
        if not ids or not strs:
            continue
        msgid = "".join(eval(part) for part in re.findall(r'".*"', "".join(ids[0])))  # noqa: S307
        msgstr = "".join(eval(part) for part in re.findall(r'".*"', "".join(strs[0])))  # noqa: S307
        if not msgid or msgid == msgstr:
            continue
        for run in _PLACEHOLDER.split(msgid):
            run = run.strip(" .:;,()“”")
            # Long enough that it cannot be a name or a word French shares with English.
            if len(run) >= 18 and run.count(" ") >= 2:
                found.add(run)
    return tuple(sorted(found))


def assert_no_english(page) -> None:
    text = page.evaluate("() => document.body.innerText")
    leaked = [s for s in english_sentences() if s in text]
    assert not leaked, f"{page.url}: English on a French or Arabic page: {leaked[:5]}"


def assert_fits(page, width: int = WIDE["width"]) -> None:
    size = page.viewport_size
    page.set_viewport_size(WIDE)
    try:
        scroll = page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll <= width, f"{page.url} scrolls sideways at {width} px ({scroll})"
    finally:
        page.set_viewport_size(size)


def visit(journey: Journey, page, path: str, name: str) -> None:
    journey.goto(page, path)
    journey.check(page, name)
    assert_fits(page)
    assert_no_english(page)


def test_help_and_bodies_journey(journey, page, demo, lang):
    visit(journey, page, "/help/", "help")
    for guide in ("citizen", "officer", "commission"):
        journey.follow(page, f"main a[href='/help/{guide}/']")
        page.wait_for_load_state("load")
        journey.check(page, f"help-{guide}")
        assert_fits(page)
        assert_no_english(page)
        # Every screenshot of the guide is served as an image (they load lazily: fetch them).
        sources = page.evaluate(
            "() => [...document.querySelectorAll('.guide img')].map((i) => i.src)"
        )
        assert sources, f"{guide}: no screenshot"
        for src in sources:
            response = page.request.get(src)
            assert response.ok and response.headers["content-type"] == "image/png", src
        # The contents lead to every section.
        anchors = page.evaluate(
            "() => [...document.querySelectorAll('.guide-toc a')].map((a) => a.hash.slice(1))"
        )
        assert anchors and all(page.locator(f"[id='{a}']").count() == 1 for a in anchors)
        journey.goto(page, "/help/")

    # From the footer to the list of bodies; a search by a part of the Arabic name.
    journey.follow(page, "footer a[href='/bodies/']")
    journey.check(page, "bodies")
    assert_fits(page)
    assert_no_english(page)
    page.fill("#id_q", "الصحة")
    journey.follow(page, "form.body-search button[type=submit]")
    assert page.locator(".body-list a.body-name").count() == 1
    journey.check(page, "bodies-search")
    assert_no_english(page)

    journey.follow(page, ".body-list a.body-name")
    assert page.url.endswith("/bodies/min-sante/")
    journey.check(page, "body")
    assert_fits(page)
    assert_no_english(page)
    assert page.locator("#body-figures").count() == 1
    assert page.locator("#body-documents ~ ul a, #body-documents + ul a").count() >= 1
    ask = page.locator("a.button[href='/requests/new/?body=min-sante']")
    assert ask.count() == 1

"""A reader looks for help and for a public body, in French and in Arabic.

Every page: the harness's checks (axe, language and direction, usable at 375 px, nothing
wider than the window at 1366 px, no English sentence of the catalogue); every screenshot
of a guide loaded.
"""

from __future__ import annotations

from .harness import Journey


def visit(journey: Journey, page, path: str, name: str) -> None:
    journey.goto(page, path)
    journey.check(page, name)


def test_help_and_bodies_journey(journey, page, demo, lang):
    visit(journey, page, "/help/", "help")
    for guide in ("citizen", "officer", "commission"):
        journey.follow(page, f"main a[href='/help/{guide}/']")
        page.wait_for_load_state("load")
        journey.check(page, f"help-{guide}")
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
    page.fill("#id_q", "الصحة")
    journey.follow(page, "form.body-search button[type=submit]")
    assert page.locator(".body-list a.body-name").count() == 1
    journey.check(page, "bodies-search")

    journey.follow(page, ".body-list a.body-name")
    assert page.url.endswith("/bodies/min-sante/")
    journey.check(page, "body")
    assert page.locator("#body-figures").count() == 1
    assert page.locator("#body-documents ~ ul a, #body-documents + ul a").count() >= 1
    ask = page.locator("a.button[href='/requests/new/?body=min-sante']")
    assert ask.count() == 1

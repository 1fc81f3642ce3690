"""The publication review page and the statistics page, in French and in Arabic.

Issue 18 (points 5 and 6): an Arabic document reviewed by an officer whose page is in
French or in Arabic (its text must read right to left in both, the categories in the
reader's language), a redaction made by selecting text in the original, one primary
action; the statistics' per-body table and charts readable on a phone. Each page is
checked at 1366 and 375 px: axe, no sideways scroll, no English catalogue string,
targets of at least 24 px.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import translation

from .harness import ROOT, assert_no_english, axe, small_targets
from .test_citizen_journey import log_in
from .test_officer_journey import OFFICER, PASSWORD, worker_elsewhere  # noqa: F401 (fixture)

pytestmark = pytest.mark.skipif(not apps.is_installed("ati.library"), reason="needs ati.library")

WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 375, "height": 800}
ARABIC_TEXT = (
    "قرار رقم 12 بشأن طلب السيد علي تست، البطاقة الوطنية AB123456. "
    "قررت اللجنة إلزام الإدارة بتسليم المعلومات المطلوبة داخل أجل خمسة عشر يوما."
)
#: With ATI_UX_SHOTS=before|after the pages are also saved into docs/img/ux/
#: (docs/ux.md).
UX_SHOTS = os.environ.get("ATI_UX_SHOTS", "")


def check(journey, page, name: str) -> None:
    """The page at 1366 px and at 375 px: axe, overflow, language, targets; screenshots."""
    for size, suffix in ((WIDE, ""), (PHONE, "-375")):
        page.set_viewport_size(size)
        assert_no_english(page)
        axe(page)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= size["width"], f"{page.url} scrolls sideways at {size['width']}: {width}"
        assert not small_targets(page), f"{page.url} at {size['width']} px: {small_targets(page)}"
        path = journey.shot(page, name, suffix=suffix) if suffix else journey.shot(page, name)
        if UX_SHOTS:
            target = ROOT / "docs" / "img" / "ux"
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target / f"{name}-{journey.lang}{suffix}-{UX_SHOTS}.png")
    page.set_viewport_size(WIDE)


def shots_only(journey, page, name: str) -> None:
    """The pages as they were (ATI_UX_SHOTS=before): screenshots, no assertion."""
    for size, suffix in ((WIDE, ""), (PHONE, "-375")):
        page.set_viewport_size(size)
        path = Path(journey.shot(page, name, suffix=suffix))
        target = ROOT / "docs" / "img" / "ux"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target / f"{name}-{journey.lang}{suffix}-before.png")
    page.set_viewport_size(WIDE)


def _arabic_proposal():
    from ati.accounts.models import User
    from ati.bodies.models import PublicBody
    from ati.library import services, tasks

    officer = User.objects.get(email=OFFICER)
    body = PublicBody.objects.get(code="min-sante")
    pub = services.propose_proactive(
        officer, body, category="reports", title="تقرير الحراسة", text=ARABIC_TEXT, language="ar"
    )
    tasks.prepare_pending()
    pub.refresh_from_db()
    assert pub.state == "in_review", pub.preparation_error
    return pub


@pytest.mark.usefixtures("worker_elsewhere")
def test_review_and_stats_journey(journey, page, demo, lang):
    from ati.library.labels import LABELS
    from ati.library.models import Publication

    pub = _arabic_proposal()
    log_in(journey, page, OFFICER, PASSWORD)
    page.set_viewport_size(WIDE)

    # The queue is in the navigation, with its count.
    if UX_SHOTS == "before":
        journey.goto(page, f"/library/{pub.pk}/review/")
        shots_only(journey, page, "review")
        journey.goto(page, "/statistics/")
        shots_only(journey, page, "statistics")
        return
    # An officer's header row holds the day's work; the review queue is in its menu.
    page.locator("details.menu > summary").click()
    nav = page.locator("header .menu-panel a[href='/library/review/']")
    assert nav.count() == 1 and re.search(r"\d", nav.inner_text())
    with page.expect_navigation():
        nav.click()
    check(journey, page, "review-queue")
    journey.follow(page, f"main a[href='/library/{pub.pk}/review/']")

    # The Arabic text reads right to left whatever the page's language.
    blocks = page.locator(".review-text")
    assert blocks.count() == 2
    for i in range(2):
        assert blocks.nth(i).evaluate("el => getComputedStyle(el).direction") == "rtl"
    # Categories in the reader's language, never the code.
    codes = {r["category"] for r in pub.redactions}
    table = page.inner_text("table.text-redactions")
    for code in codes:
        assert re.search(rf"(?<![\w_]){re.escape(code)}(?![\w_])", table) is None, code
    # One primary action: Publish; the others are secondary.
    primary = page.locator("main button:not(.secondary):not(.link-button)")
    assert primary.count() == 1 and primary.first.is_visible()
    check(journey, page, "review")

    # Selecting a passage of the original proposes to hide it.
    before = len(pub.redactions)
    target = "الإدارة"
    page.evaluate(
        """(word) => {
          const block = document.querySelector('.review-text[data-selectable]');
          const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.data.indexOf(word);
            if (at >= 0) {
              const range = document.createRange();
              range.setStart(node, at); range.setEnd(node, at + word.length);
              const sel = getSelection(); sel.removeAllRanges(); sel.addRange(range);
              block.dispatchEvent(new Event('mouseup', {bubbles: true}));
              return;
            }
          }
          throw new Error('word not found');
        }""",
        target,
    )
    assert page.locator("#id_phrase").input_value() == target
    with translation.override(lang):
        category = str(LABELS["other"])
    page.select_option("form.text-redaction-form select[name=category]", value="other")
    journey.follow(page, "form.text-redaction-form button[type=submit]")
    pub = Publication.objects.get(pk=pub.pk)
    added = pub.redactions[before:]
    assert [r["original"] for r in added] == [target] and added[0]["category"] == "other"
    assert category in page.inner_text("table.text-redactions")
    check(journey, page, "review-selected")

    # The statistics page.
    journey.goto(page, "/statistics/")
    check(journey, page, "statistics")
    page.set_viewport_size(PHONE)
    # The per-body table reflows into cards: no body name broken one word per line.
    heads = page.locator("#table-bodies tbody th")
    if heads.count():
        widths = heads.evaluate_all("els => els.map((e) => e.getBoundingClientRect().width)")
        assert min(widths) > 200, widths
    # Chart labels are at least 12 px as displayed.
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('svg.chart')].flatMap((svg) => {
          const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
          return [...svg.querySelectorAll('text')].map((t) =>
            parseFloat(getComputedStyle(t).fontSize) * scale);
        })"""
    )
    assert sizes and min(sizes) >= 12, sorted(sizes)[:5]
    assert not page.locator("svg.chart text", has_text="…").count() or all(
        t.locator("title").count() for t in page.locator("svg.chart text", has_text="…").all()
    )
    page.set_viewport_size(WIDE)


def test_api_docs_render_offline_under_the_sites_csp(browser, live_server, transactional_db):
    """Issue 18, point 8: /api/docs/ was blank without internet. Here every request off the
    site is refused and the CSP is enforced (no bypass): Swagger UI still shows the API."""
    context = browser.new_context(viewport=WIDE)
    try:
        page = context.new_page()
        elsewhere: list[str] = []
        violations: list[str] = []

        def route(r):
            if r.request.url.startswith(live_server.url):
                return r.continue_()
            elsewhere.append(r.request.url)
            return r.abort()

        page.route("**/*", route)
        # Swagger UI sets one style attribute, which the policy blocks without harm (the
        # page is whole): scripts, stylesheets, images and fonts must all be allowed.
        page.on(
            "console",
            lambda m: (
                violations.append(m.text)
                if "Content Security Policy" in m.text and "inline style" not in m.text
                else None
            ),
        )
        page.goto(live_server.url + "/api/docs/")
        page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
        assert "ati API" in page.inner_text(".swagger-ui .info .title")
        assert page.locator(".swagger-ui .opblock").count() > 10  # the operations, from the schema
        assert elsewhere == [] and violations == []
    finally:
        context.close()

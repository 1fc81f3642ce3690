"""Keyboard use, visible focus, and the right-to-left layout of the Arabic pages."""

from __future__ import annotations

from ati.demo.seed import DEMO_TOTP_SECRET
from ati.requests.models import InformationRequest
from tests.factories import totp_code

from .harness import Journey
from .test_citizen_journey import log_in

FOCUS_JS = """() => {
  const el = document.activeElement;
  const s = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  return {tag: el.tagName.toLowerCase(), cls: el.className, id: el.id,
          inMain: !!el.closest('main'), isMain: el.id === 'main',
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
          ring: s.boxShadow !== 'none', focusVisible: el.matches(':focus-visible'),
          onScreen: r.right > 0 && r.left < innerWidth && r.bottom > 0 && r.top < innerHeight};
}"""


def focused(page):
    return page.evaluate(FOCUS_JS)


def test_keyboard_journey(journey: Journey, page, demo):
    journey.goto(page, "/")
    page.keyboard.press("Tab")
    first = focused(page)
    assert first["cls"] == "skip-link", first
    assert first["focusVisible"] and first["outline"] and first["onScreen"], first
    journey.shot(page, "skip-link-focused")
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    assert focused(page)["isMain"]
    page.keyboard.press("Tab")
    assert focused(page)["inMain"], "Tab after the skip link must stay in the main content"

    # The login page: the e-mail field has the focus; type, Tab, type, Enter.
    journey.goto(page, "/accounts/login/")
    assert focused(page)["id"] == "id_login"
    page.keyboard.type("officer.sante@ati.demo")
    page.keyboard.press("Tab")
    state = focused(page)
    assert state["id"] == "id_password" and state["focusVisible"] and state["outline"], state
    page.keyboard.type("demo-ati-2026")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # The second factor: the code field has the focus; type the code, Enter.
    assert "/accounts/2fa/authenticate/" in page.url
    assert focused(page)["id"] == "id_code"
    page.keyboard.type(totp_code(DEMO_TOTP_SECRET))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("header button.link-button").count() == 1, "not logged in"

    # Every stop of the Tab order on the queue shows where the focus is.
    journey.goto(page, "/office/")
    seen = []
    for _ in range(25):
        page.keyboard.press("Tab")
        state = focused(page)
        if state["tag"] == "body":
            break
        seen.append(state)
        assert state["focusVisible"] and (state["outline"] or state["ring"]), state
    assert len(seen) >= 10 and any(s["inMain"] for s in seen)


def test_arabic_pages_mirror_the_layout(browser, live_server, demo, transactional_db):
    journey = Journey(browser, live_server.url, "ar", "rtl")
    try:
        page = journey.new_page()
        log_in(journey, page, "officer.sante@ati.demo", "demo-ati-2026")
        journey.goto(page, "/office/?state=all")
        assert page.evaluate("document.documentElement.dir") == "rtl"

        # The brand sits on the right, the navigation to its left or, when its links
        # wrap below the brand (officers have many), starting on the right too.
        brand = page.locator("header .brand").bounding_box()
        nav = page.locator("header nav").bounding_box()
        if nav["y"] >= brand["y"] + brand["height"]:
            right = lambda box: box["x"] + box["width"]  # noqa: E731
            assert abs(right(brand) - right(nav)) < 2, (brand, nav)
        else:
            assert brand["x"] > nav["x"] + nav["width"] - 1, (brand, nav)
        links = page.locator("header nav ul.nav > li")
        first, second = links.nth(0).bounding_box(), links.nth(1).bounding_box()
        assert first["x"] > second["x"], (first, second)  # links read right to left

        # Table headers start on the right.
        th = page.evaluate(
            """() => [...document.querySelectorAll('table.queue thead th')].slice(1).map((th) => {
                 const range = document.createRange(); range.selectNodeContents(th);
                 const text = range.getBoundingClientRect(), cell = th.getBoundingClientRect();
                 return {align: getComputedStyle(th).textAlign,
                         right: cell.right - text.right, left: text.left - cell.left};
               })"""
        )
        assert th and all(h["align"] in ("start", "right") for h in th), th
        assert all(h["right"] < h["left"] for h in th), th

        # References are isolated left-to-right text inside the Arabic page.
        ref = page.locator("td.ref bdi").first
        assert ref.evaluate("(el) => getComputedStyle(el).direction") == "ltr"
        assert ref.evaluate("(el) => getComputedStyle(el).unicodeBidi") == "isolate"
        order = ref.evaluate(
            """(el) => { const t = el.firstChild, r = document.createRange();
                 r.setStart(t, 0); r.setEnd(t, 3); const head = r.getBoundingClientRect().left;
                 r.setStart(t, t.length - 3); r.setEnd(t, t.length);
                 return [head, r.getBoundingClientRect().left]; }"""
        )
        assert order[0] < order[1], f"DAI-… must read left to right: {order}"

        # The request page: the timeline's rule is on the right; dates and body in Arabic.
        req = InformationRequest.objects.filter(body__code="min-sante").order_by("pk").last()
        journey.goto(page, f"/requests/{req.reference}/")
        border = page.evaluate(
            """() => { const s = getComputedStyle(document.querySelector('ol.timeline'));
                 return [s.borderRightWidth, s.borderLeftWidth]; }"""
        )
        assert border == ["3px", "0px"], border
        facts = page.inner_text("dl.facts")
        assert "وزارة الصحة" in facts  # the body's Arabic name
        due = page.locator("dl.facts dd strong").first.inner_text()
        assert any("\u0600" <= ch <= "\u06ff" for ch in due), f"due date not in Arabic: {due}"
        journey.shot(page, "request")
    finally:
        journey.close()

"""The officer's queue, deadline first, in French and Arabic on a phone and a desktop.

On the demo data (Ministry of Health, officer.sante@ati.demo): every row of the queue
says in words how many working days are left, or by how many it is overdue; at 375 and
1366 px axe-core finds nothing serious, nothing scrolls sideways, every link, button and
checkbox of the main content is at least 24 x 24 px (WCAG 2.2, 2.5.8; links inside a
sentence excepted, as the criterion does), the header holds one row, and no English
string of the catalogue is left on the page. The screenshots go to var/screenshots/
(and docs/img/ux/ when ATI_UX_SCREENSHOTS is set, for docs/ux.md).
"""

from __future__ import annotations

import os
from pathlib import Path

from .harness import assert_no_english, axe, small_targets
from .test_citizen_journey import log_in

OFFICER = "officer.sante@ati.demo"
PASSWORD = "demo-ati-2026"
WIDTHS = (375, 1366)
UX_SHOTS = os.environ.get("ATI_UX_SCREENSHOTS")


def shoot(page, name: str) -> None:
    if UX_SHOTS:
        out = Path(UX_SHOTS)
        out.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out / f"{name}.png"), full_page=False)


def test_queue_journey(journey, page, demo, lang):
    log_in(journey, page, OFFICER, PASSWORD)
    journey.goto(page, "/office/?state=all")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        axe(page)
        layout = page.evaluate(
            "() => ({scroll: document.documentElement.scrollWidth,"
            " header: document.querySelector('.site-header').getBoundingClientRect().height})"
        )
        assert layout["scroll"] <= width, f"{width} px: scrolls sideways ({layout})"
        # One row of header: the brand, the officer's work and the menu (it was 160 px).
        assert layout["header"] < 70, f"{width} px: header {layout['header']} px high"
        small = small_targets(page)
        assert not small, f"{width} px: targets under 24 x 24 px: {small}"
        assert_no_english(page)

        # Every row says its time left in words, and its state is in view (on a phone, a card).
        rows = page.locator("table.queue tbody tr")
        assert rows.count() > 5
        for i in range(rows.count()):
            cells = rows.nth(i).locator("td.deadline, td .state")
            assert cells.nth(0).inner_text().strip(), f"row {i}: no deadline"
            for j in range(cells.count()):
                box = cells.nth(j).bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (i, j, box)
        overdue = page.locator("table.queue tbody tr.row-overdue td.deadline").first.inner_text()
        expected = {"fr": "En retard de", "ar": "متأخر بـ"}[lang]
        assert expected in overdue, overdue
        journey.shot(page, f"queue-{width}")
        shoot(page, f"queue-after-{lang}-{width}")

    # The phone's menu opens without JavaScript (a <details>) and holds the officer's work.
    page.set_viewport_size({"width": 375, "height": 900})
    page.locator("details.menu > summary").click()
    queue_link = page.locator(".menu-panel .menu-primary a[href='/office/']")
    assert queue_link.is_visible()
    shoot(page, f"header-menu-after-{lang}-375")
    page.locator("details.menu > summary").click()

    # Sorted with the urgent requests first, then filtered to those due soon.
    page.set_viewport_size({"width": 1366, "height": 900})
    journey.follow(page, ".sort-links a[href$='sort=urgent']")
    assert page.locator(".sort-links a[aria-current]").get_attribute("href").endswith("urgent")
    first = page.locator("table.queue tbody tr").first
    assert first.locator(".tag-urgent").count() == 1, first.inner_text()
    journey.goto(page, "/office/?deadline=overdue")
    tags = page.locator("table.queue tbody tr .tag").all_inner_texts()
    assert tags and all({"fr": "En retard", "ar": "متأخر"}[lang] in t for t in tags), tags

    # The request page opens with what must be done, by when.
    href = page.locator("table.queue tbody td.ref a").first.get_attribute("href")
    journey.goto(page, href)
    panel = page.locator("section.deadline-panel")
    assert panel.is_visible()
    assert page.locator("main h1 + section.deadline-panel").count() == 1
    journey.check(page, "request-deadline")
    shoot(page, f"request-deadline-after-{lang}-1366")

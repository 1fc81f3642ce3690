"""Released documents in a real browser, in French and in Arabic.

The officer reviews a scanned letter (read by OCR in the worker: here, in the seeding
process), adds a box with the keyboard alone, and publishes it; a citizen finds the
inspection report by a word of its third page and opens it on that page.
"""

from __future__ import annotations

import pytest
from django.apps import apps

from .test_citizen_journey import log_in
from .test_officer_journey import OFFICER, PASSWORD

pytestmark = pytest.mark.skipif(not apps.is_installed("ati.library"), reason="needs ati.library")


def test_library_documents_journey(journey, page, demo, lang):
    from ati.demo.library import REPORT_TITLE, SCAN_TITLE, seed_released_documents
    from ati.library.models import DocumentPage, Publication

    seed_released_documents()
    scan = Publication.objects.get(title=SCAN_TITLE)
    assert scan.state == "in_review", scan.preparation_error

    log_in(journey, page, OFFICER, PASSWORD)
    journey.goto(page, "/library/review/")
    journey.check(page, "review-queue")
    journey.follow(page, f"a[href='/library/{scan.pk}/review/']")
    proposed = page.locator("rect.page-box").count()
    assert proposed >= 3  # the name, the identity card number, the phone number
    journey.check(page, "review-scan")

    # A box drawn with the keyboard alone: Enter starts it, arrows move and size it.
    frame = page.locator(".page-frame").first
    frame.focus()
    page.keyboard.press("Enter")
    for _ in range(8):
        page.keyboard.press("ArrowDown")
    for _ in range(4):
        page.keyboard.press("Shift+ArrowRight")
    assert page.locator("rect.page-drawn").count() == 1
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("rect.page-box").count() == proposed + 1
    journey.check(page, "review-scan-box-added")

    page.check("#id_confirm")
    journey.follow(page, "form.actions-panel button[type=submit]")
    assert page.url.split("#")[0].rstrip("/").endswith(f"/library/{scan.pk}")
    assert page.locator("ol.page-thumbs li").count() == 1
    journey.check(page, "scan-published")

    # A citizen (no account needed) searches a word of the report's third page.
    report = Publication.objects.get(title=REPORT_TITLE)
    third = DocumentPage.objects.filter(document__publication=report).order_by("number")[2]
    reader = journey.new_page()
    journey.goto(reader, "/library/?q=trimestrielle")
    hit = reader.locator(f"a[href='/library/{report.pk}/pages/{third.pk}/']").first
    assert hit.count() == 1
    journey.check(reader, "search-finds-page-3")
    with reader.expect_navigation():
        hit.click()
    assert "trimestrielle" in reader.locator("article.public-page").inner_text()
    assert reader.locator("article.public-page img").evaluate("img => img.naturalWidth") > 0
    journey.check(reader, "report-page-3")

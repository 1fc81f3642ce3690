"""The information officer's journey, in French and in Arabic, in a real browser.

On the demo data (Ministry of Health, officer.sante@ati.demo): log in, filter the
queue (overdue, urgent, a state), bulk-assign from the queue, assign one request
from its page, extend its deadline with a reason, answer it with a partial refusal
citing a legal ground, and see the state and the timeline follow. Reviewing an
anonymised publication comes with the library, in its own test: the proposal is
prepared by the worker while its page waits, then reviewed and published.
"""

from __future__ import annotations

import pytest
from django.apps import apps

from ati.bodies.models import Department
from ati.requests.models import InformationRequest

from .test_citizen_journey import log_in

OFFICER = "officer.sante@ati.demo"
PASSWORD = "demo-ati-2026"
# Overdue in the demo and touched by no other demo (the appeals demo reopens the
# "Contrats de nettoyage des hôpitaux" request with a new deadline).
OVERDUE = "Rapports d'audit des hôpitaux"


def row(page, subject):
    return page.locator("table.queue tbody tr", has_text=subject)


def department(code):
    """The value of a Ministry of Health department in the forms' selects."""
    return str(Department.objects.get(body__code="min-sante", code=code).pk)


def open_action(page, action):
    """Open an action of the request page with the keyboard, as a keyboard user would."""
    summary = page.locator(f"details:has(form[action$='/do/{action}/']) > summary")
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator(f"details:has(form[action$='/do/{action}/'])").get_attribute("open") == ""
    return page.locator(f"form[action$='/do/{action}/']")


# The answer form's grounds at a width: the fieldsets' legends, how wide the block is beside the
# main column's content, and every box and label smaller than 24 x 24 CSS px (WCAG 2.2, 2.5.8).
_GROUNDS_JS = """() => {
  const main = document.querySelector('main');
  const style = getComputedStyle(main);
  const content = main.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const grounds = document.querySelector('#answer-form .grounds');
  const small = [...grounds.querySelectorAll('input[type=checkbox], label')]
    .map((el) => { const r = el.getBoundingClientRect();
      return {el: el.outerHTML.slice(0, 60), w: Math.round(r.width), h: Math.round(r.height)}; })
    .filter((t) => t.w < 24 || t.h < 24);
  return {
    legends: [...grounds.querySelectorAll('fieldset > legend')].map((l) => l.innerText.trim()),
    boxes: grounds.querySelectorAll('input[type=checkbox]').length,
    share: grounds.getBoundingClientRect().width / content,
    small,
  };
}"""


def assert_grounds_laid_out(page, lang):
    """Grouped by article, across the main column (not a narrow side panel), big enough."""
    size = page.viewport_size
    try:
        for width in (1366, 375):
            page.set_viewport_size({"width": width, "height": 900})
            found = page.evaluate(_GROUNDS_JS)
            assert (
                found["legends"]
                == {
                    "fr": ["Article 7 — Exceptions", "Autres motifs"],
                    "ar": ["المادة 7 — استثناءات", "أسباب أخرى"],
                }[lang]
            ), found["legends"]
            assert found["boxes"] == 20
            assert found["share"] > 0.85, f"the grounds use {found['share']:.0%} at {width} px"
            assert not found["small"], f"targets under 24 px at {width} px: {found['small']}"
    finally:
        page.set_viewport_size(size)


def test_officer_journey(journey, page, demo, lang):
    log_in(journey, page, OFFICER, PASSWORD, shot="login")
    journey.follow(page, "header a[href='/office/']")
    journey.check(page, "queue")
    assert row(page, "Liste des pharmacies de garde").count() == 1

    # Filters: overdue, from the filter form (opened with the keyboard).
    page.locator("details.filters > summary").focus()
    page.keyboard.press("Enter")
    page.check("#id_overdue")
    journey.follow(page, "form.filter-form button[type=submit]")
    assert "overdue=on" in page.url
    assert row(page, OVERDUE).count() == 1
    assert row(page, "Liste des pharmacies de garde").count() == 0
    assert (
        page.locator("table.queue tbody tr").count()
        == page.locator("table.queue tbody tr.row-overdue").count()
    )
    journey.check(page, "queue-overdue")

    # Urgent, from the counts; then the requests still to assign.
    journey.follow(page, "ul.counts a[href='?urgent=on']")
    assert row(page, "Stock national de vaccins").count() == 1
    assert page.locator("table.queue tbody tr").count() == 1
    journey.goto(page, "/office/")
    page.locator("details.filters > summary").click()
    page.select_option("#id_state", "submitted")
    journey.follow(page, "form.filter-form button[type=submit]")
    assert row(page, "Budget exécuté des hôpitaux").count() == 0  # assigned already
    journey.check(page, "queue-to-assign")

    # Bulk assignment of two requests to the hospitals directorate.
    for subject in (OVERDUE, "Stock national de vaccins"):
        row(page, subject).locator("input[name=selected]").check()
    page.select_option("#bulk-department", department("hopitaux"))
    journey.follow(page, "div.bulk button[type=submit]")
    assert page.locator(".messages .message").count() == 1
    journey.check(page, "bulk-assigned")
    assert set(
        InformationRequest.objects.filter(
            subject__in=[OVERDUE, "Stock national de vaccins"]
        ).values_list("state", "department__code")
    ) == {("assigned", "hopitaux")}

    # One request from its page: assign, extend, answer with a partial refusal.
    req = InformationRequest.objects.get(subject="Liste des pharmacies de garde à Rabat")
    journey.goto(page, "/office/?state=submitted")
    journey.follow(page, f"td.ref a[href='/requests/{req.reference}/']")
    journey.check(page, "request")
    form = open_action(page, "assign")
    form.locator("select[name=department]").select_option(department("medicament"))
    journey.follow(page, "form[action$='/do/assign/'] button[type=submit]")
    req.refresh_from_db()
    assert req.state == "assigned" and req.department.code == "medicament"
    journey.check(page, "assigned")

    due = req.response_due
    form = open_action(page, "extend")
    form.locator("textarea").fill(
        {
            "fr": "Les pharmacies de garde sont listées par chaque délégation provinciale.",
            "ar": "لوائح صيدليات الحراسة تعدها كل مندوبية إقليمية.",
        }[lang]
    )
    journey.check(page, "extend")
    journey.follow(page, "form[action$='/do/extend/'] button[type=submit]")
    req.refresh_from_db()
    assert req.extensions_used == 1 and req.response_due > due
    journey.check(page, "extended")

    # A partial answer without a ground is refused, the error next to the grounds.
    form = open_action(page, "answer")
    form.locator("select[name=outcome]").select_option("partially_granted")
    form.locator("textarea[name=text]").fill(
        {
            "fr": "Voici la liste des pharmacies de garde de Rabat pour le mois en cours.",
            "ar": "تجدون لائحة صيدليات الحراسة بالرباط للشهر الجاري.",
        }[lang]
    )
    form.locator("textarea[name=withheld]").fill(
        {"fr": "Les numéros personnels des pharmaciens.", "ar": "الأرقام الشخصية للصيادلة."}[lang]
    )
    journey.follow(page, "form[action$='/do/answer/'] button[type=submit]")
    req.refresh_from_db()
    assert req.state == "assigned"
    form = page.locator("form[action$='/do/answer/']")
    assert form.locator(".errorlist").count() >= 1
    assert_grounds_laid_out(page, lang)
    journey.check(page, "answer-without-ground")
    form.locator("input[name=grounds][value=private-life]").check()
    journey.follow(page, "form[action$='/do/answer/'] button[type=submit]")
    req.refresh_from_db()
    assert req.state == "answered" and req.outcome == "partially_granted"
    assert req.refusal_grounds.count() == 1
    main = page.inner_text("main")
    assert req.withheld_description in main
    timeline = page.locator("ol.timeline li")
    assert timeline.count() >= 4  # received, assigned, extended, answered
    journey.check(page, "answered")


@pytest.fixture
def worker_elsewhere():
    """The web server queues the preparation task and a worker (here: the test) runs it later,
    as in production, instead of running it in-process after the commit."""
    from ati.celery import app

    eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    yield
    app.conf.task_always_eager = eager


@pytest.mark.skipif(
    not apps.is_installed("ati.library"), reason="needs ati.library (publication review)"
)
def test_officer_publication_review_journey(journey, page, demo, lang, worker_elsewhere):
    """Propose an Article 10 document, wait for its redactions, review, redact more, publish."""
    from ati.library import tasks
    from ati.library.models import Publication

    title, text, extra = {
        "fr": (
            "Liste des gardes de nuit des pharmacies — décembre",
            "Monsieur Ali Test, CIN AB123456, tél. 0661234567, coordonne les gardes. "
            "La pharmacie Al Amal assure la garde du 1er au 7 décembre.",
            "Al Amal",
        ),
        "ar": (
            "لائحة صيدليات الحراسة الليلية — دجنبر",
            "السيد علي تست، البطاقة الوطنية AB123456، الهاتف 0661234567، ينسق الحراسة. "
            "تتولى صيدلية الأمل الحراسة من 1 إلى 7 دجنبر.",
            "صيدلية الأمل",
        ),
    }[lang]
    log_in(journey, page, OFFICER, PASSWORD)
    journey.goto(page, "/library/review/")
    journey.check(page, "publication-queue")

    # A document of the body's own motion (Article 10), proposed for review.
    journey.follow(page, "main a[href='/library/new/']")
    journey.check(page, "publication-new")
    page.select_option("#id_body", str(Department.objects.get(code="hopitaux").body_id))
    page.select_option("#id_category", index=1)
    page.select_option("#id_language", lang)
    page.fill("#id_title", title)
    page.fill("#id_text", text)
    journey.follow(page, "main form button[type=submit]")
    pub = Publication.objects.get(title=title)
    assert page.url.endswith(f"/library/{pub.pk}/review/")
    # The redactions are prepared by the worker: the page says so, and nothing can be approved.
    assert pub.state == "preparing"
    assert page.locator("[role=status][data-refresh-seconds]").count() == 1
    assert page.locator("form:has(input[name=action][value=approve])").count() == 0
    journey.check(page, "publication-preparing")
    # The worker prepares it (the periodic job takes what the lost in-memory task left); the
    # page notices on its own (static/js/refresh-when-prepared.js) and reloads.
    assert tasks.prepare_pending() == {"in_review": 1}
    page.wait_for_selector("form:has(input[name=action][value=approve])", timeout=20_000)
    pub.refresh_from_db()
    assert pub.state == "in_review" and len(pub.redactions) >= 2  # the name, the CIN, …
    published_side = page.locator(".review-columns section").nth(1).inner_text()
    assert "AB123456" not in published_side and "0661234567" not in published_side
    journey.check(page, "publication-review")

    # One more redaction chosen by the reviewer, then approval (confirmation required).
    redactions = len(pub.redactions)
    page.fill("#id_phrase", extra)
    journey.follow(page, "form:has(input[name=action][value=add]) button[type=submit]")
    pub.refresh_from_db()
    assert len(pub.redactions) == redactions + 1
    journey.check(page, "publication-redacted")
    # Not confirmed: the browser's own check keeps the form (the box is required).
    assert page.evaluate("document.querySelector('#id_confirm').validity.valueMissing")
    page.check("#id_confirm")
    journey.follow(page, "form:has(input[name=action][value=approve]) button[type=submit]")
    pub.refresh_from_db()
    assert pub.state == "published"
    assert page.url.endswith(f"/library/{pub.pk}/")
    public = page.inner_text("article.publication")
    assert extra not in public and "AB123456" not in public
    journey.check(page, "publication-approved")

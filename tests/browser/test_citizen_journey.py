"""The citizen's journey, in French and in Arabic, in a real browser.

Register, confirm the e-mail address from the outbox, log in, ask for information
with an attachment, download the receipt, answer the body's clarification, read
the answer and download the answer letter. The body's side of the exchange goes
through the services (the officer's own journey is test_officer_journey.py).
Complaints, appeals and the library follow in their own tests, which run once
their apps are installed.
"""

from __future__ import annotations

import time

import pytest
from django.apps import apps

from ati.accounts.models import User
from ati.bodies.models import PublicBody
from ati.demo.seed import DEMO_TOTP_SECRET
from ati.requests import services
from ati.requests.models import InformationRequest
from tests.factories import totp_code

from .conftest import verification_link
from .harness import assert_errors_tied_to_fields, assert_no_english

PASSWORD = "Un-mot-de-passe-solide-2026"
PEOPLE = {
    "fr": ("Leïla Benjelloun", "leila.benjelloun@example.org"),
    "ar": ("ليلى بنجلون", "layla.benjelloun@example.org"),
}
SUBJECTS = {
    "fr": "Dépenses de maintenance des hôpitaux de Rabat en 2025",
    "ar": "مصاريف صيانة مستشفيات الرباط سنة 2025",
}
# Words of a published demo answer (ati/demo/library.py), typed as a subject.
SIMILAR = {"fr": "Maintenance des scanners des hôpitaux", "ar": "ميزانية جماعة الرباط"}
WIDE = {"width": 1366, "height": 900}
# A small but real PDF: the upload check recognises files by their content.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def log_in(journey, page, email, password, *, shot=None, totp_secret=DEMO_TOTP_SECRET):
    """Sign in; staff then give their authenticator app's code (`enter_totp_code`)."""
    journey.goto(page, "/accounts/login/")
    if shot:
        journey.check(page, shot)
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    journey.follow(page, "main button[type=submit]")
    if "/accounts/2fa/authenticate/" in page.url:
        enter_totp_code(journey, page, totp_secret)
    assert page.locator("header button.link-button").count() == 1, "not logged in"


def enter_totp_code(journey, page, secret, *, shot=None):
    """Type the code an authenticator app holding `secret` shows now.

    A code is accepted once per account (allauth remembers it for its window): if this
    account already signed in with it, the next window's code (still accepted, within
    MFA_TOTP_TOLERANCE) is typed instead.
    """
    if shot:
        journey.check(page, shot)
    now = time.time()
    for at in (now, now + 30):
        page.fill("input[name=code]", totp_code(secret, at))
        journey.follow(page, "main button[type=submit]")
        if "/accounts/2fa/authenticate/" not in page.url:
            return
    raise AssertionError("the authenticator code was refused twice")


def expect_pdf(page, link_selector):
    with page.expect_download() as info:
        page.click(link_selector)
    download = info.value
    path = download.path()
    assert path is not None
    with open(path, "rb") as handle:
        assert handle.read(4) == b"%PDF", download.suggested_filename
    return download.suggested_filename


def test_citizen_journey(journey, page, demo, lang):
    name, email = PEOPLE[lang]

    journey.goto(page, "/")
    journey.check(page, "home")

    # Register: first with mistakes, to see errors tied to their fields, then rightly.
    journey.follow(page, "main a[href='/accounts/signup/']")
    journey.check(page, "register")
    page.fill("#id_full_name", name)
    page.fill("#id_email", email)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD + "x")
    journey.follow(page, "main button[type=submit]")
    assert assert_errors_tied_to_fields(page) == 1
    journey.check(page, "register-errors")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    journey.follow(page, "main button[type=submit]")
    assert email in page.inner_text("main")
    journey.check(page, "register-done")
    assert User.objects.get(email=email).preferred_language == lang

    # The link in the e-mail leads to a button that confirms the address, then to login.
    link = verification_link(email)
    assert link.startswith(journey.base_url), link
    page.goto(link)
    journey.check(page, "email-confirm")
    page.fill("#id_password", PASSWORD)  # only who chose the password confirms
    journey.follow(page, "main button[type=submit]")
    assert page.url.endswith("/accounts/login/")
    assert page.locator(".messages").count() == 1
    journey.check(page, "email-confirmed")
    log_in(journey, page, email, PASSWORD)

    # Ask for information, with an attachment. A desktop 1366 px wide from here on (the phone's
    # 375 px are checked at every step by journey.check).
    page.set_viewport_size(WIDE)
    journey.follow(page, "header a[href='/requests/new/']")
    assert page.locator("#id_body option").first.inner_text() != "---------"
    journey.check(page, "submit")
    assert_no_english(page)
    body = PublicBody.objects.get(code="min-sante")
    # The body picker: part of a name, without its accent in French, then Enter (which must
    # not send the form) goes to the narrowed list with the one match chosen.
    status = page.locator("#id_body_filter_status")
    # As the list of bodies finds them (ati/core/folding.py): the article, the particle the
    # name writes it with and the accents left out; "الكهرباء" finds "للكهرباء".
    page.fill("#id_body_filter", {"fr": "ELECTRICITE", "ar": "الكهرباء"}[lang])
    status.filter(has_text="1").wait_for()
    onee = PublicBody.objects.get(code="onee")
    found = page.locator("#id_body option:not([value=''])").all_inner_texts()
    assert found == [{"fr": onee.name_fr, "ar": onee.name_ar}[lang]], found
    page.fill("#id_body_filter", {"fr": "sante", "ar": "الصحة"}[lang])
    status.filter(has_text="1").wait_for()
    page.press("#id_body_filter", "Enter")
    assert page.input_value("#id_body") == str(body.pk)
    assert page.evaluate("() => document.activeElement.id") == "id_body"
    assert page.url.endswith("/requests/new/")  # nothing sent
    journey.check(page, "submit-body-picker")
    if apps.is_installed("ati.library"):
        # Published answers like this one, fetched as the subject is typed.
        with page.expect_response(lambda r: "/requests/similar/" in r.url) as asked:
            page.fill("#id_subject", SIMILAR[lang])
        assert asked.value.ok
        page.locator(".similar-live .similar-publications li").first.wait_for()
        journey.check(page, "submit-similar")
    page.fill("#id_subject", SUBJECTS[lang])
    page.fill("#id_information_requested", SUBJECTS[lang] + " — " + "2025.")
    page.fill("#id_address", "12 rue Oued Fès, Agdal, Rabat")
    page.fill("#id_id_number", "AB12")  # too short: the error summary, focused, links to it
    journey.follow(page, "main button[type=submit]:not([name=check_similar])")
    assert page.locator(".error-summary").count() == 1
    assert page.evaluate("() => document.activeElement.className") == "error-summary"
    assert page.input_value("#id_body") == str(body.pk)
    assert_errors_tied_to_fields(page)
    journey.check(page, "submit-errors")
    assert_no_english(page)
    page.click(".error-summary a[href='#id_id_number']")
    assert page.evaluate("() => document.activeElement.id") == "id_id_number"
    page.fill("#id_id_number", "AB123456")
    if apps.is_installed("ati.library"):
        # Without JavaScript the same answers come by sending the form with this button.
        journey.follow(page, "main button[name=check_similar]")
        assert page.input_value("#id_subject") == SUBJECTS[lang]
    page.set_input_files(
        "#id_attachments",
        files=[{"name": "piece-jointe.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    journey.follow(page, "main button[type=submit]:not([name=check_similar])")
    req = InformationRequest.objects.get(subject=SUBJECTS[lang])
    assert page.url.endswith(f"/requests/{req.reference}/")
    assert req.reference in page.inner_text(".messages")
    assert page.locator("main a", has_text="piece-jointe.pdf").count() == 1
    # The next step leads the page: nothing to do, the answer due by a date.
    assert page.locator("main > .next-step strong").count() == 1
    assert_no_english(page)
    journey.check(page, "request-submitted")

    assert expect_pdf(page, "a[href$='receipt.pdf']") == f"recepisse-{req.reference}.pdf"

    journey.goto(page, "/requests/mine/")
    assert page.locator("td.ref bdi", has_text=req.reference).count() == 1
    journey.check(page, "my-requests")

    # The body asks for a clarification; the applicant answers it on the request page.
    officer = User.objects.get(email="officer.sante@ati.demo")
    question = {
        "fr": "Voulez-vous les dépenses par hôpital ou le total ?",
        "ar": "هل تريدون المصاريف حسب كل مستشفى أم المجموع؟",
    }[lang]
    services.request_clarification(officer, req, question=question)
    journey.follow(page, f"td.ref a[href='/requests/{req.reference}/']")
    # The question and its form lead the page, open; the message box points to it.
    step = page.locator("main > .next-step")
    assert question in step.inner_text()
    assert step.locator("form[action$='/do/provide_clarification/'] textarea").is_visible()
    assert page.locator(".actions-panel form[action$='/do/provide_clarification/']").count() == 0
    assert page.locator("details:has(form[action$='/messages/'])").get_attribute("open") is None
    journey.check(page, "clarification-asked")
    assert_no_english(page)
    # Sent empty: the error summary, focused, above the field.
    journey.follow(page, "form[action$='/do/provide_clarification/'] button[type=submit]")
    assert page.evaluate("() => document.activeElement.className") == "error-summary"
    assert step.locator(".error-summary a[href='#id_provide_clarification_answer']").count() == 1
    journey.check(page, "clarification-errors")
    page.fill(
        "#id_provide_clarification_answer",
        {"fr": "Par hôpital, s'il vous plaît.", "ar": "حسب كل مستشفى."}[lang],
    )
    journey.follow(page, "form[action$='/do/provide_clarification/'] button[type=submit]")
    req.refresh_from_db()
    assert req.clarification_answer and req.state == "submitted"
    assert page.locator("main > .next-step form").count() == 0
    journey.check(page, "clarification-given")
    assert_no_english(page)

    # The body answers; the applicant reads the answer and downloads the letter.
    answer = {
        "fr": "Vous trouverez ci-joint les dépenses de maintenance par hôpital.",
        "ar": "تجدون رفقته مصاريف الصيانة حسب كل مستشفى.",
    }[lang]
    services.answer(officer, req, outcome="granted", text=answer)
    page.reload()
    assert answer in page.inner_text("main")
    journey.check(page, "answer")
    assert expect_pdf(page, "a[href$='answer.pdf']") == f"reponse-{req.reference}.pdf"


# --- after the answer: complaint, appeal, library (apps built in parallel) ----------
# Written against the URLs we expect; they start running when the apps are installed.

needs_appeals = pytest.mark.skipif(
    not apps.is_installed("ati.appeals"), reason="needs ati.appeals (complaints and appeals)"
)
needs_library = pytest.mark.skipif(
    not apps.is_installed("ati.library"), reason="needs ati.library (publication and search)"
)


def answered_request(lang, outcome="refused"):
    """A request of Amina's (demo) answered by the Ministry of Health, as a refusal."""
    citizen = User.objects.get(email="amina@ati.demo")
    officer = User.objects.get(email="officer.sante@ati.demo")
    body = PublicBody.objects.get(code="min-sante")
    req = services.submit_request(
        citizen,
        body=body,
        applicant=services.ApplicantDetails(
            first_name="Amina",
            last_name="Ouazzani",
            address="Avenue Mohammed V, Rabat",
            id_number="AB123456",
            email=citizen.email,
            language=lang,
        ),
        details=services.RequestDetails(
            subject=SUBJECTS[lang], information_requested=SUBJECTS[lang]
        ),
    )
    services.answer(officer, req, outcome=outcome, text="Refus.", grounds=["state-security"])
    req.refresh_from_db()
    return req


HEAD = "head.sante@ati.demo"
COMPLAINT_FORM = "form[action$='/complaint/']"
APPEAL_FORM = "form[action$='/appeal/']"


def open_details(page, form_selector):
    """Open the <details> holding a form, from its summary, with the keyboard.

    A form sent back with errors comes open already: Enter would close it.
    """
    details = page.locator(f"details:has({form_selector})")
    if details.get_attribute("open") is None:
        details.locator("> summary").focus()
        page.keyboard.press("Enter")
    assert details.get_attribute("open") == ""
    return page.locator(form_selector)


@needs_appeals
def test_citizen_complaint_then_appeal_journey(journey, page, demo, lang):
    """A refusal: complaint from the request page, the head confirms, appeal, shown on the page."""
    from ati.appeals.models import Appeal, Complaint

    req = answered_request(lang)
    log_in(journey, page, "amina@ati.demo", "demo-ati-2026")
    page.set_viewport_size(WIDE)
    journey.goto(page, f"/requests/{req.reference}/")
    assert page.locator("section.appeals-panel").count() == 1
    # The next step says until when to complain, and leads to the form.
    page.click("main > .next-step a[href='#complaint-form']")
    assert page.url.endswith("#complaint-form")
    assert page.locator("#complaint-form").get_attribute("open") == ""
    assert_no_english(page)
    # An appeal is offered too, with the warning that the law asks for a complaint first.
    assert page.locator(f"details:has({APPEAL_FORM}) .message.error").count() == 1

    # The complaint: first without reasons (the error next to its field), then rightly.
    form = open_details(page, COMPLAINT_FORM)
    assert form.locator("select[name=ground] option").all_inner_texts()  # refusal offered
    journey.check(page, "complaint-form")
    journey.follow(page, f"{COMPLAINT_FORM} button[type=submit]")
    assert assert_errors_tied_to_fields(page) == 1
    journey.check(page, "complaint-errors")
    page.locator(f"{COMPLAINT_FORM} textarea[name=reasons]").fill(
        {
            "fr": "Le refus invoque la sécurité de l'État sans dire en quoi ces dépenses la "
            "menaceraient.",
            "ar": "الرفض يستند إلى أمن الدولة دون بيان كيف تهدده هذه المصاريف.",
        }[lang]
    )
    journey.follow(page, f"{COMPLAINT_FORM} button[type=submit]")
    assert page.url.endswith(f"/requests/{req.reference}/")
    complaint = Complaint.objects.get(request=req)
    assert complaint.state == "filed" and complaint.ground == "refusal"
    assert page.locator(".messages .message").count() == 1
    panel = page.locator("section.appeals-panel")
    assert panel.locator(f"a[href='/complaints/{complaint.pk}/']").count() == 1
    assert panel.locator(f"details:has({COMPLAINT_FORM})").count() == 0  # filed once
    assert panel.locator(f"details:has({APPEAL_FORM})").count() == 0  # the head decides first
    assert panel.locator("p.help").count() == 1  # "you may appeal once the head has decided"
    # Next: the head's decision, by a date; the complaint is on the timeline.
    assert page.locator("main > .next-step strong").count() == 1
    assert page.locator(f".timeline a[href='/complaints/{complaint.pk}/']").count() == 1
    journey.check(page, "complaint-filed")
    assert_no_english(page)

    # The head of the body, in their own browser, confirms the refusal from their list.
    head = journey.new_page()
    log_in(journey, head, HEAD, "demo-ati-2026")
    journey.follow(head, "header a[href='/complaints/']")
    assert head.locator(f"#decide-h ~ div a[href='/complaints/{complaint.pk}/']").count() == 1
    journey.check(head, "head-complaints")
    journey.follow(head, f"#decide-h ~ div a[href='/complaints/{complaint.pk}/']")
    journey.check(head, "head-complaint")
    form = open_details(head, "form[action$='/do/confirm/']")
    form.locator("textarea[name=text]").fill(
        {
            "fr": "Le refus est confirmé : les dépenses détaillées révèlent l'emplacement "
            "de sites sensibles.",
            "ar": "تم تأكيد الرفض: تكشف المصاريف المفصلة مواقع حساسة.",
        }[lang]
    )
    journey.follow(head, "form[action$='/do/confirm/'] button[type=submit]")
    complaint.refresh_from_db()
    assert complaint.state == "confirmed"
    assert head.locator("form[action*='/do/']").count() == 0  # nothing left to decide
    journey.check(head, "head-confirmed")

    # Back to the applicant: the decision shows, and the appeal is offered.
    page.reload()
    panel = page.locator("section.appeals-panel")
    assert complaint.decision_text in panel.inner_text()
    # The next step is now the appeal, until a date.
    assert page.locator("main > .next-step a[href='#appeal-form']").count() == 1
    assert page.locator(".timeline a[href^='/complaints/']").count() == 2  # filed, confirmed
    form = open_details(page, APPEAL_FORM)
    assert page.locator(".appeals-panel .message.error").count() == 0  # a prior complaint
    form.locator("textarea[name=reasons]").fill(
        {
            "fr": "Le chef de l'organisme confirme le refus sans répondre à ma plainte : "
            "je demande à la commission de l'examiner.",
            "ar": "أكد رئيس الهيئة الرفض دون الرد على شكايتي، وأطلب من اللجنة فحصه.",
        }[lang]
    )
    journey.check(page, "appeal-form")
    journey.follow(page, f"{APPEAL_FORM} button[type=submit]")
    appeal = Appeal.objects.get(request=req)
    assert appeal.state == "filed" and appeal.complaint_id == complaint.pk
    assert page.url.endswith(f"/appeals/{appeal.pk}/")
    assert page.locator(".messages .message").count() == 1
    assert page.locator("form[action*='/do/']").count() == 0  # the commission acts, not her
    journey.check(page, "appeal-filed")

    # The request page now shows both steps, and nothing more to file.
    journey.follow(page, f"p.breadcrumb a[href='/requests/{req.reference}/']")
    panel = page.locator("section.appeals-panel")
    assert panel.locator("article.appeal-card").count() == 2
    assert panel.locator(f"a[href='/appeals/{appeal.pk}/']").count() == 1
    assert panel.locator("form").count() == 0
    assert page.locator(f"main > .next-step a[href='/appeals/{appeal.pk}/']").count() == 1
    assert page.locator(f".timeline a[href='/appeals/{appeal.pk}/']").count() == 1
    journey.check(page, "request-with-appeal")
    assert_no_english(page)


@needs_library
def test_citizen_library_journey(journey, page, demo, lang):
    """Search the library, refine by a facet, read a document, download its PDF."""
    from ati.library.models import Publication

    journey.goto(page, "/")
    journey.follow(page, "header a[href='/library/']")
    assert page.locator("ol.library-results > li a.result-title").count() >= 5
    journey.check(page, "library")

    # A search typed and sent with Enter, in the journey's language.
    words = {"fr": "scanners", "ar": "ميزانية"}[lang]
    page.fill("#library-q", words)
    with page.expect_navigation():
        page.press("#library-q", "Enter")
    assert f"q={words}" in page.url or "q=%" in page.url
    hits = page.locator("ol.library-results > li a.result-title")
    assert hits.count() >= 1
    journey.check(page, "library-search")

    # Refine by a facet (the first body offered), then remove the filters.
    journey.follow(page, "aside.facets ul li a")
    assert "body=" in page.url or "category=" in page.url or "year=" in page.url
    assert hits.count() >= 1
    journey.check(page, "library-refined")
    journey.follow(page, "aside.facets p a")

    # A document: in its own language and direction, with the reuse terms and its PDF.
    journey.follow(page, "ol.library-results > li a.result-title")
    pub = Publication.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    # The text (and the title) in their own language and direction; the facts around
    # them (body, category, year) in the page's.
    text = page.locator("article.publication .publication-text")
    assert text.get_attribute("lang") == pub.language
    assert text.get_attribute("dir") == ("rtl" if pub.language == "ar" else "ltr")
    title = page.locator("article.publication h1")
    assert title.get_attribute("lang") == pub.title_language
    assert title.get_attribute("dir") == pub.title_direction
    assert page.locator("article.publication").get_attribute("lang") is None
    assert page.locator("p.reuse-terms").count() == 1
    journey.check(page, "library-document")
    # Served inline (read in the browser's viewer): fetched as the page's link gives it.
    href = page.get_attribute("a[href$='document.pdf']", "href")
    response = page.request.get(journey.url(href))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    assert f"publication-{pub.pk}.pdf" in response.headers["content-disposition"]

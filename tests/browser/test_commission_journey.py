"""The commission's journey, in French and in Arabic, in a real browser.

On the demo data plus one fresh appeal (a refusal of the Ministry of Health, the
complaint confirmed by its head, then appealed, all through the services): the
commission (commission@ati.demo) finds the appeal on its dashboard with the filters,
declares it admissible, assigns the rapporteur and asks the body for its
observations; the body's officer answers from their own browser; the commission
records a hearing, orders disclosure with reasons, downloads the numbered decision,
then follows compliance: it records the body's non-compliance and finds the order on
the non-compliance list of the annual report.
"""

from __future__ import annotations

import pytest
from django.apps import apps

from ati.accounts.models import User
from ati.bodies.models import PublicBody
from ati.requests import services

from .harness import assert_errors_tied_to_fields
from .test_citizen_journey import expect_pdf, log_in, open_details

PASSWORD = "demo-ati-2026"
COMMISSION = "commission@ati.demo"
OFFICER = "officer.sante@ati.demo"
SUBJECT = {
    "fr": "Marchés de gardiennage des hôpitaux de Casablanca",
    "ar": "صفقات حراسة مستشفيات الدار البيضاء",
}

pytestmark = pytest.mark.skipif(
    not apps.is_installed("ati.appeals"), reason="needs ati.appeals (the commission's appeals)"
)


def filed_appeal(lang):
    """Youssef's request refused, the refusal confirmed by the head, then appealed."""
    from ati.appeals import services as appeals

    citizen = User.objects.get(email="youssef@ati.demo")
    officer = User.objects.get(email=OFFICER)
    req = services.submit_request(
        citizen,
        body=PublicBody.objects.get(code="min-sante"),
        applicant=services.ApplicantDetails(
            first_name="Youssef",
            last_name="Alaoui",
            address="Rue Allal Ben Abdellah, Casablanca",
            id_number="JK654321",
            email=citizen.email,
            language=lang,
        ),
        details=services.RequestDetails(subject=SUBJECT[lang], information_requested=SUBJECT[lang]),
    )
    services.answer(officer, req, outcome="refused", text="Refus.", grounds=["state-security"])
    complaint = appeals.file_complaint(
        citizen, req, ground="refusal", reasons="Les montants des marchés ne menacent rien."
    )
    appeals.confirm_complaint(
        User.objects.get(email="head.sante@ati.demo"), complaint, text="Refus confirmé."
    )
    return appeals.file_appeal(citizen, req, reasons="Je demande à la commission d'examiner.")


def act(journey, page, action, fill=None):
    """Open an action of the appeal page, fill its fields, confirm; the page comes back."""
    form = open_details(page, f"form[action$='/do/{action}/']")
    for selector, value in (fill or {}).items():
        field = form.locator(selector)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    journey.follow(page, f"form[action$='/do/{action}/'] button[type=submit]")


def test_commission_journey(journey, page, demo, lang):
    """Find, admit, instruct, hear, decide, download the decision, follow compliance."""
    appeal = filed_appeal(lang)
    reference = appeal.request.reference
    rapporteur = User.objects.get(email="rapporteur@ati.demo")

    log_in(journey, page, COMMISSION, PASSWORD, shot="login")
    journey.follow(page, "header a[href='/commission/']")
    table = page.locator("table.queue tbody")
    assert table.locator(f"a[href='/appeals/{appeal.pk}/']").count() == 1  # pending by default
    assert page.locator("ul.counts a[href='?stage=filed'] strong").inner_text() == "1"
    journey.check(page, "dashboard")

    # Filters: admissibility to check, the Ministry of Health, the legal ground cited.
    page.locator("details.filters > summary").click()
    page.select_option("#id_stage", "admissibility")
    page.select_option("#id_body", str(appeal.request.body_id))
    page.fill("#id_legal_ground", "state-security")
    journey.follow(page, "form.filter-form button[type=submit]")
    assert "stage=admissibility" in page.url
    assert table.locator("tr").count() == 1
    assert table.locator(f"a[href='/appeals/{appeal.pk}/']").count() == 1
    journey.check(page, "dashboard-filtered")
    # By reference, from the same form.
    page.select_option("#id_stage", "")
    page.select_option("#id_body", "")
    page.fill("#id_legal_ground", "")
    page.fill("#id_q", reference)
    journey.follow(page, "form.filter-form button[type=submit]")
    assert table.locator("tr").count() == 1

    # The appeal: nothing to check before admitting (a complaint came first, in time).
    journey.follow(page, f"table.queue a[href='/appeals/{appeal.pk}/']")
    assert page.locator("main .message.error").count() == 0
    journey.check(page, "appeal")
    act(journey, page, "declare_admissible")
    act(journey, page, "assign_rapporteur", {"select[name=rapporteur]": str(rapporteur.pk)})
    note = {
        "fr": "Précisez en quoi les montants des marchés de gardiennage menaceraient la "
        "sécurité de l'État.",
        "ar": "وضحوا كيف تهدد مبالغ صفقات الحراسة أمن الدولة.",
    }[lang]
    act(journey, page, "request_observations", {"textarea[name=note]": note})
    appeal.refresh_from_db()
    assert (appeal.state, appeal.rapporteur_id) == ("observations_requested", rapporteur.pk)
    assert appeal.observations_due is not None
    assert rapporteur.full_name in page.inner_text("main")
    journey.check(page, "observations-requested")

    # The body's officer, in their own browser, answers from their list.
    officer = journey.new_page()
    log_in(journey, officer, OFFICER, PASSWORD)
    journey.follow(officer, "header a[href='/complaints/']")
    journey.check(officer, "body-observations-awaited")
    journey.follow(officer, f"#obs-h ~ ul a[href='/appeals/{appeal.pk}/']")
    assert note in officer.inner_text("main")
    assert officer.locator("form[action*='/do/']").count() == 1  # their observations only
    journey.check(officer, "body-appeal")
    act(
        journey,
        officer,
        "submit_observations",
        {
            "textarea[name=text]": {
                "fr": "Les montants révèlent les effectifs de garde de chaque hôpital.",
                "ar": "تكشف المبالغ عدد الحراس في كل مستشفى.",
            }[lang]
        },
    )
    appeal.refresh_from_db()
    assert appeal.state == "observations_received"
    journey.check(officer, "body-observations-sent")

    # The commission hears the parties, then decides: disclosure ordered, with reasons.
    page.reload()
    assert appeal.observations_text in page.inner_text("main")
    act(
        journey,
        page,
        "record_hearing",
        {
            "textarea[name=minutes]": {
                "fr": "Le requérant et le ministère ont été entendus.",
                "ar": "تم الاستماع إلى صاحب الطلب وإلى الوزارة.",
            }[lang]
        },
    )
    appeal.refresh_from_db()
    assert appeal.state == "hearing_held" and appeal.hearing_on is not None
    reasons = {
        "fr": "Les montants globaux des marchés publics ne révèlent aucun dispositif de "
        "sécurité : aucune exception de l'article 7 ne s'applique.",
        "ar": "لا تكشف المبالغ الإجمالية للصفقات العمومية أي ترتيب أمني، ولا ينطبق أي استثناء "
        "من المادة 7.",
    }[lang]
    form = open_details(page, "form[action$='/do/decide/']")
    form.locator("select[name=decision]").select_option("disclosure_ordered")
    form.locator("textarea[name=reasons]").fill(reasons)
    journey.check(page, "decide")
    journey.follow(page, "form[action$='/do/decide/'] button[type=submit]")
    appeal.refresh_from_db()
    assert appeal.state == "decided" and appeal.decision == "disclosure_ordered"
    assert appeal.decision_number.startswith("CDAI-")
    assert appeal.compliance_due is not None
    assert reasons in page.inner_text("main")
    assert appeal.request.state not in ("answered", "closed")  # reopened by the order
    journey.check(page, "decided")
    assert expect_pdf(page, "a[href$='decision.pdf']") == f"decision-{appeal.decision_number}.pdf"

    # Compliance: the order is followed on the dashboard; the body has not complied.
    journey.follow(page, "p.breadcrumb a[href='/commission/']")
    follow_up = page.locator("#compliance-h ~ div table")
    assert follow_up.locator(f"a[href='/appeals/{appeal.pk}/']").count() == 1
    journey.follow(page, f"#compliance-h ~ div a[href='/appeals/{appeal.pk}/']")
    act(journey, page, "record_not_complied")  # without saying how: refused
    appeal.refresh_from_db()
    assert appeal.state == "decided"
    assert assert_errors_tied_to_fields(page) == 1
    journey.check(page, "non-compliance-errors")
    act(
        journey,
        page,
        "record_not_complied",
        {
            "textarea[name=note]": {
                "fr": "Le ministère n'a pas répondu dans le délai fixé par la décision.",
                "ar": "لم تجب الوزارة داخل الأجل المحدد في القرار.",
            }[lang]
        },
    )
    appeal.refresh_from_db()
    assert appeal.state == "not_complied"
    journey.check(page, "not-complied")

    # The non-compliance list of the annual report names the order and the body.
    journey.goto(page, "/commission/")
    journey.follow(page, "a[href^='/commission/non-compliance/']")
    rows = page.locator("main table tbody")
    assert rows.locator(f"a[href='/appeals/{appeal.pk}/']").count() == 1
    assert appeal.decision_number in rows.inner_text()
    journey.check(page, "non-compliance")

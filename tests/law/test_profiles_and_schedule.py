"""The shipped profiles as data, and the schedule a request gets from them."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ati.bodies.selectors import schedule_for_body
from ati.law.data import install_legal_data
from ati.law.deadlines import Period, Unit
from ati.law.models import ExceptionGround, LegalProfile, LegalProfileVersion, PeriodNotApplicable
from ati.law.selectors import (
    UnknownProfile,
    current_version,
    default_profile_version,
    request_schedule,
)

pytestmark = pytest.mark.django_db
WD, CD, MO = Unit.WORKING_DAYS, Unit.CALENDAR_DAYS, Unit.MONTHS


def test_law_31_13_is_the_default_profile_with_the_periods_of_the_law():
    version = default_profile_version()
    assert version.profile.code == "ma-31-13"
    assert version.period("response") == Period(20, WD)
    assert version.period("extension") == Period(20, WD)
    assert version.max_extensions == 1
    assert version.period("urgent_response") == Period(3, WD)
    assert version.period("urgent_extension") == Period(3, WD)
    assert version.period("complaint_window") == Period(20, WD)
    assert version.period("head_decision") == Period(15, WD)
    assert version.period("commission_window") == Period(30, CD)
    assert version.period("commission_decision") == Period(30, CD)
    assert version.period("court_window") == Period(60, CD)
    assert version.clarification_mode == "restart"
    assert version.calendar.code == "ma"
    assert version.calendar.weekend_days == {5, 6}


def test_every_ground_of_article_7_and_the_other_grounds_are_shipped_in_three_languages():
    grounds = ExceptionGround.objects.filter(version=default_profile_version())
    codes = set(grounds.values_list("code", flat=True))
    assert {
        "national-defence",
        "state-security",
        "private-life",
        "fundamental-rights",
        "protection-of-sources",
        "foreign-relations",
        "monetary-economic-policy",
        "intellectual-property",
        "protection-of-victims",
        "special-law-secrecy",
        "council-deliberations",
        "administrative-investigations",
        "judicial-proceedings",
        "fair-competition",
        "not-available",
        "already-published",
        "repeat-request",
        "unclear-request",
        "in-preparation",
        "national-archives",
    } <= codes
    for ground in grounds:
        assert ground.label_fr and ground.label_ar and ground.label_en
        assert (ground.article == "Art. 7") == (ground.kind == "exception")


@pytest.mark.parametrize(
    ("code", "response", "extension"),
    [
        ("fr-crpa", Period(1, MO), None),
        ("uk-foia", Period(20, WD), Period(20, WD)),
        ("us-foia", Period(20, WD), Period(10, WD)),
        ("in-rti", Period(30, CD), None),
    ],
)
def test_other_laws_are_profiles_with_their_own_calendar(code, response, extension):
    version = current_version(code)
    assert version.period("response") == response
    if extension is None:
        assert version.max_extensions == 0
    else:
        assert version.period("extension") == extension
    assert version.calendar.code != "ma"
    assert version.grounds.exists()


def test_a_missing_step_is_not_applicable():
    with pytest.raises(PeriodNotApplicable):
        current_version("fr-crpa").period("extension")


def test_an_unknown_profile_is_a_lookup_error():
    with pytest.raises(UnknownProfile):
        current_version("no-such-law")
    assert issubclass(UnknownProfile, LookupError)


def test_installing_the_data_twice_changes_nothing():
    before = (LegalProfileVersion.objects.count(), ExceptionGround.objects.count())
    install_legal_data(years=range(2026, 2028))
    assert (LegalProfileVersion.objects.count(), ExceptionGround.objects.count()) == before
    assert LegalProfile.objects.filter(is_default=True).count() == 1


def test_a_request_keeps_the_version_in_force_when_it_was_received():
    v1 = default_profile_version()
    v2 = LegalProfileVersion.objects.create(
        profile=v1.profile,
        version=2,
        valid_from=date(2027, 1, 1),
        calendar=v1.calendar,
        response_amount=15,
        response_unit=WD,
    )
    assert current_version("ma-31-13", date(2026, 12, 31)) == v1
    assert current_version("ma-31-13", date(2027, 1, 1)) == v2


def test_schedule_of_a_request_received_on_friday_30_october_2026():
    schedule = request_schedule(default_profile_version(), date(2026, 10, 30))
    assert schedule.response_due.due == date(2026, 12, 1)
    assert schedule.extended_response_due.due == date(2026, 12, 29)
    assert schedule.complaint_window_end.due == date(2026, 12, 29)
    # 15 working days from 29 Dec, skipping 1, 11 and 14 January 2027.
    assert schedule.head_decision_due.due == date(2027, 1, 22)
    # 30 days later is Sunday 21 February: Monday 22.
    assert schedule.commission_window_end.due == date(2027, 2, 22)
    assert schedule.commission_decision_due.due == date(2027, 3, 24)
    assert schedule.court_window_end.due == date(2027, 5, 24)


def test_an_urgent_request_has_three_working_days_plus_three():
    schedule = request_schedule(default_profile_version(), date(2026, 9, 4), urgent=True)
    assert schedule.response_due.due == date(2026, 9, 9)
    assert schedule.extended_response_due.due == date(2026, 9, 14)


def test_no_extended_due_date_when_the_profile_allows_no_extension():
    schedule = request_schedule(current_version("fr-crpa"), date(2026, 3, 10))
    assert schedule.extended_response_due is None
    assert schedule.response_due.due == date(2026, 4, 10)
    assert schedule.as_dict()["extended_response_due"] is None


def test_a_body_s_schedule_follows_its_legal_profile(body):
    assert body.legal_profile.code == "ma-31-13"
    assert schedule_for_body(body, date(2026, 10, 30)).response_due.due == date(2026, 12, 1)
    body.legal_profile = LegalProfile.objects.get(code="us-foia")
    # 20 working days from Fri 30 Oct 2026 on the US federal calendar skip
    # Veterans Day (11 Nov) and Thanksgiving (26 Nov) instead of 6 and 18 Nov.
    response = schedule_for_body(body, date(2026, 10, 30)).response_due
    assert response.due == date(2026, 12, 1)
    assert [d for d, _ in response.skipped] == [date(2026, 11, 11), date(2026, 11, 26)]


# --- The command ---------------------------------------------------------------
def run(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("deadline_schedule", *args, stdout=out)
    return out.getvalue()


def test_command_json_has_every_date_as_iso_strings():
    data = json.loads(run("--received", "2026-10-30", "--format", "json"))
    assert data["received"] == "2026-10-30"
    assert data["response_due"] == "2026-12-01"
    assert data["extended_response_due"] == "2026-12-29"
    assert data["complaint_window_end"] == "2026-12-29"
    assert data["head_decision_due"] == "2027-01-22"
    assert data["commission_window_end"] == "2027-02-22"
    assert data["commission_decision_due"] == "2027-03-24"
    assert data["court_window_end"] == "2027-05-24"
    assert "mardi 1er décembre 2026" in data["explanation"]


def test_command_urgent_and_profile():
    data = json.loads(
        run("--received", "2026-09-04", "--urgent", "--profile", "uk-foia", "--format", "json")
    )
    assert data["profile"] == "uk-foia" and data["urgent"] is True
    assert data["response_due"] == "2026-10-02"


def test_command_text_reads_as_sentences():
    text = run("--received", "2026-10-30", "--language", "en")
    assert "Response due: 2026-12-01" in text
    assert "skipping 6 and 18 November (holidays): due Tuesday 1 December 2026" in text


@pytest.mark.parametrize(
    "args",
    [
        ("--received", "2026-02-30"),
        ("--received", "yesterday"),
        ("--received", "2026-09-04", "--profile", "no-such-law"),
    ],
)
def test_command_bad_input_exits_with_status_2(args):
    with pytest.raises(CommandError) as error:
        run(*args)
    assert error.value.returncode == 2
    assert "\n" not in str(error.value)


def test_a_new_body_follows_law_31_13_unless_told_otherwise(client, administrator):
    from ati.bodies.models import PublicBody

    client.force_login(administrator)
    form = client.get("/admin/bodies/publicbody/add/").content.decode()
    assert 'name="legal_profile"' in form
    for code, profile in [("min-a", None), ("min-b", ""), ("min-c", "us-foia")]:
        data = {
            "code": code,
            "name_fr": "Ministère",
            "kind": "ministry",
            "departments-TOTAL_FORMS": "0",
            "departments-INITIAL_FORMS": "0",
        }
        if profile is not None:
            data["legal_profile"] = LegalProfile.objects.get(code=profile).pk if profile else ""
        assert client.post("/admin/bodies/publicbody/add/", data).status_code == 302
    assert dict(PublicBody.objects.values_list("code", "legal_profile__code")) == {
        "min-a": "ma-31-13",
        "min-b": "ma-31-13",
        "min-c": "us-foia",
    }


@pytest.mark.django_db
def test_a_grounds_article_reads_in_the_readers_language_and_never_as_empty_brackets():
    from django.utils import translation

    from ati.law.models import ExceptionGround

    with_article = ExceptionGround(
        article="Art. 7", label_fr="Défense nationale", label_ar="الدفاع الوطني"
    )
    without = ExceptionGround(article="", label_fr="Information non disponible")
    with translation.override("fr"):
        assert with_article.label_with_article == "Défense nationale (\u2068art. 7\u2069)"
        assert without.label_with_article == "Information non disponible"
    with translation.override("ar"):
        assert with_article.label_with_article == "الدفاع الوطني (\u2068المادة 7\u2069)"
    other_law = ExceptionGround(article="L311-5", label_fr="Secret de la défense")
    assert other_law.article_display == "L311-5"

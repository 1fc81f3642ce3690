"""The "when is my answer due?" page and the calendar month view, in French and Arabic."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_deadlines_page_is_linked_from_every_page(client):
    page = client.get(reverse("core:home")).content.decode()
    assert reverse("law:deadlines") in page


def test_the_page_shows_the_form_before_any_date(client):
    response = client.get(reverse("law:deadlines"))
    assert response.status_code == 200
    assert 'name="received"' in response.content.decode()


def test_the_page_answers_in_french_with_the_engine_s_explanation(client):
    response = client.get(reverse("law:deadlines"), {"received": "2026-10-30"})
    page = response.content.decode()
    assert 'datetime="2026-12-01"' in page
    assert "échéance le mardi 1er décembre 2026" in page
    assert 'lang="fr"' in page


def test_the_page_answers_in_arabic_right_to_left(client):
    client.cookies["django_language"] = "ar"
    response = client.get(reverse("law:deadlines"), {"received": "2026-10-30"})
    page = response.content.decode()
    assert 'dir="rtl"' in page
    assert "آخر أجل الثلاثاء 1 دجنبر 2026" in page


def test_a_body_brings_its_own_law(client, body):
    response = client.get(
        reverse("law:deadlines"), {"received": "2026-09-04", "body": body.pk, "urgent": "on"}
    )
    assert 'datetime="2026-09-09"' in response.content.decode()


def test_a_profile_can_be_chosen(client):
    response = client.get(
        reverse("law:deadlines"), {"received": "2026-03-10", "profile": "fr-crpa"}
    )
    page = response.content.decode()
    assert 'datetime="2026-04-10"' in page


def test_an_impossible_date_is_a_form_error_not_a_crash(client):
    response = client.get(reverse("law:deadlines"), {"received": "2026-02-30"})
    assert response.status_code == 200
    assert "has-error" in response.content.decode()


def test_the_month_view_marks_holidays_with_their_labels(client):
    response = client.get(reverse("law:calendar-month", args=[2026, 11]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<table" in page and "<thead>" in page
    assert " holiday" in page
    assert "Anniversaire de la Marche verte" in page
    assert "Fête de l&#x27;Indépendance" in page
    assert reverse("law:calendar-month", args=[2026, 10]) in page
    assert reverse("law:calendar-month", args=[2026, 12]) in page


def test_the_month_view_in_arabic(client):
    client.cookies["django_language"] = "ar"
    page = client.get(reverse("law:calendar-month", args=[2026, 8])).content.decode()
    assert "عيد العرش" not in page  # 30 July is in July
    assert "عيد المولد النبوي الشريف" in page
    assert 'dir="rtl"' in page


def test_the_month_view_wraps_around_the_year(client):
    page = client.get(reverse("law:calendar-month", args=[2027, 1])).content.decode()
    assert reverse("law:calendar-month", args=[2026, 12]) in page
    assert reverse("law:calendar-month", args=[2027, 2]) in page


def test_another_calendar_can_be_shown(client):
    page = client.get(
        reverse("law:calendar-month", args=[2026, 11]), {"calendar": "us-federal"}
    ).content.decode()
    assert "Thanksgiving" in page


@pytest.mark.parametrize("args", [(2026, 13), (2026, 0)])
def test_an_impossible_month_is_not_found(client, args):
    assert client.get(reverse("law:calendar-month", args=args)).status_code == 404


@time_machine.travel("2026-08-15 10:00 +0100")
def test_the_calendar_opens_on_this_month(client):
    response = client.get(reverse("law:calendar"))
    assert response.url == reverse("law:calendar-month", args=[2026, 8])


def test_arabic_pages_use_the_moroccan_month_names(client):
    client.cookies["django_language"] = "ar"
    page = client.get(reverse("law:calendar-month", args=[2026, 8])).content.decode()
    assert "غشت 2026" in page

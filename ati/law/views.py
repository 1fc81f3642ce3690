"""Pages: "when is my answer due?" and the calendar month by month."""

from __future__ import annotations

import calendar as pycalendar
from datetime import date

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from .deadlines import format_date, month_name
from .forms import DeadlineForm
from .models import Calendar
from .selectors import (
    current_version,
    default_profile_version,
    month_holidays,
    request_schedule,
    working_calendar,
)

STEP_TITLES = {
    "response_due": _("The body must answer by"),
    "extended_response_due": _("If the body extends the deadline, it must answer by"),
    "complaint_window_end": _("Complaint to the head of the body, until"),
    "head_decision_due": _("The head of the body must answer by"),
    "commission_window_end": _("Complaint to the commission, until"),
    "commission_decision_due": _("The commission must decide by"),
    "court_window_end": _("Appeal to the administrative court, until"),
}


@require_GET
def when_is_my_answer_due(request: HttpRequest) -> HttpResponse:
    form = DeadlineForm(request.GET or None)
    schedule = None
    if form.is_valid():
        received = form.cleaned_data["received"]
        body = form.cleaned_data.get("body")
        profile = form.cleaned_data["profile"]
        if body is not None:
            version = current_version(body.legal_profile.code, received)
        elif profile is not None:
            version = current_version(profile.code, received)
        else:
            version = default_profile_version(received)
        schedule = request_schedule(version, received, urgent=form.cleaned_data["urgent"])
    language = get_language() or "fr"
    steps = (
        [
            (
                STEP_TITLES[name],
                deadline,
                format_date(deadline.due, language),
                deadline.explanation(language),
            )
            for name, deadline in schedule.steps()
        ]
        if schedule
        else []
    )
    return render(
        request,
        "law/deadlines.html",
        {"form": form, "schedule": schedule, "steps": steps},
    )


@require_GET
def calendar_today(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    response = redirect("law:calendar-month", year=today.year, month=today.month)
    if request.GET.get("calendar"):
        response["Location"] += f"?calendar={request.GET['calendar']}"
    return response


@require_GET
def calendar_month(request: HttpRequest, year: int, month: int) -> HttpResponse:
    if not (1 <= month <= 12 and 1900 <= year <= 2200):
        raise Http404
    code = request.GET.get("calendar", "")
    if code:
        cal = Calendar.objects.filter(code=code).first()
        if cal is None:
            raise Http404
    else:
        cal = default_profile_version().calendar
    working = working_calendar(cal)
    holidays = month_holidays(cal, year, month)
    by_date: dict[date, list] = {}
    for holiday in holidays:
        by_date.setdefault(holiday.date, []).append(holiday)
    today = timezone.localdate()
    weeks = [
        [
            {
                "date": d,
                "in_month": d.month == month,
                "weekend": d.weekday() in working.weekend,
                "holidays": by_date.get(d, []) if d.month == month else [],
                "today": d == today,
            }
            for d in week
        ]
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]
    prev_year, prev_month = (year - 1, 12) if month == 1 else (year, month - 1)
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    return render(
        request,
        "law/calendar_month.html",
        {
            "calendar": cal,
            "calendars": Calendar.objects.all(),
            "year": year,
            "month": month,
            "month_name": month_name(month, get_language() or "fr"),
            "first_day": date(year, month, 1),
            "weekdays": [(WEEKDAYS[i], WEEKDAYS_ABBR[i]) for i in range(7)],
            "weeks": weeks,
            "holidays": holidays,
            "prev": (prev_year, prev_month),
            "next": (next_year, next_month),
        },
    )

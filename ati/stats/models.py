"""Derived tables of the statistics: rebuilt in bulk, never edited by hand.

* `WorkingDayIndex` numbers the working days of each calendar, so that the
  working days between two dates is a subtraction of two joined ordinals.
* `RequestFact` is one row per request with what the statistics need (body,
  period, outcome class, working days to answer), filled by one INSERT … SELECT.
* `Snapshot` holds the computed figures as JSON with the time they were
  computed: every web process reads the same figures, with no cache server.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkingDayIndex(models.Model):
    """``ordinal`` = number of working days of ``calendar`` up to and including ``date``."""

    calendar = models.ForeignKey("law.Calendar", on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    ordinal = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("working-day index")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="working_day_index_unique")
        ]

    def __str__(self) -> str:
        return f"{self.calendar_id} {self.date} #{self.ordinal}"


class Status(models.TextChoices):
    """What became of a request, one class each (the columns of the figures)."""

    ON_TIME = "on_time", _("Answered on time")
    LATE = "late", _("Answered late")
    OPEN = "open", _("Open, within the deadline")
    OPEN_PAST_DEADLINE = "open_past_deadline", _("Open past the deadline")
    TRANSFERRED = "transferred", _("Transferred")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RequestFact(models.Model):
    """One request as the statistics see it: no personal data, no free text."""

    request_id = models.BigIntegerField(primary_key=True)
    body_id = models.BigIntegerField(db_index=True)
    department_id = models.BigIntegerField(null=True)
    received_on = models.DateField()
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    urgent = models.BooleanField(default=False)
    status = models.CharField(max_length=24, choices=Status.choices)
    outcome = models.CharField(max_length=20, blank=True)
    answered_on = models.DateField(null=True)
    # Working days from receipt to the answer: (received_on, answered_on] on the
    # request's calendar; null until answered.
    response_days = models.IntegerField(null=True)

    class Meta:
        verbose_name = _("request fact")
        indexes = [models.Index(fields=["year", "body_id"], name="request_fact_year_body")]

    def __str__(self) -> str:
        return f"{self.request_id} {self.status}"


class Snapshot(models.Model):
    """The figures as last computed (`python manage.py refresh_stats`)."""

    computed_at = models.DateTimeField()
    data = models.JSONField()

    class Meta:
        verbose_name = _("statistics snapshot")
        get_latest_by = "computed_at"

    def __str__(self) -> str:
        return f"snapshot {self.computed_at.isoformat()}"

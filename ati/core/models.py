"""What the site itself keeps: the shared rate-limit counters and the yearly sequences."""

from __future__ import annotations

from django.db import models


class RateCounter(models.Model):
    """Attempts in one fixed window, for one scope and one person or address.

    The key names the window (see ati/core/ratelimit.py), so a new window is a
    new row; rows whose window has passed are deleted from time to time.
    """

    key = models.CharField(max_length=120, primary_key=True)
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "rate-limit counter"

    def __str__(self) -> str:
        return f"{self.key}: {self.hits}"


class Counter(models.Model):
    """The last number given in a gapless yearly sequence (ati/core/counters.py).

    One row per (sequence, year): request references ("requests.reference", or
    "requests.reference.<body code>" per body, decision 0016) and the commission's
    decision numbers ("appeals.decision"). The row is locked from the
    increment until the caller's transaction ends, so a rolled-back number is given
    again and two transactions never get the same one.
    """

    name = models.CharField(max_length=100)
    year = models.PositiveSmallIntegerField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "year"], name="core_counter_unique")]

    def __str__(self) -> str:
        return f"{self.name} {self.year}: {self.value}"

"""What the site itself keeps: the shared rate-limit counters."""

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

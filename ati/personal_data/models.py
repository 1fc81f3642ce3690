"""An applicant's request to have their personal data erased (Law 09-08, article 8).

The request is kept after the erasure, as the proof that it was carried out:
it holds the account's number, dates and counts, never a name or an address.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ErasureState(models.TextChoices):
    PENDING = "pending", _("Waiting for the end of the retention period")
    DONE = "done", _("Carried out")
    CANCELLED = "cancelled", _("Withdrawn by the applicant")


class ErasureRequest(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="erasure_requests",
    )
    requested_at = models.DateTimeField(_("asked on"), default=timezone.now)
    # The first day the erasure may take place, as computed when it was asked (or last
    # checked); the periodic job computes it again before erasing anything.
    not_before = models.DateField(_("not before"), null=True, blank=True, db_index=True)
    state = models.CharField(
        _("state"), max_length=16, choices=ErasureState.choices, default=ErasureState.PENDING
    )
    done_at = models.DateTimeField(_("carried out on"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("withdrawn on"), null=True, blank=True)
    # What was erased, as numbers only (requests, files, messages…).
    counts = models.JSONField(_("what was erased"), default=dict, blank=True)

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(state="pending"),
                name="one_pending_erasure_per_account",
            ),
        ]

    def __str__(self) -> str:
        return f"erasure #{self.pk} of account #{self.user_id} ({self.state})"

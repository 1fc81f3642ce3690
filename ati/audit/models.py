"""The append-only, hash-chained audit log.

Each event stores the hash of the previous event and its own hash over its
content and that previous hash, so that editing or deleting any row (even
through raw SQL) breaks the chain from that row on: `verify_audit` finds it.

Events are written unsealed (no position, no hashes) by the transaction that
makes the change, which therefore waits for no other; the sealer
(`services.seal`, every second from Celery beat, and before every verification)
chains the committed ones afterwards, in the order of their ids (docs/audit.md).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Audit events are append-only: they are never updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit events are append-only: they are never deleted.")


class AuditEvent(models.Model):
    # Given by the database's sequence when the event is written: it orders the events
    # of the chain, but may skip numbers (a transaction that rolled back).
    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(_("when"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    # Kept as text too, so the event still names its actor after the account is gone.
    actor_label = models.CharField(_("actor (as recorded)"), max_length=320, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    # Written by the sealer, once, after the event's transaction committed: the place
    # in the chain (1, 2, 3… with no gap), the previous event's id (to name a deleted
    # one) and hash, and the event's own hash. Empty while the event is unsealed.
    position = models.BigIntegerField(_("position in the chain"), null=True, unique=True)
    prev_id = models.BigIntegerField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    # NULL, not "", while unsealed: the column is unique.
    hash = models.CharField(max_length=64, null=True, unique=True)  # noqa: DJ001

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # The sealer's work list: only the few events not sealed yet.
            models.Index(
                fields=["id"], condition=models.Q(position__isnull=True), name="audit_unsealed"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Audit events are append-only: they are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit events are append-only: they are never deleted.")

    def compute_hash(self) -> str:
        return compute_hash(self.prev_hash, self.content())

    def content(self) -> dict[str, Any]:
        """What the hash covers: every field but the hashes themselves."""
        return {
            "id": self.pk,
            "created_at": self.created_at.isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "before": self.before,
            "after": self.after,
            "reason": self.reason,
            "ip_address": self.ip_address,
        }


class AuditChainHead(models.Model):
    """One row: the end of the sealed chain, locked by the sealer so that one seals at a time."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    # The id and the position of the last sealed event (equal for events written before
    # the sealer existed, which were numbered in the chain's order).
    last_id = models.BigIntegerField(default=0)
    last_position = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"audit chain head at #{self.last_id} (position {self.last_position})"


def canonical_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def compute_hash(prev_hash: str, content: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical_json(content)).encode()).hexdigest()

"""The archive of everything ati holds about an applicant (Law 09-08, right of access).

A ZIP file with ``data.json`` (the account, each request with its identity
fields, messages, timeline, complaints and appeals, the notices, the account's
own activity), ``README.txt`` (what the files are, in the applicant's
language), and the files: the applicant's attachments, the documents the body
sent to them and the letters of their notices.

Only what the applicant may see on their own pages goes in: no internal note,
no draft, no staff member's name, nothing of another applicant. The archive is
written to a temporary file, one stored file at a time, so that a large
attachment never sits in memory.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

import ati.appeals.notify  # registers the maker of the head's decision letter
import ati.requests.notify  # noqa: F401 - registers the receipt's maker (ATTACHMENT_MAKERS)
from ati.appeals.models import Appeal, Complaint
from ati.audit.models import AuditEvent
from ati.notifications.models import Notification, NotificationAttachment
from ati.notifications.services import ATTACHMENT_MAKERS
from ati.requests import selectors as request_selectors
from ati.requests.models import Attachment, InformationRequest, Message
from ati.requests.uploads import name_for_type

from .retention import Retention, retention_for

FORMAT = "ati-personal-data/1"
CHUNK = 1024 * 1024


@dataclass
class Archive:
    """A built archive: an open temporary file (deleted when closed) and what it holds."""

    file: IO[bytes]
    filename: str
    size: int
    counts: dict[str, int] = field(default_factory=dict)


class _Files:
    """The stored files to copy into the archive, each under a unique, safe name."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, Any]] = []  # (name in the archive, source)
        self._names: set[str] = set()

    def add(self, folder: str, name: str, source: Any) -> str:
        safe = re.sub(r"[^\w.\-]+", "_", name, flags=re.UNICODE).strip("._") or "file"
        path, n = f"{folder}/{safe}", 1
        while path in self._names:
            n += 1
            path = f"{folder}/{n}-{safe}"
        self._names.add(path)
        self.entries.append((path, source))
        return path


def _display(obj: Any, name: str) -> str:
    return str(getattr(obj, f"get_{name}_display")()) if getattr(obj, name) else ""


def _attachment(att: Attachment, user: Any, files: _Files, folder: str) -> dict[str, Any]:
    return {
        "kind": att.kind,
        "name": att.original_name,
        "content_type": att.content_type,
        "size": att.size,
        "sha256": att.sha256,
        "uploaded_at": att.uploaded_at,
        "uploaded_by_you": att.uploaded_by_id == user.pk,
        # Named after its content, like a download (files stored before issue 17 may not be).
        "file": files.add(folder, name_for_type(att.original_name, att.content_type), att),
    }


def _message(msg: Message, user: Any, files: _Files, folder: str) -> dict[str, Any]:
    return {
        "direction": msg.direction,
        "from": "you" if msg.author_id == user.pk else "the body",
        "text": msg.text,
        "created_at": msg.created_at,
        "attachments": [_attachment(a, user, files, folder) for a in msg.attachments.all()],
    }


def _timeline(user: Any, req: InformationRequest) -> list[dict[str, Any]]:
    entries = []
    for event in request_selectors.timeline(user, req):
        # As the request page shows it: the reason, except the computed ones.
        shown = event.action != "request.submitted" and not event.action.startswith(
            "request.answered."
        )
        entries.append(
            {
                "at": event.created_at,
                "action": event.action,
                "label": render_to_string("requests/_event.html", {"e": event}).strip(),
                "by_you": event.actor_id == user.pk,
                "reason": event.reason if shown else "",
            }
        )
    return entries


def _complaint(c: Complaint) -> dict[str, Any]:
    return {
        "ground": c.ground,
        "ground_label": _display(c, "ground"),
        "reasons": c.reasons,
        "state": c.state,
        "state_label": _display(c, "state"),
        "filed_at": c.filed_at,
        "last_day_to_complain": c.window_end,
        "decision_due": c.decision_due,
        "decision": c.decision_text,
        "decided_at": c.decided_at,
    }


def _appeal(a: Appeal) -> dict[str, Any]:
    # What the applicant sees on the appeal's page: not the commission's draft.
    return {
        "ground": a.ground,
        "reasons": a.reasons,
        "state": a.state,
        "state_label": _display(a, "state"),
        "filed_at": a.filed_at,
        "last_day_to_appeal": a.window_end,
        "decision_due": a.decision_due,
        "inadmissibility_reason": a.inadmissibility_reason,
        "inadmissibility_text": a.inadmissibility_text,
        "observations_asked": a.observations_note,
        "observations_due": a.observations_due,
        "observations": a.observations_text,
        "hearing_on": a.hearing_on,
        "hearing_minutes": a.hearing_minutes,
        "decision": a.decision,
        "decision_label": _display(a, "decision"),
        "decision_reasons": a.decision_reasons,
        "decision_number": a.decision_number,
        "decided_at": a.decided_at,
        "compliance_due": a.compliance_due,
        "compliance": a.compliance_note,
        "compliance_recorded_at": a.compliance_recorded_at,
    }


def _request(req: InformationRequest, user: Any, files: _Files) -> dict[str, Any]:
    folder = f"requests/{req.reference}"
    attachments = request_selectors.attachments_for(user, req).filter(message__isnull=True)
    return {
        "reference": req.reference,
        "body": {"code": req.body.code, "name": req.body.name},
        "channel": req.channel,
        "state": req.state,
        "state_label": _display(req, "state"),
        "submitted_at": req.submitted_at,
        "received_on": req.received_on,
        "response_due": req.response_due,
        "first_response_due": req.original_response_due,
        "extensions_used": req.extensions_used,
        "extension_reason": req.extension_reason,
        "applicant": {
            "first_name": req.applicant_first_name,
            "last_name": req.applicant_last_name,
            "postal_address": req.applicant_address,
            "identity_document": req.applicant_id_kind,
            "identity_document_number": req.applicant_id_number,
            "email": req.applicant_email,
            "telephone": req.applicant_phone,
            "language": req.language,
        },
        "subject": req.subject,
        "information_requested": req.information_requested,
        "form_of_delivery": req.delivery_form,
        "urgent": req.urgent,
        "why_urgent": req.urgency_reason,
        "clarification_asked": req.clarification_question,
        "clarification_given": req.clarification_answer,
        "outcome": req.outcome,
        "outcome_label": _display(req, "outcome"),
        "answer": req.answer_text,
        "what_is_withheld": req.withheld_description,
        "legal_grounds": [g.code for g in req.refusal_grounds.all()],
        "body_that_holds_the_information": req.holder_name,
        "cost_of_reproduction_mad": req.reproduction_cost,
        "answered_at": req.answered_at,
        "closed_at": req.closed_at,
        "transfer_reason": req.transfer_reason,
        "transferred_from": req.transferred_from.reference if req.transferred_from else None,
        "attachments": [_attachment(a, user, files, folder) for a in attachments],
        "messages": [
            _message(m, user, files, folder) for m in request_selectors.messages_for(user, req)
        ],
        "timeline": _timeline(user, req),
        "complaints": [_complaint(c) for c in req.complaints.order_by("filed_at", "pk")],
        "appeals": [_appeal(a) for a in req.appeals.order_by("filed_at", "pk")],
    }


def notices_of(user: Any) -> QuerySet[Notification]:
    """Every notice addressed to the account or to its e-mail address (e-mail-only ones too)."""
    return Notification.objects.filter(
        Q(recipient=user) | Q(recipient_email__iexact=user.email)
    ).order_by("created_at", "pk")


def _notice(n: Notification, files: _Files) -> dict[str, Any]:
    folder = f"notices/{n.pk}"
    return {
        "kind": n.kind,
        "email": n.recipient_email,
        "in_your_inbox": n.recipient_id is not None,
        "status": n.status,
        "subject": n.subject,
        "text": n.text_body,
        "created_at": n.created_at,
        "sent_at": n.sent_at,
        "read_at": n.read_at,
        "documents": [files.add(folder, a.name, a) for a in n.attachments.all()],
    }


def _activity(user: Any) -> Iterator[dict[str, Any]]:
    """What the audit log records of the account's own actions (with the address used)."""
    for event in AuditEvent.objects.filter(actor_id=user.pk).order_by("id").iterator():
        yield {
            "at": event.created_at,
            "action": event.action,
            "object": f"{event.object_type}:{event.object_id}",
            "ip_address": event.ip_address,
        }


def _retention(status: Retention) -> dict[str, Any]:
    return {
        "days_after_the_end_of_a_procedure": status.days,
        "may_be_erased_now": status.may_erase,
        "kept_at_least_until": status.kept_until,
        "a_procedure_still_runs": status.running,
        "requests_keeping_it": [
            {"reference": h.reference, "why": h.reason, "kept_until": h.kept_until}
            for h in status.holds
        ],
    }


def collect(user: Any, files: _Files) -> dict[str, Any]:
    """The JSON document of the archive (registering the files to copy in `files`)."""
    requests = (
        InformationRequest.objects.filter(applicant=user)
        .select_related("body", "transferred_from")
        .prefetch_related("refusal_grounds")
        .order_by("submitted_at", "pk")
    )
    return {
        "format": FORMAT,
        "generated_at": timezone.now(),
        "site": {"name": settings.ATI_SITE_NAME, "url": settings.ATI_SITE_URL},
        "account": {
            "id": user.pk,
            "email": user.email,
            "full_name": user.full_name,
            "role": user.role,
            "preferred_language": user.preferred_language,
            "email_verified": user.email_verified,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "retention": _retention(retention_for(user)),
        "erasure_requests": [
            {"state": e.state, "asked_on": e.requested_at, "not_before": e.not_before}
            for e in user.erasure_requests.all()
        ],
        "requests": [_request(req, user, files) for req in requests],
        "notices": [_notice(n, files) for n in notices_of(user).prefetch_related("attachments")],
        "activity": list(_activity(user)),
    }


def _copy(archive: zipfile.ZipFile, path: str, source: Any) -> bool:
    """Copy one stored file into the archive in chunks; False when it is missing."""
    if isinstance(source, NotificationAttachment) and not source.file:
        # A document made at delivery (the receipt) and not sent yet: made now, as it will be.
        maker = ATTACHMENT_MAKERS.get(source.maker)
        if maker is None:
            return False
        archive.writestr(path, maker(source.notification))
        return True
    try:
        handle = source.file.open("rb")
    except FileNotFoundError:
        return False
    with handle, archive.open(path, "w", force_zip64=True) as out:
        shutil.copyfileobj(handle, out, CHUNK)
    return True


def build_archive(user: Any, language: str) -> Archive:
    """Write the account's archive to a temporary file, ready to be streamed."""
    files = _Files()
    out = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the response that streams it
    with (
        translation.override(language),
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        data = collect(user, files)
        missing = [path for path, source in files.entries if not _copy(archive, path, source)]
        data["files_missing_from_storage"] = missing
        archive.writestr(
            "README.txt",
            render_to_string("personal_data/README.txt", {"data": data, "user": user}),
        )
        archive.writestr(
            "data.json",
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        )
    size = out.tell()
    out.seek(0)
    today = dt.date.isoformat(timezone.localdate())
    counts = {
        "requests": len(data["requests"]),
        "files": len(files.entries) - len(missing),
        "notices": len(data["notices"]),
    }
    return Archive(out, f"ati-personal-data-{today}.zip", size, counts)

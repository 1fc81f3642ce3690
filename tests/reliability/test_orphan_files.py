"""Files written by a transaction that rolls back: deleted with it, or swept later.

Each service that stores a file (attachments of a request, a message or an
answer; the answer and decision letters sent with notices; the library's PDF)
is made to fail after the file is on disk. Nothing may stay behind. What a
rollback cannot reach is left to `clean_orphan_files`, which removes a planted
orphan and leaves referenced and recent files alone.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import OperationalError, transaction

from ati.core import files
from ati.library import services as library
from ati.library.models import Publication
from ati.notifications.models import Notification, NotificationAttachment
from ati.requests import services
from ati.requests.models import Attachment, InformationRequest

from .conftest import submit

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
DAY = 24 * 3600


def upload(name: str = "piece.pdf") -> services.Upload:
    return services.Upload(io.BytesIO(PDF), name, len(PDF))


def stored(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def library_root():
    root = Path(Publication._meta.get_field("pdf").storage.location)
    before = set(stored(root)) if root.exists() else set()
    return root, before


def fail(monkeypatch, target: str, error: Exception | None = None) -> None:
    def broken(*args, **kwargs):
        raise error or OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(target, broken)


def test_a_submission_failing_after_its_attachment_was_stored_leaves_no_file(
    media, body, citizen, clock, monkeypatch
):
    fail(monkeypatch, "ati.requests.services.record")  # the audit write, after the file
    with pytest.raises(OperationalError):
        submit(body, citizen, attachments=[upload()])
    assert not InformationRequest.objects.exists() and not Attachment.objects.exists()
    assert stored(media) == []


def test_a_message_failing_after_its_attachment_was_stored_leaves_no_file(
    media, body, citizen, officer, clock, monkeypatch
):
    req = submit(body, citizen)
    kept = stored(media)
    fail(monkeypatch, "ati.requests.notify.message_posted")
    with pytest.raises(OperationalError):
        services.post_message(officer, req, text="Voici une pièce.", attachments=[upload()])
    assert stored(media) == kept and not Attachment.objects.exists()


def test_an_answer_failing_after_its_files_were_stored_leaves_none(
    media, body, citizen, officer, clock, monkeypatch
):
    """The answer's attachment and the answer letter stored with its notice both go."""
    req = submit(body, citizen)
    kept = stored(media)

    # The notice (with its letter) is the last write of the answer: fail right after it.
    original = services.notify.request_answered

    def letter_then_failure(r):
        original(r)
        assert NotificationAttachment.objects.filter(notification__related_id=r.pk).exists()
        raise OperationalError("lost the database after the files were written")

    monkeypatch.setattr(services.notify, "request_answered", letter_then_failure)
    with pytest.raises(OperationalError):
        services.answer(officer, req, outcome="granted", text="Voici.", attachments=[upload()])
    assert stored(media) == kept
    assert not Attachment.objects.exists()
    assert not Notification.objects.filter(kind="request.answered").exists()


def test_a_conflict_after_the_file_was_stored_leaves_no_file(
    media, body, citizen, officer, clock, monkeypatch
):
    """A 409 raised late in the transition (here by an answer hook) rolls the file back too."""
    from ati.core.errors import TransitionConflict

    req = submit(body, citizen)
    kept = stored(media)

    def conflicting_hook(actor, r):
        raise TransitionConflict("the commission's order changed meanwhile", state=r.state)

    monkeypatch.setattr(services, "ANSWER_HOOKS", [*services.ANSWER_HOOKS, conflicting_hook])
    with pytest.raises(TransitionConflict):
        services.answer(officer, req, outcome="granted", text="Voici.", attachments=[upload()])
    assert stored(media) == kept


def test_a_decision_letter_stored_with_its_notice_goes_if_the_decision_rolls_back(
    media, monkeypatch
):
    """As in the appeals' frame: a notice with the decision PDF, then a failure."""

    class Boom(Exception):
        pass

    from ati.notifications.services import queue_notification

    with pytest.raises(Boom), files.atomic():
        queue_notification(
            "appeals.decided",
            email="amina@example.org",
            attachments=[("decision-CDAI-2026-0001.pdf", PDF, "application/pdf")],
        )
        assert stored(media)  # the letter is on disk, inside the transaction
        raise Boom
    assert stored(media) == []


def test_a_savepoint_rolled_back_inside_a_committed_transaction_loses_only_its_files(media):
    attachment = NotificationAttachment
    with files.atomic():
        first = Notification.objects.create(recipient_email="a@example.org", dedup_key="k1")
        files.save(attachment(notification=first, name="a.pdf").file, "a.pdf", ContentFile(PDF))
        try:
            with files.atomic():
                second = Notification.objects.create(
                    recipient_email="b@example.org", dedup_key="k2"
                )
                files.save(
                    attachment(notification=second, name="b.pdf").file, "b.pdf", ContentFile(PDF)
                )
                raise ValueError("refused late")
        except ValueError:
            pass
    assert stored(media) == [f"notifications/{first.pk}/a.pdf"]


@pytest.mark.django_db(transaction=True)
def test_an_error_in_a_later_commit_callback_does_not_delete_committed_files(media):
    class AfterCommit(Exception):
        pass

    def boom():
        raise AfterCommit

    with pytest.raises(AfterCommit), files.atomic():
        notice = Notification.objects.create(recipient_email="a@example.org", dedup_key="k1")
        files.save(
            NotificationAttachment(notification=notice, name="a.pdf").file,
            "a.pdf",
            ContentFile(PDF),
        )
        transaction.on_commit(boom)
    assert stored(media) == [f"notifications/{notice.pk}/a.pdf"]  # committed: kept


def prepared(pub):
    """The proposal as the worker leaves it after the commit: redactions detected."""
    library.prepare_publication(pub.pk)
    pub.refresh_from_db()
    return pub


def test_a_publication_failing_after_its_pdf_was_made_leaves_no_pdf(
    library_root, answered_for_library, officer, monkeypatch
):
    root, before = library_root
    pub = prepared(library.propose_from_request(officer, answered_for_library()))
    fail(monkeypatch, "ati.library.services.search.index_publication")
    with pytest.raises(OperationalError):
        library.approve_and_publish(officer, pub)
    assert set(stored(root)) == before


def test_an_unpublication_that_rolls_back_keeps_its_pdf(
    answered_for_library, officer, monkeypatch, django_capture_on_commit_callbacks
):
    pub = library.approve_and_publish(
        officer, prepared(library.propose_from_request(officer, answered_for_library()))
    )
    path = Path(pub.pdf.path)
    assert path.exists()
    fail(monkeypatch, "ati.workflow.record")  # the frame writes the audit event
    with pytest.raises(OperationalError):
        library.unpublish(officer, pub, "Publié par erreur.")
    pub.refresh_from_db()
    assert pub.pdf and path.exists()  # the row still points to it, and it is there
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        library.unpublish(officer, pub, "Publié par erreur.")
    assert not path.exists()  # deleted once the withdrawal committed


@pytest.fixture
def answered_for_library(body, citizen, officer, clock):
    def _answered():
        req = submit(body, citizen)
        return services.answer(
            officer, req, outcome="granted", text="Le budget exécuté figure en annexe."
        )

    return _answered


# --- the daily clean-up --------------------------------------------------------------------
def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def plant(root: Path, name: str, seconds_old: float) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(PDF)
    age(path, seconds_old)
    return path


def test_clean_orphan_files_removes_old_orphans_and_leaves_the_rest(
    media, body, citizen, clock, library_root
):
    library_dir, _ = library_root
    req = submit(body, citizen, attachments=[upload()])
    referenced = media / req.attachments.get().file.name
    age(referenced, 3 * DAY)  # old, but a row points to it
    orphans = [
        plant(media, f"requests/{req.pk}/left-by-a-rollback", 2 * DAY),
        plant(media, "notifications/999999/recepisse-DAI-2026-99999.pdf", 2 * DAY),
        plant(library_dir, "999999/publication-999999.pdf", 2 * DAY),
    ]
    fresh = plant(media, f"requests/{req.pk}/written-a-minute-ago", 60)

    dry = io.StringIO()
    call_command("clean_orphan_files", "--dry-run", stdout=dry)
    lines = dry.getvalue().splitlines()
    assert lines[-1] == "removed: 3" and "dry run: nothing removed" in lines
    assert all(p.exists() for p in orphans)

    out = io.StringIO()
    call_command("clean_orphan_files", stdout=out)
    text = out.getvalue()
    assert text.splitlines()[-1] == "removed: 3"
    assert "request attachments (requests/): 3 files, 1 orphaned, 1 too recent to judge" in text
    assert not any(p.exists() for p in orphans)
    assert referenced.exists() and fresh.exists()

    again = io.StringIO()
    call_command("clean_orphan_files", stdout=again)
    assert again.getvalue().splitlines()[-1] == "removed: 0"


def test_the_grace_period_is_at_least_an_hour(media):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("clean_orphan_files", "--grace-hours", "0.1", stdout=io.StringIO())


def test_beat_runs_the_clean_up_daily(settings, media):
    from ati.core.tasks import clean_orphan_files
    from ati.notifications.models import JobRun

    assert settings.CELERY_BEAT_SCHEDULE["clean-orphan-files"] == {
        "task": "core.clean_orphan_files",
        "schedule": 86400.0,
    }
    plant(media, "requests/1/orphan", dt.timedelta(days=2).total_seconds())
    assert clean_orphan_files() == 1
    assert JobRun.objects.get(name="clean_orphan_files").last_result == "removed: 1"

"""Proposals are prepared by the Celery worker: web processes never load the French name model.

Proposing records the text and the proposer and leaves the document `preparing`; the task
queued after the commit (or the periodic job, when the task was lost or its worker died)
detects the redactions, once, and moves it to review. A failure is shown and can be retried.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from ati.audit.models import AuditEvent
from ati.core.errors import TransitionConflict
from ati.library import services, tasks
from ati.library.models import Publication, PublicationState
from ati.notifications.models import JobRun

UNTITLED = "Le dossier de Karim Alaoui, CIN AB123456, est complet."


@pytest.fixture
def proposed(officer, body):
    """A French Article 10 proposal whose preparation task never ran (in a test, nothing runs
    after a commit unless asked): as after a lost task."""

    def _proposed(text=UNTITLED, title="Le dossier de Karim Alaoui", language="fr"):
        return services.propose_proactive(
            officer, body, category="reports", title=title, text=text, language=language
        )

    return _proposed


def _events(pub: Publication, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, object_id=str(pub.pk)))


def test_proposing_records_the_text_and_proposer_and_queues_the_preparation_after_commit(
    officer, body, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        pub = services.propose_proactive(
            officer, body, category="reports", title="Rapport", text=UNTITLED
        )
    pub.refresh_from_db()
    assert pub.state == PublicationState.PREPARING
    assert (pub.original_text, pub.proposed_by, pub.redactions) == (UNTITLED, officer, [])
    assert len(callbacks) == 1  # the task, published only once the proposal is committed
    [event] = _events(pub, "publication.proposed")
    assert event.actor_id == officer.pk and event.after["state"] == "preparing"
    # Redacted by the rules only so far, the title stays out of the append-only log.
    assert "title" not in event.after


def test_the_worker_task_finds_a_name_without_a_title(proposed):
    pub = proposed()
    # At proposal, in the web process, the title was redacted by the rules alone.
    assert pub.title == "Le dossier de Karim Alaoui"
    assert tasks.prepare_publication(pub.pk) == PublicationState.IN_REVIEW
    pub.refresh_from_db()
    by_text = {r["original"]: r for r in pub.redactions}
    assert by_text["Karim Alaoui"]["source"] == "ner"  # only the model finds it
    assert by_text["AB123456"]["category"] == "cin"
    # The worker redacts it again, with the model.
    assert pub.title == "Le dossier de [nom masqué]"
    assert pub.prepared_at is not None and pub.preparation_error == ""
    [event] = _events(pub, "publication.prepared")
    assert event.actor_id is None and event.after == {
        "state": "in_review",
        "redactions": 2,
        "category": "reports",
        "title": "Le dossier de [nom masqué]",
    }


def test_a_task_run_twice_gives_one_set_of_redactions(proposed):
    pub = proposed()
    assert tasks.prepare_publication(pub.pk) == PublicationState.IN_REVIEW
    first = Publication.objects.get(pk=pub.pk).redactions
    assert tasks.prepare_publication(pub.pk) == ""  # nothing left to do
    assert services.prepare_pending() == {}
    assert Publication.objects.get(pk=pub.pk).redactions == first
    assert len(_events(pub, "publication.prepared")) == 1


def test_a_worker_killed_mid_task_is_replaced_once_its_claim_expires(proposed):
    pub = proposed()
    assert services.claim_preparation(pub.pk)  # a worker takes it… and dies
    assert tasks.prepare_publication(pub.pk) == ""  # the redelivered message: still claimed
    assert services.prepare_pending() == {}
    later = timezone.now() + dt.timedelta(seconds=services.PREPARATION_CLAIM_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        assert tasks.prepare_pending() == {"in_review": 1}
    pub.refresh_from_db()
    assert pub.state == PublicationState.IN_REVIEW and pub.preparation_attempts == 2
    assert [r["original"] for r in pub.redactions] == ["Karim Alaoui", "AB123456"]
    assert JobRun.objects.get(name="prepare_publications").last_result == "in_review: 1"
    out = io.StringIO()
    call_command("jobs_status", stdout=out)
    assert "library proposals preparing: 0 (oldest: -)" in out.getvalue()
    assert "last run prepare_publications:" in out.getvalue()


def test_a_worker_that_dies_every_time_leaves_a_visible_failure_not_a_stuck_proposal(proposed):
    pub = proposed()
    now = timezone.now()
    for attempt in range(services.PREPARATION_MAX_ATTEMPTS):
        moment = now + attempt * dt.timedelta(seconds=services.PREPARATION_CLAIM_SECONDS + 1)
        assert services.claim_preparation(pub.pk, moment)  # killed each time
    later = now + 10 * dt.timedelta(seconds=services.PREPARATION_CLAIM_SECONDS)
    with time_machine.travel(later, tick=False):
        assert services.prepare_pending() == {"preparation_failed": 1}
    pub.refresh_from_db()
    assert pub.state == PublicationState.PREPARATION_FAILED
    assert "stopped 3 times" in pub.preparation_error
    out = io.StringIO()
    call_command("jobs_status", stdout=out)
    assert "library proposals whose preparation failed (retry from the review page): 1" in (
        out.getvalue()
    )
    assert len(_events(pub, "publication.preparation_failed")) == 1


def test_a_lost_task_is_prepared_by_the_periodic_job(proposed):
    pub = proposed()  # its task was never published (broker down, or lost)
    assert Publication.objects.get(pk=pub.pk).state == PublicationState.PREPARING
    assert tasks.prepare_pending() == {"in_review": 1}
    assert Publication.objects.get(pk=pub.pk).state == PublicationState.IN_REVIEW
    assert "prepare-publications" not in settings.CELERY_BEAT_SCHEDULE  # named by its task:
    assert {"task": "library.prepare_pending", "schedule": 60.0} in (
        settings.CELERY_BEAT_SCHEDULE.values()
    )


def test_a_broker_down_never_fails_the_proposal(
    officer, body, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379")

    monkeypatch.setattr(tasks.prepare_publication, "apply_async", down)
    with (
        caplog.at_level(logging.WARNING, logger="ati.library.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        pub = services.propose_proactive(
            officer, body, category="reports", title="Rapport", text=UNTITLED
        )
    assert Publication.objects.get(pk=pub.pk).state == PublicationState.PREPARING
    assert "waits for prepare_pending" in caplog.text
    assert services.prepare_pending() == {"in_review": 1}


def test_no_task_is_published_for_a_proposal_prepared_before_its_commit(
    officer, body, monkeypatch, django_capture_on_commit_callbacks
):
    """seed_demo prepares its documents in-process: the demo's worker gets no message for them."""
    published = []
    monkeypatch.setattr(
        tasks.prepare_publication, "apply_async", lambda *a, **kw: published.append(a)
    )
    with django_capture_on_commit_callbacks(execute=True):
        pub = services.propose_proactive(
            officer, body, category="reports", title="Rapport", text=UNTITLED
        )
        services.prepare_publication(pub.pk)
        waiting = services.propose_proactive(
            officer, body, category="reports", title="Autre", text=UNTITLED
        )
    assert published == [((waiting.pk,),)]


def test_a_failed_detection_is_shown_and_the_officer_tries_again(
    client, proposed, officer, monkeypatch, django_capture_on_commit_callbacks
):
    pub = proposed()

    def broken(publication):
        raise RuntimeError("the model's vocabulary is corrupt")

    with monkeypatch.context() as patch:
        patch.setattr(services, "detect_redactions", broken)
        assert tasks.prepare_publication(pub.pk) == PublicationState.PREPARATION_FAILED
    pub.refresh_from_db()
    assert pub.preparation_error == "RuntimeError: the model's vocabulary is corrupt"
    client.force_login(officer)
    client.cookies["django_language"] = "en"
    page = client.get(f"/library/{pub.pk}/review/").content.decode()
    assert "The redactions could not be prepared." in page
    assert "the model&#x27;s vocabulary is corrupt" in page
    assert 'name="action" value="retry"' in page and 'value="approve"' not in page
    queue = client.get("/library/review/").content.decode()
    assert "preparation failed: try again" in queue
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/library/{pub.pk}/review/", {"action": "retry"})
    assert response.status_code == 302
    pub.refresh_from_db()
    assert pub.state == PublicationState.IN_REVIEW and len(pub.redactions) == 2
    [retried] = _events(pub, "publication.preparation_retried")
    assert retried.actor_id == officer.pk
    assert [e.action for e in AuditEvent.objects.filter(object_id=str(pub.pk))] == [
        "publication.proposed",
        "publication.preparation_failed",
        "publication.preparation_retried",
        "publication.prepared",
    ]


def test_only_a_reviewer_retries_and_only_a_failed_preparation(proposed, citizen, officer):
    pub = proposed()
    with pytest.raises(TransitionConflict):
        services.retry_preparation(officer, pub)  # still preparing: nothing to retry
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.retry_preparation(citizen, pub)


def test_nothing_can_be_approved_or_edited_before_the_redactions_exist(client, proposed, officer):
    pub = proposed()
    with pytest.raises(TransitionConflict):
        services.approve_and_publish(officer, pub)
    with pytest.raises(TransitionConflict):
        services.add_redaction(officer, pub, phrase="dossier")
    client.force_login(officer)
    response = client.post(
        f"/library/{pub.pk}/review/", {"action": "approve", "title": "Titre", "confirm": "on"}
    )
    assert response.status_code == 409
    assert Publication.objects.get(pk=pub.pk).state == PublicationState.PREPARING


@pytest.mark.parametrize(
    ("language", "says", "direction"),
    [
        ("fr", "Les occultations sont en cours de préparation.", "ltr"),
        ("ar", "يجري إعداد المقاطع المحجوبة.", "rtl"),
        ("en", "The redactions are being prepared.", "ltr"),
    ],
)
def test_the_review_page_of_a_proposal_being_prepared_says_so_and_updates_itself(
    client, proposed, officer, language, says, direction
):
    pub = proposed()
    client.force_login(officer)
    client.cookies["django_language"] = language
    page = client.get(f"/library/{pub.pk}/review/").content.decode()
    assert says in page and f'dir="{direction}"' in page
    assert 'data-refresh-seconds="5"' in page  # static/js/refresh-when-prepared.js reloads it
    assert '<script src="/static/js/refresh-when-prepared.js" defer></script>' in page
    assert f'href="/library/{pub.pk}/review/"' in page  # "refresh now", without the script
    assert 'value="approve"' not in page and 'value="add"' not in page
    assert 'http-equiv="refresh"' not in page  # a timed reload fails WCAG 2.2.1
    queue = client.get("/library/review/").content.decode()
    assert f"/library/{pub.pk}/review/" in queue and 'class="badge preparing"' in queue
    tasks.prepare_publication(pub.pk)
    ready = client.get(f"/library/{pub.pk}/review/").content.decode()
    assert "data-refresh-seconds" not in ready and 'value="approve"' in ready


def test_a_title_changed_at_approval_is_redacted_without_the_model(proposed, officer, monkeypatch):
    pub = proposed(title="Rapport")
    tasks.prepare_publication(pub.pk)

    def refuse(text):
        raise AssertionError("the French model ran in a web request")

    from ati.library import anonymise

    monkeypatch.setattr(anonymise, "_model_persons", refuse)
    pub = services.approve_and_publish(officer, pub, title="Dossier de Karim Alaoui")
    # The name the worker found in the text is redacted in the new title too.
    assert pub.title == "Dossier de [nom masqué]"


WEB_PROCESS = r"""
import os, subprocess, sys, tempfile
import pytest  # noqa: F401 - settings serve static files as under pytest (no manifest)
var = tempfile.mkdtemp()
os.environ.update(
    ATI_VAR_DIR=var,
    DATABASE_URL=f"sqlite:///{var}/web.sqlite3",
    CELERY_BROKER_URL="memory://",
    CELERY_TASK_ALWAYS_EAGER="0",  # a web process queues; the worker is another process
    ALLOWED_HOSTS="testserver",
)
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.test import Client
from ati.library.models import Publication
from ati.requests import services as request_services
from tests.factories import PublicBodyFactory, UserFactory, member
from tests.requests.conftest import applicant_details, request_details

body = PublicBodyFactory()
officer, citizen = member("officer", body), UserFactory(role="citizen")
req = request_services.submit_request(
    citizen, body=body, applicant=applicant_details(email=citizen.email),
    details=request_details(),
)
request_services.answer(
    officer, req, outcome="granted", text="Le dossier de Karim Alaoui est joint."
)
web = Client()
web.force_login(officer)
assert web.post(f"/library/propose/{req.reference}/").status_code == 302
assert web.post("/library/new/", {
    "body": body.pk, "category": "reports", "language": "fr", "title": "Rapport de Zineb Lamrani",
    "text": "Zineb Lamrani a rédigé ce rapport.",
}).status_code == 302
for pub in Publication.objects.all():
    assert pub.state == "preparing", pub.state
    assert web.get(f"/library/{pub.pk}/review/").status_code == 200
assert web.get("/library/review/").status_code == 200
print("web", "spacy" in sys.modules, flush=True)

# The worker: another process, on the same database.
worker = subprocess.run(
    [sys.executable, "-c", "import django; django.setup(); import sys; "
     "from ati.library.tasks import prepare_pending; print(prepare_pending()); "
     "print('worker', 'spacy' in sys.modules)"],
    capture_output=True, text=True, timeout=300,
)
print(worker.stdout.strip(), worker.stderr[-2000:] if worker.returncode else "", flush=True)

for pub in Publication.objects.all():
    assert pub.state == "in_review", pub.state
    assert "ner" in {r["source"] for r in pub.redactions}, pub.redactions
    page = web.get(f"/library/{pub.pk}/review/")
    assert page.status_code == 200
    review = f"/library/{pub.pk}/review/"
    added = {"action": "add", "start": "0", "end": "2", "category": "other"}
    assert web.post(review, added).status_code == 302
    assert web.post(review, {"action": "remove", "index": "1"}).status_code == 302  # it, again
    name = "Karim Alaoui" if "Alaoui" in pub.original_text else "Zineb Lamrani"
    assert web.post(review, {
        "action": "approve", "title": f"Dossier de {name}", "confirm": "on",
    }).status_code == 302
    pub.refresh_from_db()
    # A new title is redacted without the model, with the names the worker found.
    assert pub.state == "published" and pub.title == "Dossier de [nom masqué]", pub.title
print("web", "spacy" in sys.modules, flush=True)
"""


def test_web_views_for_proposing_and_reviewing_never_import_spacy():
    """A gunicorn worker proposes, shows and approves; only the Celery worker loads the model.

    Two real processes on one SQLite database, with the real model installed: the web one
    serves the proposal (from a request and of the body's own motion), the review pages, the
    queue, redactions and approval; the worker one prepares the redactions in between.
    """
    out = subprocess.run(
        [sys.executable, "-c", WEB_PROCESS],
        cwd=Path(settings.BASE_DIR),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-4000:]
    lines = out.stdout.split("\n")
    assert "web False" in lines[0]
    assert "{'in_review': 2}" in out.stdout and "worker True" in out.stdout, out.stdout
    assert lines[-2] == "web False", out.stdout

"""A real Celery worker process on the real Redis: the outbox end to end.

The test database is shared with the worker, so this runs in the PostgreSQL
pass of `make test` (see `tests/jobs/worker.py`).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from ati.notifications.models import Notification
from ati.notifications.sweep import sweep
from ati.requests import services
from ati.requests.models import InformationRequest
from ati.requests.sweep import DEEMED_REFUSAL, ESCALATION
from tests.notifications.conftest import use_broker
from tests.requests.conftest import applicant_details, request_details

from .worker import (
    REDIS_URL,
    redis_or_skip,
    server_database_url_or_skip,
    start_worker,
    wait_for,
    wait_until_sent,
)

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(tmp_path):
    database_url = server_database_url_or_skip()
    redis_or_skip(REDIS_URL)
    process = start_worker(
        {
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": REDIS_URL,
            "ATI_VAR_DIR": str(tmp_path),
            "ATI_MEDIA_ROOT": str(settings.MEDIA_ROOT),  # the attachments this process stored
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        },
        tmp_path / "worker.log",
    )
    use_broker(REDIS_URL, eager=False)
    try:
        yield tmp_path / "mail"
    finally:
        use_broker("memory://", eager=True)
        process.stop()


def test_a_worker_on_redis_delivers_event_and_sweep_notices_once(
    worker, body, officer, head, citizen
):
    req = services.submit_request(
        citizen,
        body=body,
        applicant=applicant_details(email=citizen.email),
        details=request_details(),
    )
    # After commit, `deliver` went through Redis to the worker.
    wait_until_sent(Notification.objects.filter(related_id=req.pk), 2)

    # The due date passes: the sweep escalates to the head and tells the applicant.
    InformationRequest.objects.filter(pk=req.pk).update(
        response_due=timezone.localdate() - dt.timedelta(days=3)
    )
    assert InformationRequest.objects.overdue().filter(pk=req.pk).exists()
    assert sweep().queued == 2
    assert sweep().queued == 0
    notices = Notification.objects.filter(related_id=req.pk, kind__in=[ESCALATION, DEEMED_REFUSAL])
    sent = wait_until_sent(notices, 2)
    assert {(n.kind, n.recipient_email) for n in sent} == {
        (ESCALATION, head.email),
        (DEEMED_REFUSAL, citizen.email),
    }

    everything = Notification.objects.exclude(recipient_email="")
    files = sorted(worker.glob("*.log"))
    mails = "".join(f.read_text() for f in files)
    assert mails.count("\nMessage-ID: ") == everything.count() == 4  # nothing sent twice
    assert "ce silence vaut refus" in mails  # the applicant's notice, in French
    assert settings.CELERY_BROKER_URL  # the test process itself stays configured


def test_a_worker_on_redis_prepares_a_proposal_with_the_french_name_model(worker, body, officer):
    """The web side only queues; the worker process loads the model and finds the name."""
    from ati.library import services as library
    from ati.library.models import Publication, PublicationState

    pub = library.propose_proactive(
        officer,
        body,
        category="reports",
        title="Le dossier de Karim Alaoui",
        text="Le dossier de Karim Alaoui, CIN AB123456, est complet.",
    )
    assert pub.state == PublicationState.PREPARING

    def prepared() -> bool:
        pub.refresh_from_db()
        return pub.state != PublicationState.PREPARING

    # The worker's first French text loads the model: up to two minutes on a loaded machine.
    wait_for(prepared, "the proposal prepared by the worker", timeout=120)
    assert pub.state == PublicationState.IN_REVIEW, pub.preparation_error
    assert {r["original"]: r["source"] for r in pub.redactions} == {
        "Karim Alaoui": "ner",
        "AB123456": "pattern",
    }
    assert pub.title == "Le dossier de [nom masqué]"
    assert Publication.objects.filter(state=PublicationState.PREPARING).count() == 0

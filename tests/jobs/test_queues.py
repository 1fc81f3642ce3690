"""Every task goes to one of four queues, and every worker we start consumes all four.

`mail` (e-mails and webhooks), `documents` (library proposals: OCR and the name model),
`notices` (a submission's receipt and officers' notice written) and `default` (the rest)
keep a slow OCR job from delaying a receipt, and a peak of submissions the audit sealer
(docs/jobs.md, "Queues"). A task without a route would land in `default`
silently: each one is named in CELERY_TASK_ROUTES, so that a new task is a decision.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from django.conf import settings

from ati.celery import app

from .worker import ROOT, worker_command

QUEUES = set(settings.ATI_TASK_QUEUES)


def project_tasks() -> dict[str, str]:
    """Every task of the project, by name: its module (Celery's own `celery.*` left out)."""
    app.loader.import_default_modules()  # what a worker imports at start (autodiscovery)
    return {
        name: task.__module__
        for name, task in app.tasks.items()
        if not name.startswith("celery.") and task.__module__.startswith("ati.")
    }


def queue_of(name: str) -> str:
    """The queue the app's router sends this task to, as `apply_async` and beat do."""
    return str(app.amqp.router.route({}, name)["queue"].name)


def test_the_four_queues_are_the_workers_queues():
    assert set(settings.ATI_TASK_QUEUES) == {"default", "mail", "documents", "notices"}
    assert settings.CELERY_TASK_DEFAULT_QUEUE == "default"
    # A worker started without -Q (an operator's old command line) consumes all four.
    assert set(app.amqp.queues) == QUEUES


def test_every_task_of_the_project_is_routed_to_a_known_queue():
    tasks = project_tasks()
    assert len(tasks) >= 14, sorted(tasks)
    unrouted = sorted(set(tasks) - set(settings.CELERY_TASK_ROUTES))
    assert not unrouted, f"add these tasks to CELERY_TASK_ROUTES (ati/settings.py): {unrouted}"
    stale = sorted(set(settings.CELERY_TASK_ROUTES) - set(tasks))
    assert not stale, f"routes for tasks that do not exist: {stale}"
    assert {name: queue_of(name) for name in tasks} == {
        name: route["queue"] for name, route in settings.CELERY_TASK_ROUTES.items()
    }
    assert {queue_of(name) for name in tasks} <= QUEUES
    # Every periodic task goes where its route says, too.
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in tasks


def test_mail_documents_submission_notices_and_the_sealer_never_share_a_queue():
    mail = {"notifications.deliver", "notifications.deliver_many", "notifications.deliver_pending"}
    documents = {"library.prepare_publication", "library.prepare_pending"}
    # One task per submission: at a national peak they backlog, and the sealer, every
    # second, must not wait behind them (docs/deployment.md, "Workers per queue").
    notices = {"requests.send_submission_notices", "requests.send_pending_submission_notices"}
    default = {"audit.seal", "notifications.sweep_deadlines", "stats.refresh_stats"}
    assert {queue_of(n) for n in mail} == {"mail"}
    assert {queue_of(n) for n in documents} == {"documents"}
    assert {queue_of(n) for n in notices} == {"notices"}
    assert {queue_of(n) for n in default} == {"default"}


def consumed_queues(argv: list[str]) -> set[str]:
    """The queues a `celery worker` command line consumes: those of -Q a,b (--queues=a,b),
    else every queue the app declares (CELERY_TASK_QUEUES), as Celery does."""
    for i, arg in enumerate(argv):
        if arg in {"-Q", "--queues"}:
            return set(argv[i + 1].split(","))
        if arg.startswith("--queues="):
            return set(arg.removeprefix("--queues=").split(","))
        if arg.startswith("-Q"):
            return set(arg.removeprefix("-Q").split(","))
    return set(app.amqp.queues)


def script_worker_commands(path: Path) -> list[list[str]]:
    """Each `celery … worker` command of a shell script, continuation lines joined."""
    text = path.read_text().replace("\\\n", " ")
    commands = []
    for line in text.splitlines():
        if re.search(r"celery\b.*\bworker\b", line) and not line.lstrip().startswith("#"):
            commands.append(shlex.split(line.split("&", 1)[0], comments=True))
    return commands


def test_the_demo_and_test_workers_name_every_queue():
    """`make demo`'s worker and the tests' name the four queues on their command line."""
    (demo,) = script_worker_commands(ROOT / "scripts" / "demo")
    for argv in (demo, worker_command(), worker_command("tests.reliability.faults", "w1")):
        assert any(a in {"-Q", "--queues"} or a.startswith(("-Q", "--queues=")) for a in argv)
        assert consumed_queues(argv) == QUEUES, argv


def test_every_worker_a_script_starts_consumes_every_queue():
    scripts = [p for p in sorted((ROOT / "scripts").iterdir()) if p.is_file()]
    commands = [argv for path in scripts for argv in script_worker_commands(path)]
    assert len(commands) >= 2, "the demo's worker and the layout trial's"
    for argv in commands:
        assert consumed_queues(argv) == QUEUES, argv


def test_jobs_status_says_what_waits_in_each_queue(db):
    """Operators see a backlog per queue: OCR piling up in `documents` leaves `mail` empty."""
    import io

    from django.core.management import call_command

    from tests.notifications.conftest import use_broker

    use_broker("memory://", eager=False)
    try:
        app.send_task("library.prepare_publication", (1,))
        app.send_task("library.prepare_publication", (2,))
        app.send_task("notifications.deliver", (3,))
        out = io.StringIO()
        call_command("jobs_status", stdout=out)
        lines = out.getvalue().splitlines()
        with app.connection_for_write() as conn, conn.channel() as channel:
            for name in QUEUES:
                channel.queue_purge(name)
    finally:
        use_broker("memory://", eager=True)
    queues = {line.split(":")[0]: line for line in lines if line.startswith("queue ")}
    assert set(queues) == {f"queue {name}" for name in QUEUES}
    assert queues["queue documents"].startswith("queue documents: 2 waiting; library.")
    assert queues["queue mail"].startswith("queue mail: 1 waiting; notifications.deliver")
    assert queues["queue default"].startswith("queue default: 0 waiting; ")
    assert "audit.seal" in queues["queue default"]

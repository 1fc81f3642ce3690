from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsConfig(AppConfig):
    name = "ati.requests"
    label = "requests"
    verbose_name = _("Information requests")

    def ready(self) -> None:
        # When the calendar changes, the due dates of open requests are recomputed.
        from ati.law.recompute import register_deadline_holder

        from .services import recompute_due_dates

        register_deadline_holder(recompute_due_dates)

        from ati.core.files import FileArea, register_file_area

        register_file_area(
            FileArea("request attachments", "requests", (("requests.Attachment", "file"),))
        )

        # The deadline sweep's reminders, escalations and deemed refusals, and their texts.
        from ati.notifications.sweep import register_sweeper

        from . import notices  # noqa: F401  (registers the notices' renderers)
        from .sweep import RequestDeadlines

        register_sweeper(RequestDeadlines())

        # Webhook events: from the audit event of every change, and from the deadline sweep.
        from ati.audit.services import register_record_hook

        from .webhooks import DueSoonWebhooks, on_audit_event

        register_record_hook(on_audit_event)

        # Submissions whose notices the worker has not written yet, in jobs_status.
        from ati.notifications.status import register_reporter

        from .selectors import submission_notices_backlog

        register_reporter(submission_notices_backlog)

        from . import tasks  # noqa: F401  (registers the tasks in every process)

        register_sweeper(DueSoonWebhooks())

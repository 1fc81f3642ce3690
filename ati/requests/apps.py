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

        from ati.core.demo import DEMO_STEPS

        from .demo import seed_requests

        if seed_requests not in DEMO_STEPS:
            DEMO_STEPS.append(seed_requests)

        # Webhook events: from the audit event of every change, and from the deadline sweep.
        from ati.audit.services import register_record_hook
        from ati.notifications.sweep import register_sweeper

        from .webhooks import DueSoonWebhooks, on_audit_event

        register_record_hook(on_audit_event)
        register_sweeper(DueSoonWebhooks())

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "ati.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Its tasks, registered in every process: the services queue them by name.
        from ati.accounts.services import VERIFICATION_SENDERS
        from ati.core.files import FileArea, register_file_area
        from ati.core.jobs import register_recorder

        from . import tasks  # noqa: F401
        from .accounts import send_verification
        from .services import job_run

        # Registration's e-mail confirmation goes through the outbox.
        if send_verification not in VERIFICATION_SENDERS:
            VERIFICATION_SENDERS.append(send_verification)

        # A webhook endpoint added, changed or removed is seen at once in this process.
        from django.db.models.signals import post_delete, post_save

        from .models import WebhookEndpoint
        from .webhooks import forget_endpoints

        post_save.connect(forget_endpoints, sender=WebhookEndpoint, dispatch_uid="ati-webhooks")
        post_delete.connect(forget_endpoints, sender=WebhookEndpoint, dispatch_uid="ati-webhooks-d")

        # The core's periodic jobs (the orphaned files' clean-up) are recorded in JobRun too.
        register_recorder(job_run)

        # Receipts and letters sent with notices (ati/core/files.py cleans orphans).
        register_file_area(
            FileArea(
                "notice attachments",
                "notifications",
                (("notifications.NotificationAttachment", "file"),),
            )
        )

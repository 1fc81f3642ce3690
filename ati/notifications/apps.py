from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "ati.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Registers the renderers of the sweep's notices (and the request sweeper).
        from ati.core.files import FileArea, register_file_area

        from . import notices  # noqa: F401

        # Receipts and letters sent with notices (ati/core/files.py cleans orphans).
        register_file_area(
            FileArea(
                "notice attachments",
                "notifications",
                (("notifications.NotificationAttachment", "file"),),
            )
        )

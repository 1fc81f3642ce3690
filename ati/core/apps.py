from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ati.core"
    label = "core"
    verbose_name = _("Site")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import checks  # noqa: F401  (registers the deploy checks)
        from .security import shorten_staff_session

        user_logged_in.connect(shorten_staff_session, dispatch_uid="ati-staff-session")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ati.core"
    label = "core"
    verbose_name = _("Site")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deploy checks)

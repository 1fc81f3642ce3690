from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BodiesConfig(AppConfig):
    name = "ati.bodies"
    label = "bodies"
    verbose_name = _("Public bodies")

    def ready(self) -> None:
        # "When is my answer due?" (ati.law) offers the active bodies.
        from ati.law.forms import BODY_CHOICES

        from .selectors import active_bodies

        if active_bodies not in BODY_CHOICES:
            BODY_CHOICES.append(active_bodies)

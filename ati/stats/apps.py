from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "ati.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        # The complaints', appeals' and compliance figures come from the appeals app, below.
        from ati.appeals.figures import appeal_figures

        from .appeals import register_provider

        register_provider(appeal_figures)

        # A public body's page (ati.bodies, below) shows its figures.
        from ati.bodies.views import BODY_PANELS

        from .panels import body_figures_panel

        if body_figures_panel not in BODY_PANELS:
            BODY_PANELS.append(body_figures_panel)

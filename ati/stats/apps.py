from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "ati.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from ati.core.demo import DEMO_STEPS

        from .demo import seed_history

        if seed_history not in DEMO_STEPS:
            DEMO_STEPS.append(seed_history)

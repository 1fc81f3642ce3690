from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo data (`seed_demo`) and the load generator (`generate_load_data`).

    The top layer (docs/architecture.md): it builds through every app's services and
    models, and no other app imports it.
    """

    name = "ati.demo"
    label = "demo"
    verbose_name = _("Demo data")

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data (`seed_demo`) and the load generator (`generate_load_data`).

    The top layer (docs/architecture.md): it builds through every app's services and
    models, and no other app imports it. No models, so no name in the admin.
    """

    name = "ati.demo"
    label = "demo"

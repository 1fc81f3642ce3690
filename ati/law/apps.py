from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LawConfig(AppConfig):
    name = "ati.law"
    label = "law"
    verbose_name = _("Law and deadlines")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .models import LegalProfile, LegalProfileVersion
        from .selectors import forget_versions

        for model in (LegalProfile, LegalProfileVersion):
            for signal in (post_save, post_delete):
                signal.connect(
                    forget_versions, sender=model, dispatch_uid=f"ati-law-{model}-{signal}"
                )

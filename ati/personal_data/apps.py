from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PersonalDataConfig(AppConfig):
    name = "ati.personal_data"
    label = "personal_data"
    verbose_name = _("Personal data")

    def ready(self) -> None:
        # "Download my data" and the erasure, on the account page.
        from ati.accounts.views import ACCOUNT_SECTIONS

        from .views import account_section

        if account_section not in ACCOUNT_SECTIONS:
            ACCOUNT_SECTIONS.append(account_section)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "ati.appeals"
    label = "appeals"
    verbose_name = _("Complaints and appeals")

    def ready(self) -> None:
        # A change of the calendar moves the complaints' and appeals' own deadlines too.
        from ati.law.recompute import register_deadline_holder

        from .deadlines import recompute_appeal_deadlines

        register_deadline_holder(recompute_appeal_deadlines)

        # A new answer after an order to disclose is the body's compliance.
        from ati.requests.services import ANSWER_HOOKS

        from .services import record_compliance_from_answer

        if record_compliance_from_answer not in ANSWER_HOOKS:
            ANSWER_HOOKS.append(record_compliance_from_answer)

        from ati.core.demo import DEMO_STEPS

        from .demo import seed_appeals

        if seed_appeals not in DEMO_STEPS:
            DEMO_STEPS.append(seed_appeals)

        from ati.stats.appeals import register_provider

        from .figures import appeal_figures

        register_provider(appeal_figures)

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

        # The complaint and appeal panel of the request page.
        from ati.requests.views import DETAIL_PANELS

        from .views import request_panel_context

        if request_panel_context not in DETAIL_PANELS:
            DETAIL_PANELS.append(request_panel_context)

        # Complaints and appeals on the request's timeline.
        from ati.requests.selectors import TIMELINE_SOURCES

        from .selectors import timeline_events

        if timeline_events not in TIMELINE_SOURCES:
            TIMELINE_SOURCES.append(timeline_events)

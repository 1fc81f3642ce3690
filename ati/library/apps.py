from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "ati.library"
    label = "library"
    verbose_name = _("Public document library")

    def ready(self) -> None:
        # Its tasks, registered in every process: the services queue them by name.
        from ati.core.files import FileArea, register_file_area

        from . import (
            checks,  # noqa: F401  (registers library.E001, a --deploy check)
            tasks,  # noqa: F401
        )

        # The published PDFs, in their own storage (ati/core/files.py cleans orphans).
        register_file_area(
            FileArea(
                "library files",
                "",
                (
                    ("library.Publication", "pdf"),
                    ("library.SourceDocument", "file"),
                    ("library.DocumentPage", "image"),
                    ("library.DocumentPage", "public_image"),
                    ("library.DocumentPage", "thumbnail"),
                ),
            )
        )

        # Commission decisions take the library's one path to the public (DESIGN.md § 1).
        from ati.appeals.services import DECISION_PUBLICATION_HOOKS

        from .services import propose_decision

        if propose_decision not in DECISION_PUBLICATION_HOOKS:
            DECISION_PUBLICATION_HOOKS.append(propose_decision)

        # `jobs_status` (ati.notifications) shows the proposals waiting for the worker.
        from ati.notifications.status import register_reporter

        from .selectors import preparation_backlog

        register_reporter(preparation_backlog)

        # Before a request is sent, the published answers like it (the submission page).
        from ati.requests.views import DETAIL_PANELS, SIMILAR_FINDERS

        from .views import request_panel_context

        if request_panel_context not in DETAIL_PANELS:
            DETAIL_PANELS.append(request_panel_context)

        # A public body's page (ati.bodies, below) lists its published documents.
        from ati.bodies.views import BODY_PANELS

        from .panels import body_documents_panel

        if body_documents_panel not in BODY_PANELS:
            BODY_PANELS.append(body_documents_panel)

        from .search import similar_publications

        if similar_publications not in SIMILAR_FINDERS:
            SIMILAR_FINDERS.append(similar_publications)

"""The library's section of a public body's page (a `BODY_PANELS` entry of ati.bodies)."""

from __future__ import annotations

from django.http import HttpRequest

from ati.bodies.models import PublicBody
from ati.bodies.views import BodyPanel

from .models import Publication

#: The newest documents shown on the body's page; the library lists them all.
SHOWN = 10


def body_documents_panel(request: HttpRequest, body: PublicBody) -> BodyPanel:
    published = Publication.objects.published().filter(body=body)
    documents = list(published.only("pk", "title", "category", "language", "published_at")[:SHOWN])
    total = len(documents) if len(documents) < SHOWN else published.count()
    return BodyPanel(
        "library/_body_panel.html",
        {"body": body, "documents": documents, "total": total},
        order=20,
    )

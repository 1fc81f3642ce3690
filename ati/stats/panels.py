"""The statistics' section of a public body's page (a `BODY_PANELS` entry of ati.bodies)."""

from __future__ import annotations

from django.http import HttpRequest

from ati.bodies.models import PublicBody
from ati.bodies.views import BodyPanel

from .selectors import figures, latest_snapshot


def body_figures_panel(request: HttpRequest, body: PublicBody) -> BodyPanel:
    """Every year of the body's requests, from the latest snapshot (never recomputed here:
    a page view must not start the statistics' bulk rebuild)."""
    snapshot = latest_snapshot(refresh_if_missing=False)
    if snapshot is None:
        return BodyPanel("stats/_body_panel.html", {"body": body, "figures": None}, order=10)
    fig = figures(snapshot, body_id=body.pk)
    refusals = fig.total.counts["refused"] + fig.total.counts["partially_granted"]
    return BodyPanel(
        "stats/_body_panel.html",
        {"body": body, "figures": fig, "total": fig.total, "refusals": refusals},
        order=10,
    )

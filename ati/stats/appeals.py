"""Complaints, appeals and compliance: the figures the appeals app provides.

The appeals app sits below the statistics (docs/architecture.md): it defines the
figures (``ati.appeals.figures``) and knows nothing of this module. The
statistics' ``AppConfig.ready()`` registers ``appeal_figures`` with
``register_provider(fn)``, where ``fn(year) -> AppealFigures`` counts what
happened in that year (by date of filing for complaints and appeals, by date of
decision for decisions). Without a provider, or when the appeals app is not
installed, `appeal_figures` returns empty figures with ``available=False`` and
the pages and the annual report say that these figures are not available yet.
"""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps

from ati.appeals.figures import AppealFigures, Decision, NonCompliantBody

__all__ = [
    "AppealFigures",
    "Decision",
    "NonCompliantBody",
    "appeal_figures",
    "register_provider",
    "unregister_provider",
]


Provider = Callable[[int], AppealFigures]
_providers: list[Provider] = []


def register_provider(provider: Provider) -> None:
    """Called by the statistics' ``ready()`` (and by tests); registering twice is harmless."""
    if provider not in _providers:
        _providers.append(provider)


def unregister_provider(provider: Provider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def appeal_figures(year: int) -> AppealFigures:
    if not _providers or not apps.is_installed("ati.appeals"):
        return AppealFigures()
    return _providers[-1](year)

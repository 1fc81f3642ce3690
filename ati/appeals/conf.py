"""Periods of the appeal procedure that the legal profiles do not (yet) hold.

Each can be overridden in the settings. Counted in working days on the
request's calendar, like the profile's own periods.
"""

from __future__ import annotations

from django.conf import settings

from ati.law.deadlines import Period, Unit


def compliance_period() -> Period:
    """Time the body has to comply with the commission's order (ATI_COMPLIANCE_DAYS)."""
    return Period(getattr(settings, "ATI_COMPLIANCE_DAYS", 30), Unit.WORKING_DAYS)


def observations_period() -> Period:
    """Default time the body has for its observations (ATI_OBSERVATIONS_DAYS)."""
    return Period(getattr(settings, "ATI_OBSERVATIONS_DAYS", 10), Unit.WORKING_DAYS)


def reminder_days() -> int:
    """Calendar days before the compliance deadline when the body is reminded."""
    return int(getattr(settings, "ATI_COMPLIANCE_REMINDER_DAYS", 5))

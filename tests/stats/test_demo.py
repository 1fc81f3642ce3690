"""The demo history gives the statistics page real charts without touching any queue."""

from __future__ import annotations

import pytest

from ati.demo.seed import seed_bodies
from ati.demo.stats import PROFILES, seed_history
from ati.requests.models import OPEN_STATES, InformationRequest
from ati.stats.models import Snapshot
from ati.stats.selectors import figures

pytestmark = pytest.mark.django_db


def test_demo_history_is_idempotent_and_closed():
    seed_bodies()
    seed_history()
    history = InformationRequest.objects.filter(reference__startswith="H-")
    count = history.count()
    assert count == sum(n for n, _days, _late in PROFILES.values())
    seed_history()
    assert history.count() == count
    assert not history.filter(state__in=OPEN_STATES).exists()
    assert history.filter(refusal_grounds__isnull=False).exists()
    fig = figures(Snapshot.objects.latest())
    assert fig.total.counts["answered_late"] > 0
    assert len(fig.months) >= 10
    assert len(fig.grounds) >= 3

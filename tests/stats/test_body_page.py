"""A public body's page shows its figures from the statistics (ati.bodies' BODY_PANELS)."""

from __future__ import annotations

import re

from ati.requests.models import InformationRequest
from ati.stats.compute import median_p90


def figure(html: str, label: str) -> str:
    match = re.search(rf'<span class="figure">([^<]+)</span> {re.escape(label)}', html)
    assert match, f"no figure {label!r}"
    return match.group(1)


def test_body_page_shows_the_bodys_figures(scenario, client):
    body = scenario["body"]
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    html = client.get(f"/bodies/{body.code}/").content.decode()
    mine = InformationRequest.objects.filter(body=body)
    assert figure(html, "requests received") == str(mine.count()) == "11"
    # On time: granted_fast, partial_on_due_date, not_held, granted_then_closed.
    assert figure(html, "answered in time").startswith("4")
    assert figure(html, "refused in whole or in part") == "2"
    assert figure(html, "open past the deadline") == "1"
    # The median of the answered requests' working days, recounted from the facts.
    median, _p90 = median_p90([(d, 1) for d in scenario_response_days(body.pk)])
    assert figure(html, "working days to answer (median)") == f"{median:g}"
    grounds = dict(re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td></tr>", html))
    assert len(grounds) == 2 and sorted(grounds.values()) == ["1", "2"]
    assert f'href="/statistics/?body={body.code}"' in html


def scenario_response_days(body_id: int) -> list[int]:
    from ati.stats.models import RequestFact

    return list(
        RequestFact.objects.filter(body_id=body_id, response_days__isnull=False).values_list(
            "response_days", flat=True
        )
    )


def test_other_body_has_its_own_figures(scenario, client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    html = client.get(f"/bodies/{scenario['other_body'].code}/").content.decode()
    # The transferred copy (granted) and a refusal on the ground of national defence.
    assert figure(html, "requests received") == "2"
    assert figure(html, "refused in whole or in part") == "1"


def test_without_a_snapshot_the_page_says_so_and_does_not_compute(client, body):
    from ati.stats.models import Snapshot

    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    html = client.get(f"/bodies/{body.code}/").content.decode()
    assert "The statistics have not been computed yet." in html
    assert not Snapshot.objects.exists()

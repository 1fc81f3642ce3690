"""Proposing a document for publication: the web process against the worker that prepares it.

    .venv/bin/python bench/bench_proposal.py [--quick] [--proposals N]

Child processes on one fresh SQLite database, as in a deployment (a first one migrates and
collects the static files, so that neither counts in the others' memory). The web one
(Django's test client, every URL resolved as a gunicorn worker would) proposes N French
Article 10 documents of 3,000 characters, each naming a person without a title, through
POST /library/new/, and opens each review page and the queue: its resident memory before
and after, whether spaCy was imported, the time per proposal against a GET of the review
page in the same run (the baseline). The worker one then prepares them all
(`library.prepare_pending`, the periodic job's body): the first proposal (with the French
name model's load), the time per proposal after it, its resident memory, and that every
proposal reached review with the name found by the model.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common
from bench.bench_anonymise import PAGE, _pages, _rss_mb

#: Found only by the model (no civil title before it).
NAME = "Karim Alaoui"
WEB_TARGET_MB = 150
OFFICER = "officer@bench.example"


def _spread(times: list[float]) -> dict[str, float]:
    times = sorted(times)
    return {
        "median_ms": statistics.median(times),
        "p95_ms": times[max(0, int(len(times) * 0.95) - 1)],
    }


def setup(count: int) -> dict[str, Any]:
    """The database and static files, in a process of their own (migrations and factories
    would otherwise count in the web process's memory)."""
    common.setup_django()
    from django.core.management import call_command

    from ati.accounts.services import enrol_authenticator_app
    from ati.demo.seed import DEMO_TOTP_SECRET
    from tests.factories import PublicBodyFactory, member

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # production's manifest
    officer = member("officer", PublicBodyFactory(), email=OFFICER)
    # Every staff role has a second factor (the pages send one without it to enrol one).
    enrol_authenticator_app(officer, DEMO_TOTP_SECRET, reason="bench")
    return {"officer": officer.pk}


def web(count: int) -> dict[str, Any]:
    common.setup_django()
    import django.urls
    from django.test import Client

    from ati.accounts.models import User
    from ati.bodies.models import PublicBody
    from ati.library.models import Publication
    from tests.library import french_corpus

    django.urls.get_resolver().url_patterns  # every view, as a web worker imports them  # noqa: B018
    officer = User.objects.get(email=OFFICER)
    body = PublicBody.objects.get()
    client = Client()
    client.force_login(officer)
    texts = _pages([s.text for s in french_corpus.CORPUS + french_corpus.FRESH], count)
    client.get("/library/review/")  # templates and translations loaded, as after a first page
    result: dict[str, Any] = {"rss_start_mb": _rss_mb()}
    posts, gets = [], []
    for i, page in enumerate(texts):
        text = f"Le dossier de {NAME} ({i}) a été transmis.\n{page}"[:PAGE]
        t0 = time.perf_counter()
        response = client.post(
            "/library/new/",
            {
                "body": body.pk,
                "category": "reports",
                "language": "fr",
                "title": f"Rapport {i}",
                "text": text,
            },
        )
        posts.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 302, response.status_code
        t0 = time.perf_counter()
        assert client.get(response["Location"]).status_code == 200
        gets.append((time.perf_counter() - t0) * 1000)
    assert client.get("/library/review/").status_code == 200
    result.update(
        proposals=count,
        preparing=Publication.objects.filter(state="preparing").count(),
        first_post_ms=posts[0],
        post=_spread(posts),
        review_page=_spread(gets),
        rss_end_mb=_rss_mb(),
        spacy_imported="spacy" in sys.modules,
    )
    return result


def worker(count: int) -> dict[str, Any]:
    common.setup_django()
    from ati.library import services
    from ati.library.models import Publication

    result: dict[str, Any] = {"rss_start_mb": _rss_mb()}
    pks = list(
        Publication.objects.filter(state="preparing").order_by("pk").values_list("pk", flat=True)
    )
    times = []
    for pk in pks:
        t0 = time.perf_counter()
        assert services.prepare_publication(pk) == "in_review"
        times.append((time.perf_counter() - t0) * 1000)
    found = sum(
        any(r["original"] == NAME and "ner" in r["source"] for r in pub.redactions)
        for pub in Publication.objects.filter(pk__in=pks)
    )
    result.update(
        prepared=len(pks),
        name_found_by_model=found,
        first_ms=times[0],
        after_first=_spread(times[1:] or times),
        rss_end_mb=_rss_mb(),
        spacy_imported="spacy" in sys.modules,
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--proposals", type=int, default=0)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        role, count = args.child
        print(json.dumps({"setup": setup, "web": web, "worker": worker}[role](int(count))))
        return 0
    count = str(args.proposals or (10 if args.quick else 50))
    with (
        common.database("sqlite", "proposal") as url,
        tempfile.TemporaryDirectory() as var,
    ):
        ready = common.run_child(__file__, ["setup", count], url, var)
        front = common.run_child(__file__, ["web", count], url, var) if ready else None
        back = common.run_child(__file__, ["worker", count], url, var) if front else None
    if front is None or back is None:
        return 1
    common.line(
        "proposal.web_post_p50",
        front["post"]["median_ms"],
        "ms",
        f"{front['post']['median_ms'] / front['review_page']['median_ms']:.1f}x a GET of the "
        f"review page ({front['review_page']['median_ms']:.1f} ms); p95 "
        f"{front['post']['p95_ms']:.1f} ms; first {front['first_post_ms']:.0f} ms; "
        f"{front['proposals']} proposals",
    )
    common.line(
        "proposal.web_rss",
        front["rss_end_mb"],
        "MB",
        f"{front['rss_end_mb'] - front['rss_start_mb']:+.0f} MB over its start; spaCy imported: "
        f"{'yes' if front['spacy_imported'] else 'no'}; target {WEB_TARGET_MB} MB",
    )
    common.line(
        "proposal.worker_first",
        back["first_ms"] / 1000,
        "s",
        "the first proposal a worker prepares, with the French name model's load",
    )
    common.line(
        "proposal.worker_p50",
        back["after_first"]["median_ms"],
        "ms",
        f"p95 {back['after_first']['p95_ms']:.1f} ms; name found by the model in "
        f"{back['name_found_by_model']} of {back['prepared']}",
    )
    common.line(
        "proposal.worker_rss",
        back["rss_end_mb"],
        "MB",
        f"{back['rss_end_mb'] - front['rss_end_mb']:+.0f} MB over the web process",
    )
    print(f"# load average {common.load()}")
    common.write_json("proposal", {"web": front, "worker": back})
    ok = (
        not front["spacy_imported"]
        and front["rss_end_mb"] < WEB_TARGET_MB
        and back["prepared"] == back["name_found_by_model"] == int(count)
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

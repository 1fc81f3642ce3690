"""Snippets of a search hit, made in Python from the page's texts (PostgreSQL).

`ts_headline` parsed each document of the page again in the database, after
normalising its whole text there (a regular expression over every character):
on PostgreSQL that cost as much as the search itself (bench/bench_library.py).
The page's documents are loaded anyway; here their words are stemmed with the
same Snowball stemmers as PostgreSQL's french, arabic and english
configurations (the `snowballstemmer` package: the same algorithms, the same
stems), so what is highlighted is what the index matched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import snowballstemmer

from .text import normalise

#: The markers of a highlighted word, in every engine's snippets (FTS5's `snippet()` too).
START, STOP = "\x02", "\x03"
STEMMERS = {"fr": "french", "ar": "arabic", "en": "english"}
#: Characters per fragment (about 30 words), fragments per snippet, and the context
#: kept before a fragment's first match.
FRAGMENT_CHARS = 200
FRAGMENTS = 2
LEAD = 40
ELLIPSIS = " … "


@lru_cache(maxsize=4)
def _stemmer(language: str) -> snowballstemmer.stemmer | None:
    name = STEMMERS.get(language)
    return snowballstemmer.stemmer(name) if name else None


@lru_cache(maxsize=100_000)
def stem(language: str, word: str) -> str:
    word = word.lower()
    stemmer = _stemmer(language)
    return stemmer.stemWord(word) if stemmer is not None else word


def _best_windows(hits: list[tuple[int, int]], count: int, size: int) -> list[int]:
    """Start offsets of up to `count` non-overlapping windows holding the most hits."""
    starts: list[int] = []
    for _ in range(count):
        best, best_start = 0, -1
        for first, _end in hits:
            start = max(0, first - LEAD)
            if any(start < s + size and s < start + size for s in starts):
                continue
            inside = sum(1 for h, _e in hits if start <= h and _e <= start + size)
            if inside > best:
                best, best_start = inside, start
        if best_start < 0:
            break
        starts.append(best_start)
    return sorted(starts)


def _fragment(text: str, start: int, hits: list[tuple[int, int]]) -> str:
    end = min(len(text), start + FRAGMENT_CHARS)
    # Whole words only: move the edges to the nearest spaces inside the window.
    if start > 0:
        space = text.find(" ", start, end)
        start = space + 1 if space >= 0 else start
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    parts, cursor = [], start
    for begin, stop in hits:
        if begin >= start and stop <= end:
            parts += [text[cursor:begin], START, text[begin:stop], STOP]
            cursor = stop
    parts.append(text[cursor:end])
    return ("…" if start > 0 else "") + "".join(parts) + ("…" if end < len(text) else "")


def _word_at(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    return start, end


def snippet(text: str, language: str, words: Sequence[str]) -> str:
    """Up to two fragments of `text` around the query's words, the words marked.

    The text is shown in its normalised form, as the index holds it (Arabic
    without diacritics), which is also what `ts_headline` showed.
    """
    text = normalise(text)
    targets = {stem(language, w) for w in words if w}
    # A word can only stem to a target if it holds the target's first letters (a stem
    # is the word less some prefixes and suffixes): the regular expression finds those
    # words, and only they are stemmed (stemming every word of a page in Python costs
    # more than the search).
    keys = sorted({re.escape(t[:3]) for t in targets if t}, key=len, reverse=True)
    hits: list[tuple[int, int]] = []
    if keys:
        found = re.compile("|".join(keys), re.IGNORECASE)
        # The letters are found by the regular expression engine; each occurrence is
        # widened to its word (a leading \w* in the pattern would backtrack everywhere).
        end = 0
        for m in found.finditer(text):
            if m.start() < end:
                continue  # inside the word just looked at
            start, end = _word_at(text, m.start(), m.end())
            if stem(language, text[start:end]) in targets:
                hits.append((start, end))
    starts = _best_windows(hits, FRAGMENTS, FRAGMENT_CHARS) or [0]
    return ELLIPSIS.join(_fragment(text, start, hits) for start in starts)

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

from .text import normalise_with_positions

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


#: Every distinct word of the pages a search shows passes here: 100,000 entries held
#: ~20 MB in each web worker (issue #19); 20,000 (~4 MB) keep a library's frequent words.
STEM_CACHE_SIZE = 20_000


@lru_cache(maxsize=STEM_CACHE_SIZE)
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

    The words are found in the normalised text, as the index holds it (Arabic without
    diacritics, one alef), but the fragments show the document's own spelling: each
    place found is mapped back to the characters it came from.
    """
    original = text
    text, positions = normalise_with_positions(text)
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
    if positions is not None:

        def back(at: int) -> int:
            # A place in the normalised text → the original's; an end takes the diacritics
            # that follow the word's last letter.
            return positions[at] if at < len(positions) else len(original)

        hits = [(back(s), back(e)) for s, e in hits]
        starts = [back(s) for s in starts]
    return ELLIPSIS.join(_fragment(original, start, hits) for start in starts)


def restore_spelling(fragments: str, original: str, ellipsis: str = "…") -> str:
    """An engine's snippet of the normalised text (SQLite's FTS5 `snippet()`), in the
    document's own spelling: each fragment is found in the normalised original and its
    characters replaced by those they come from; the markers stay where they were.

    A fragment not found in `original` (it comes from a page of a released file) is kept.
    """
    normalised, positions = normalise_with_positions(original)
    if positions is None:
        return fragments
    out = []
    for fragment in fragments.split(ellipsis):
        plain = fragment.replace(START, "").replace(STOP, "")
        at = normalised.find(plain) if plain else -1
        if at < 0:
            out.append(fragment)
            continue
        rebuilt = []
        for ch in fragment:
            if ch in (START, STOP):
                rebuilt.append(ch)
                continue
            nxt = positions[at + 1] if at + 1 < len(positions) else len(original)
            rebuilt.append(original[positions[at] : nxt])
            at += 1
        out.append("".join(rebuilt))
    return ellipsis.join(out)

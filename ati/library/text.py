"""Text normalisation shared by indexing and querying (both sides must agree).

Arabic: tashkeel and tatweel removed, alef forms (أ إ آ ٱ) unified to ا, ة → ه,
ى → ي, so that a word is found whatever its diacritics or spelling of these
letters. Latin diacritics are left to the search engine (FTS5 `remove_diacritics`,
PostgreSQL's stemmers).
"""

from __future__ import annotations

import re

from .documents.geometry import arabic_share

#: Also used in SQL (PostgreSQL's regexp_replace and translate): keep them plain.
TASHKEEL = "[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]"
LETTERS_FROM, LETTERS_TO = "أإآٱةى", "ااااهي"
_TASHKEEL = re.compile(TASHKEEL)
_KEPT = re.compile("[^" + TASHKEEL[1:-1] + "]+")
_LETTER_PAIRS = list(zip(LETTERS_FROM, LETTERS_TO, strict=True))
#: Every character either step changes is in the Arabic block: text without one is
#: returned as it is (no pass over it at all).
_ARABIC = re.compile("[\u0600-\u06ff]")


def _unify_letters(text: str) -> str:
    # str.replace per letter: six passes in C, where str.translate calls into the table
    # for every character (0.5 ms for a page of Arabic, most of a snippet's time).
    for letter, unified in _LETTER_PAIRS:
        text = text.replace(letter, unified)
    return text


def normalise(text: str) -> str:
    """The form in which text is indexed and queried."""
    if not _ARABIC.search(text):
        return text
    return _unify_letters(_TASHKEEL.sub("", text))


def normalise_with_positions(text: str) -> tuple[str, list[int] | None]:
    """`normalise(text)`, and for each of its characters the index of the character of
    `text` it comes from (None when the text is unchanged).

    Normalising only drops characters (tashkeel, tatweel) and replaces others one for one,
    so a place found in the normalised text (a search hit) maps back to the document's own
    spelling, which is what a reader is shown.
    """
    if not _ARABIC.search(text):
        return text, None
    if not _TASHKEEL.search(text):  # letters replaced one for one: the same places
        return _unify_letters(text), None
    # Runs of kept characters, found by the regular expression engine: a test per
    # character in Python cost most of a search's time (bench_library.py, its snippets).
    positions = [i for m in _KEPT.finditer(text) for i in range(m.start(), m.end())]
    return _unify_letters(_TASHKEEL.sub("", text)), positions


def terms(query: str, limit: int = 12) -> list[str]:
    """The words of a user's query, normalised, without any search-engine syntax.

    Users type words; quotes, operators and parentheses are not a language we
    expose (and passing them through would let a query break the MATCH syntax).
    """
    words = re.findall(r"\w+", normalise(query))
    return [w for w in words if len(w) > 1 or w.isdigit()][:limit]


def language_of(text: str, fallback: str = "fr") -> str:
    """The language a published text is written in, told by its script.

    Arabic letters in the majority: "ar". Otherwise `fallback` when it is written in Latin
    letters (an English applicant's answer stays "en"), else French. A body may answer
    an Arabic-speaking applicant in French: the applicant's language does not say how the
    answer reads (its direction, its stemmer, the anonymiser's rules).
    """
    if arabic_share([text]) > 0.5:
        return "ar"
    return fallback if fallback in ("fr", "en") else "fr"

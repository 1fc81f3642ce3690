"""Common Moroccan given and family names, in Arabic and Latin script, for the anonymiser.

The lists are data (`ati/library/data/names_given.txt`, `names_family.txt`), compiled by
the ati developers from common usage and not exhaustive. They are read once per process
(a few hundred lines) and only ever used with a context cue: a listed word alone is never
redacted (docs/decisions/0012-arabic-names-and-identifiers.md).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

# Removed before an Arabic word is compared: short vowels, shadda, tatweel.
_TASHKEEL = re.compile("[\u064b-\u065f\u0670\u0640]")
_LETTERS = str.maketrans("أإآٱىة", "اااايه")


@functools.lru_cache(maxsize=65536)
def normalise_arabic(word: str) -> str:
    """The form an Arabic word is compared in: no diacritics, أ إ آ → ا, ى → ي, ة → ه."""
    return _TASHKEEL.sub("", word).translate(_LETTERS)


@dataclass(frozen=True)
class Names:
    #: Arabic names, normalised, as tuples of words ("فاطمه", "الزهراء").
    arabic: frozenset[tuple[str, ...]]
    #: Latin names, lower case, as tuples of words ("fatima", "zahra").
    latin: frozenset[tuple[str, ...]]

    def has_arabic(self, *words: str) -> bool:
        return tuple(normalise_arabic(w) for w in words) in self.arabic

    def has_latin(self, *words: str) -> bool:
        return tuple(w.lower() for w in words) in self.latin


def _read(name: str) -> Names:
    arabic: set[tuple[str, ...]] = set()
    latin: set[tuple[str, ...]] = set()
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        script_ar, _, script_latin = line.partition("|")
        if script_ar.strip():
            arabic.add(tuple(normalise_arabic(w) for w in script_ar.split()))
        for variant in script_latin.split(","):
            words = tuple(w.lower() for w in re.split(r"[\s\-]+", variant.strip()) if w)
            if words:
                latin.add(words)
    return Names(frozenset(arabic), frozenset(latin))


@functools.cache
def given_names() -> Names:
    return _read("names_given.txt")


@functools.cache
def family_names() -> Names:
    return _read("names_family.txt")

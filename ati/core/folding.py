"""Names as people type them: one folding, so that a search finds a name whatever its
spelling of the details people leave out.

"الكهرباء" finds "المكتب الوطني للكهرباء", "sante" finds "Santé". The server folds the
names it stores (`PublicBody.search_text`) and the words it is asked for; the body
picker (static/js/fold.js) folds what is typed with the same RULES, which the page
gives it: the rules are written once, here, and tests/core/test_folding.py runs both
implementations on one table of cases.

The steps, in this order, on both sides:

1. Unicode compatibility decomposition (NFKD): accents and the hamza of أ إ آ ؤ ئ
   become marks of their own, presentation forms (ﻻ) plain letters;
2. lower case;
3. ``marks`` removed: Latin accents, Arabic short vowels and other tashkeel, tatweel;
4. ``letters`` replaced one by one (ة → ه, ى → ي, ٱ → ا, Arabic-Indic digits, œ);
5. words: the runs of letters and digits;
6. a word that starts with one of ``proclitics`` (the article and the particles
   written with it: ال، لل، بال، وال، فال، كال) loses it, the longest first, if at
   least ``min_stem`` letters remain ("والي" stays "والي").

Not a stemmer: a word is found inside a name (substring), so "كهرباء" finds
"للكهرباء" and "santé" finds "Santé publique".
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

RULES: dict[str, Any] = {
    # A character class both Python's re and JavaScript's RegExp read the same way.
    "marks": "[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]",
    "letters": {
        "\u0622": "\u0627",  # آ → ا (NFKD has already split it; kept for other inputs)
        "\u0623": "\u0627",  # أ → ا
        "\u0625": "\u0627",  # إ → ا
        "\u0671": "\u0627",  # ٱ → ا
        "\u0629": "\u0647",  # ة → ه
        "\u0649": "\u064a",  # ى → ي
        **{chr(0x0660 + n): str(n) for n in range(10)},  # ٠…٩
        **{chr(0x06F0 + n): str(n) for n in range(10)},  # ۰…۹
        "\u0153": "oe",  # œ
        "\u00e6": "ae",  # æ
    },
    # Longest first: "بال" before "ال". بال وال فال كال ال لل
    "proclitics": [
        "\u0628\u0627\u0644",
        "\u0648\u0627\u0644",
        "\u0641\u0627\u0644",
        "\u0643\u0627\u0644",
        "\u0627\u0644",
        "\u0644\u0644",
    ],
    "min_stem": 2,
}

_MARKS = re.compile(RULES["marks"])
_LETTERS = str.maketrans(RULES["letters"])
#: Letters and digits (str.isalnum), as JavaScript's [\p{L}\p{N}].
_WORD = re.compile(r"[^\W_]+")


def _strip_proclitic(word: str) -> str:
    for proclitic in RULES["proclitics"]:
        if word.startswith(proclitic) and len(word) - len(proclitic) >= RULES["min_stem"]:
            return word[len(proclitic) :]
    return word


def fold_words(text: str) -> list[str]:
    """The folded words of ``text``, in order."""
    text = unicodedata.normalize("NFKD", text or "").lower()
    text = _MARKS.sub("", text).translate(_LETTERS)
    return [_strip_proclitic(word) for word in _WORD.findall(text)]


def fold(text: str) -> str:
    """``text`` folded: its folded words, separated by one space."""
    return " ".join(fold_words(text))


def rules_json() -> str:
    """The rules as static/js/fold.js reads them (a page's data attribute)."""
    return json.dumps(RULES, separators=(",", ":"))

"""No English left on a French or Arabic page: the catalogue's own English sentences.

The check reads the source strings of locale/fr/LC_MESSAGES/django.po (they are the
English the code is written in) and looks for any of them on the page. Only sentences
of three words or more without placeholders are looked for: a single word ("Total",
"Email") may be the same in French, and a sentence with a placeholder is never shown
whole.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from .harness import ROOT

PO = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
_ENTRY = re.compile(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n)+)', re.M)


def _text(quoted: str) -> str:
    return "".join(re.findall(r'"(.*)"', quoted)).replace('\\"', '"').replace("\\n", "\n")


@functools.cache
def english_sentences() -> tuple[str, ...]:
    found = []
    for msgid, msgstr in _ENTRY.findall(PO.read_text(encoding="utf-8")):
        english, french = _text(msgid), _text(msgstr)
        if (
            len(english.split()) >= 3
            and english != french
            and not re.search(r"%\(|%s|%d|<|\{", english)
        ):
            found.append(english)
    return tuple(found)


def assert_no_english(page: Any) -> None:
    """Fail naming every English catalogue sentence shown on the page (hidden text too)."""
    text = page.evaluate("() => document.body.textContent.replace(/\\s+/g, ' ')")
    leaks = [sentence for sentence in english_sentences() if sentence in text]
    assert not leaks, f"{page.url}: English on a translated page: {leaks}"

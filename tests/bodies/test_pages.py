"""The public bodies' pages: a list anyone can search without JavaScript, one page per body."""

from __future__ import annotations

import re

import pytest

from ati.bodies.models import BodyKind, PublicBody, search_text_of
from ati.bodies.selectors import directory
from ati.bodies.views import BODY_PANELS, PER_PAGE
from ati.library.panels import body_documents_panel
from ati.stats.panels import body_figures_panel
from tests.factories import PublicBodyFactory


@pytest.fixture
def en(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def names(html: str) -> list[str]:
    return re.findall(r'class="body-name" href="[^"]*">([^<]+)</a>', html)


@pytest.fixture
def bodies(db):
    health = PublicBodyFactory(
        code="sante",
        name_fr="Ministère de la Santé",
        name_ar="وزارة الصحة",
        name_en="Ministry of Health",
    )
    PublicBodyFactory(
        code="onee",
        name_fr="Office national de l'électricité",
        name_ar="المكتب الوطني للكهرباء",
        name_en="National Electricity Office",
        kind=BodyKind.PUBLIC_ESTABLISHMENT,
        parent=health,
    )
    PublicBodyFactory(code="ancien", name_fr="Ancien office", is_active=False)
    return health


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("santé", ["Ministry of Health"]),  # French name, any case
        ("المكتب الوطني", ["National Electricity Office"]),  # Arabic name
        ("electricity", ["National Electricity Office"]),  # English name
        ("ONEE", ["National Electricity Office"]),  # code
        ("", ["Ministry of Health", "National Electricity Office"]),
        ("ancien", []),  # a body that no longer takes requests is not listed
        # Arabic as people type it: with or without the article, whatever the particle the
        # name writes it with (للكهرباء), the hamza, the taa marbuta, the diacritics.
        ("الكهرباء", ["National Electricity Office"]),
        ("كهرباء", ["National Electricity Office"]),
        ("بالكهرباء", ["National Electricity Office"]),
        ("الوطنى للكهرباء", ["National Electricity Office"]),  # ى for ي
        ("الصحه", ["Ministry of Health"]),  # ه for ة
        ("وزارة الصِّحَّة", ["Ministry of Health"]),
        ("أوزارة", []),  # a word of the query that is in no name
        # French without its accents, in any case; words in any order.
        ("ELECTRICITE", ["National Electricity Office"]),
        ("sante ministere", ["Ministry of Health"]),
        ("l’électricité", ["National Electricity Office"]),
        ("%", []),  # punctuation alone finds nothing (not every body)
    ],
)
def test_search_by_any_name_or_code(en, bodies, query, found):
    response = en.get("/bodies/", {"q": query})
    assert response.status_code == 200
    assert names(response.content.decode()) == found


def test_list_shows_kind_and_parent_and_filters_by_kind(en, bodies):
    html = en.get("/bodies/").content.decode()
    assert "Public establishment" in html and "part of Ministry of Health" in html
    html = en.get("/bodies/", {"kind": BodyKind.PUBLIC_ESTABLISHMENT}).content.decode()
    assert names(html) == ["National Electricity Office"]


def test_the_search_is_a_plain_get_form(en, bodies):
    html = en.get("/bodies/").content.decode()
    assert re.search(r'<form method="get" action="/bodies/"', html)
    # Nothing of the search needs a script (the site's one deferred script is not the page's).
    main = html[html.index("<main") : html.index("</main>")]
    assert 'name="q"' in main and "<script" not in main


def test_an_unknown_kind_is_a_400_with_the_form_error(en, bodies):
    response = en.get("/bodies/", {"kind": "castle"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_list_is_paginated_and_keeps_the_search(en, db):
    for n in range(PER_PAGE + 3):
        PublicBodyFactory(code=f"commune-{n:02d}", name_fr=f"Commune {n:02d}", name_en="")
    first = en.get("/bodies/", {"q": "commune"}).content.decode()
    assert len(names(first)) == PER_PAGE
    assert "?q=commune&amp;page=2" in first
    second = en.get("/bodies/", {"q": "commune", "page": 2}).content.decode()
    assert names(second) == [f"Commune {n:02d}" for n in range(PER_PAGE, PER_PAGE + 3)]
    assert en.get("/bodies/", {"page": 99}).status_code == 404
    assert en.get("/bodies/", {"page": "x"}).status_code == 404


def test_unknown_or_inactive_body_is_404(en, bodies):
    assert en.get("/bodies/nowhere/").status_code == 404
    assert en.get("/bodies/ancien/").status_code == 404


def test_body_page_shows_contact_and_the_way_to_ask(en, bodies):
    bodies.email = "dai@sante.gov.ma"
    bodies.address = "Avenue Ibn Sina\nRabat"
    bodies.website = "https://www.sante.gov.ma"
    bodies.save()
    html = en.get("/bodies/sante/").content.decode()
    assert 'href="mailto:dai@sante.gov.ma"' in html
    assert "Avenue Ibn Sina<br>Rabat" in html
    assert 'href="https://www.sante.gov.ma"' in html
    assert 'href="/requests/new/?body=sante"' in html
    assert "وزارة الصحة" in html and "Ministère de la Santé" in html  # every name
    assert 'href="/bodies/onee/"' in html  # the body under it


def test_body_page_without_contact_says_so(en, bodies):
    html = en.get("/bodies/onee/").content.decode()
    assert "has not published its information officer's contact details" in html
    assert 'href="/bodies/sante/"' in html  # its parent


def test_the_ask_button_preselects_the_body_on_the_form(client, bodies, citizen):
    client.force_login(citizen)
    html = client.get("/requests/new/", {"body": "sante"}).content.decode()
    assert re.search(rf'<option value="{bodies.pk}"[^>]* selected[ >]', html)


def test_stats_and_library_fill_the_body_page(en, bodies):
    assert body_figures_panel in BODY_PANELS and body_documents_panel in BODY_PANELS
    html = en.get("/bodies/sante/").content.decode()
    assert html.index('id="body-figures"') < html.index('id="body-documents"')
    assert "has not published any document in the library yet" in html


def test_body_page_queries_do_not_grow_with_documents(en, bodies, django_assert_max_num_queries):
    # The page reads the body, its children, the snapshot head, and its documents.
    with django_assert_max_num_queries(12):
        assert en.get("/bodies/sante/").status_code == 200


def test_list_shows_the_names_in_the_other_languages(client, bodies):
    html = client.get("/bodies/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert ">وزارة الصحة</a>" in html  # the reader's language first
    assert '<span lang="fr" dir="ltr">Ministère de la Santé</span>' in html
    assert '<span lang="en" dir="ltr">Ministry of Health</span>' in html


def test_the_search_text_follows_every_save(db):
    """The folded names are stored (one LIKE on SQLite and PostgreSQL), kept by save()."""
    body = PublicBodyFactory(
        code="onee", name_fr="Office de l'Électricité", name_ar="المكتب الوطني للكهرباء"
    )
    assert directory("الكهرباء").get() == body
    body.name_ar = "المكتب الوطني للماء"
    body.save(update_fields=["name_ar"])  # the column follows, even saved alone
    body.refresh_from_db()
    assert "ماء" in body.search_text and "كهرباء" not in body.search_text
    assert list(directory("الكهرباء")) == []
    assert directory("للماء").get() == body
    # bulk_create bypasses save(): the load generator sets it (tests/core).
    PublicBody.objects.filter(pk=body.pk).update(search_text="")
    assert list(directory("الماء")) == []


def test_the_migration_folds_the_bodies_already_there(db):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("ati.bodies.migrations.0004_public_body_search_text")
    body = PublicBodyFactory(name_fr="Ministère de la Santé", name_ar="وزارة الصحة")
    PublicBody.objects.filter(pk=body.pk).update(search_text="")
    migration.fill(apps, None)
    body.refresh_from_db()
    assert body.search_text == search_text_of(body)
    assert "ministere" in body.search_text and "صحه" in body.search_text

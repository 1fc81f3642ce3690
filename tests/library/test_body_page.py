"""A public body's page lists its published documents (ati.bodies' BODY_PANELS)."""

from __future__ import annotations

from ati.library import services
from tests.library.test_publication import answered, propose, published_fr  # noqa: F401
from tests.requests.conftest import clock  # noqa: F401


def test_body_page_lists_its_published_documents_only(client, body, other_body, published_fr):  # noqa: F811
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    html = client.get(f"/bodies/{body.code}/").content.decode()
    assert f'href="/library/{published_fr.pk}/"' in html
    assert f'href="/library/?body={body.pk}"' in html and "See its 1 document" in html
    other = client.get(f"/bodies/{other_body.code}/").content.decode()
    assert f'href="/library/{published_fr.pk}/"' not in other
    # The document's page links back to the body.
    document = client.get(f"/library/{published_fr.pk}/").content.decode()
    assert f'href="/bodies/{body.code}/"' in document


def test_an_unpublished_document_leaves_the_body_page(client, body, officer, published_fr):  # noqa: F811
    services.unpublish(officer, published_fr, reason="Publié par erreur.")
    html = client.get(f"/bodies/{body.code}/").content.decode()
    assert f'href="/library/{published_fr.pk}/"' not in html

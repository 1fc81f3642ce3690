"""The answer form's legal grounds (issue 18, point 2): a fieldset per article with its
legend, each ground under its own label in the reader's language, the whole form the
page's width below the columns. Only the drawing changed: the same choices are valid."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.html import escape

from ati.law.models import ExceptionGround
from ati.requests import services
from ati.requests.actions import REQUEST_ACTIONS
from ati.requests.models import State

pytestmark = pytest.mark.django_db


def grounds_by_legend(html: str) -> dict[str, list[str]]:
    """{legend: [labels]} of the answer form's ground fieldsets, tags left out."""
    block = re.search(r'<div id="id_answer_grounds" class="grounds">(.*?)</div>', html, re.S)
    assert block, "no grounds block in the answer form"
    found = {}
    for legend, body in re.findall(
        r'<fieldset class="ground-group">\s*<legend>(.*?)</legend>(.*?)</fieldset>',
        block.group(1),
        re.S,
    ):
        labels = re.findall(r"<label[^>]*>.*?<bdi>(.*?)</bdi></label>", body, re.S)
        found[re.sub(r"<[^>]+>", "", legend)] = labels
    return found


def legends(language: str) -> tuple[str, str]:
    """The two legends of Law 31-13's grounds in the language (its catalogue's words)."""
    with translation.override(language):
        article = translation.gettext("Article %(number)s") % {"number": "7"}
        return (
            f"{article} — {translation.gettext('Exceptions')}",
            translation.gettext("Other grounds"),
        )


@pytest.fixture
def assigned(submit, officer, department):
    req = submit()
    return services.assign(officer, req, department=department)


def page(client, officer, req, language):
    client.force_login(officer)
    return client.get(f"/requests/{req.reference}/", HTTP_ACCEPT_LANGUAGE=language)


def test_grounds_are_grouped_by_article_each_under_its_own_label(client, officer, assigned):
    html = page(client, officer, assigned, "fr").content.decode()
    groups = grounds_by_legend(html)
    version = assigned.profile_version
    article_7 = [escape(g.label_fr) for g in version.grounds.filter(article="Art. 7")]
    others = [escape(g.label_fr) for g in version.grounds.filter(article="")]
    exceptions, other = legends("fr")
    assert groups == {exceptions: article_7, other: others}
    assert len(article_7) == 14 and len(others) == 6
    # The article is said once, in the legend: no label repeats it, none has empty brackets.
    assert not any("art." in label or "()" in label for label in article_7 + others)


def test_in_arabic_the_legend_and_labels_are_arabic_and_isolated(client, officer, assigned):
    html = page(client, officer, assigned, "ar").content.decode()
    groups = grounds_by_legend(html)
    version = assigned.profile_version
    exceptions, other = legends("ar")
    assert list(groups) == [exceptions, other]
    assert groups[exceptions][0] == "الدفاع الوطني"
    assert groups[other] == [g.label_ar for g in version.grounds.filter(article="")]
    # Isolated: the article in the legend, each label in its box's <label>.
    with translation.override("ar"):
        article = translation.gettext("Article %(number)s") % {"number": "7"}
    assert f"<legend><bdi>{article}</bdi> — " in html
    assert "(Art. 7)" not in html and "(\u2068" not in html


def test_the_answer_form_is_below_the_columns_and_linked_from_the_side_panel(
    client, officer, assigned
):
    html = page(client, officer, assigned, "fr").content.decode()
    columns_end = html.index('<section class="answer-panel"')
    side_panel = html[html.index('class="actions-panel"') : columns_end]
    assert 'href="#answer-form"' in side_panel
    assert "/do/answer/" not in side_panel  # the form itself is not squeezed in there
    answer = html[columns_end:]
    assert re.search(r'<form[^>]*action="[^"]*/do/answer/"[^>]*id="answer-form"', answer)


def test_a_refused_answer_comes_back_with_its_grounds_still_ticked(client, officer, assigned):
    client.force_login(officer)
    response = client.post(
        f"/requests/{assigned.reference}/do/answer/",
        {"outcome": "granted", "text": "Oui.", "grounds": ["private-life", "state-security"]},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 400  # a grant cites no ground (the service says so)
    html = response.content.decode()
    ticked = re.findall(r'<input type="checkbox" name="grounds" value="([^"]+)"[^>]* checked', html)
    assert sorted(ticked) == ["private-life", "state-security"]
    assert re.search(r'<details class="action" open>\s*<summary>Envoyer la réponse', html)


def test_the_same_codes_are_valid_as_before(officer, assigned):
    form = REQUEST_ACTIONS.form("answer", assigned, {"outcome": "refused", "text": "Non."})
    codes = set(
        ExceptionGround.objects.filter(version=assigned.profile_version).values_list(
            "code", flat=True
        )
    )
    assert {code for code, _label in form.fields["grounds"].choices} == codes
    bad = REQUEST_ACTIONS.form(
        "answer", assigned, {"outcome": "refused", "text": "Non.", "grounds": ["no-such-ground"]}
    )
    assert not bad.is_valid() and "grounds" in bad.errors
    good = REQUEST_ACTIONS.form(
        "answer", assigned, {"outcome": "refused", "text": "Non.", "grounds": ["national-defence"]}
    )
    assert good.is_valid(), good.errors
    answered = services.answer(
        officer, assigned, **{k: good.cleaned_data[k] for k in ("outcome", "text", "grounds")}
    )
    assert answered.state == State.ANSWERED
    assert list(answered.refusal_grounds.values_list("code", flat=True)) == ["national-defence"]

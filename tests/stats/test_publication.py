"""What the public reads: the page, the open data, the API and the annual report."""

from __future__ import annotations

import csv
import io
import json
import re

import pypdf
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from ati.stats import appeals
from ati.stats.appeals import AppealFigures, Decision, NonCompliantBody
from ati.stats.compute import COUNT_FIELDS, refresh_stats
from ati.stats.opendata import COLUMN_NAMES
from ati.stats.selectors import figures

from .conftest import PLANTED_CIN, PLANTED_NAME, TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_fr():
    return Client(HTTP_ACCEPT_LANGUAGE="fr")


def _csv(client, url="/statistics/data/requests.csv"):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _cell(html: str, body_code: str, column: str) -> int:
    """The number in a body's row (of whichever table has that column)."""
    for row in re.findall(rf'<tr data-body="{re.escape(body_code)}">(.*?)</tr>', html, re.S):
        cell = re.search(rf'data-col="{column}">([^<]*)<', row)
        if cell:
            return int(re.sub(r"\D", "", cell.group(1)))
    raise AssertionError(f"no {column} for {body_code}")


def test_csv_json_api_and_page_show_the_same_numbers(scenario, client_fr):
    csv_rows = _csv(client_fr)
    data = client_fr.get("/statistics/data/requests.json").json()
    api = client_fr.get("/api/v1/statistics/").json()
    assert list(csv_rows[0]) == list(COLUMN_NAMES)
    assert [c["name"] for c in data["columns"]] == list(COLUMN_NAMES)
    assert api["rows"] == data["rows"]
    assert len(csv_rows) == len(data["rows"])
    for from_csv, from_json in zip(csv_rows, data["rows"], strict=True):
        for name in COLUMN_NAMES:
            value = from_json[name]
            assert from_csv[name] == ("" if value is None else str(value)), name
    page = client_fr.get("/statistics/?year=2026").content.decode()
    for body in (scenario["body"], scenario["other_body"]):
        mine = [r for r in data["rows"] if r["body_code"] == body.code and r["year"] == 2026]
        for column in (
            "received",
            "answered_on_time",
            "answered_late",
            "open_past_deadline",
            "granted",
            "partially_granted",
            "refused",
            "not_held",
            "transferred",
            "withdrawn",
            "open_within_deadline",
        ):
            assert _cell(page, body.code, column) == sum(r[column] for r in mine), column


def test_open_data_filters_by_year_and_body(scenario, client_fr):
    code = scenario["other_body"].code
    rows = _csv(client_fr, f"/statistics/data/requests.csv?year=2026&body={code}")
    assert rows and {r["body_code"] for r in rows} == {code}
    assert client_fr.get("/statistics/data/requests.json?year=1999").json()["rows"] == []


def test_open_data_holds_no_personal_data(scenario, client_fr):
    files = [
        client_fr.get("/statistics/data/requests.csv").content.decode(),
        client_fr.get("/statistics/data/requests.json").content.decode(),
        client_fr.get("/api/v1/statistics/").content.decode(),
        client_fr.get("/statistics/").content.decode(),
        json.dumps(scenario["snapshot"].data, ensure_ascii=False),
    ]
    for text in files:
        for secret in (
            PLANTED_NAME,
            "Planted-Applicant",
            PLANTED_CIN,
            "amina@example.org",
            "0661 23 45 67",
            "Oued Fès",
            "Demande refused_late",
        ):
            assert secret not in text


def test_statistics_page_in_french_and_arabic(scenario):
    fr = Client(HTTP_ACCEPT_LANGUAGE="fr").get("/statistics/?year=2026")
    ar = Client(HTTP_ACCEPT_LANGUAGE="ar").get("/statistics/?year=2026")
    for response, lang in ((fr, "fr"), (ar, "ar")):
        html = response.content.decode()
        assert response.status_code == 200
        assert f'lang="{lang}"' in html
        assert html.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == 4
        for chart in ("on-time", "response", "grounds", "trend"):
            assert f'aria-labelledby="chart-{chart}-title chart-{chart}-desc"' in html
        assert html.count("<table") >= 4
        assert 'href="/statistics/"' in html  # the nav link
    assert 'dir="rtl"' in ar.content.decode()
    assert scenario["body"].name_ar in ar.content.decode()
    assert scenario["body"].name_fr in fr.content.decode()


def test_statistics_page_for_one_body_lists_its_departments(scenario, client_fr):
    response = client_fr.get(f"/statistics/?year=2026&body={scenario['body'].code}")
    assert response.status_code == 200
    assert scenario["department"].name_fr in response.content.decode()
    assert client_fr.get("/statistics/?body=no-such-body").status_code == 404
    assert client_fr.get("/statistics/?year=abc").status_code == 404


def test_cached_page_reads_one_small_row(scenario, client_fr, django_assert_max_num_queries):
    client_fr.get("/statistics/?year=2026")
    with django_assert_max_num_queries(1):
        assert client_fr.get("/statistics/?year=2026").status_code == 200


def test_data_dictionary_describes_every_column(scenario, client_fr):
    html = client_fr.get("/statistics/data/").content.decode()
    for name in COLUMN_NAMES:
        assert f"<code>{name}</code>" in html


def test_statistics_in_the_openapi_schema(db):
    response = Client().get("/api/schema/?format=json")
    schema = response.json() if response["Content-Type"].startswith("application/json") else None
    text = response.content.decode()
    assert "/api/v1/statistics/" in text
    assert "median_response_working_days" in text or schema


def _pdf_text(path) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_annual_report_command_writes_the_pdf(scenario, tmp_path, lang, clock):
    out = tmp_path / f"report-{lang}.pdf"
    call_command(
        "annual_report", "--year", "2026", "--lang", lang, "--out", str(out), stdout=io.StringIO()
    )
    assert out.read_bytes()[:4] == b"%PDF"
    text = _pdf_text(out)
    assert "2026" in text
    name = scenario["body"].name_ar if lang == "ar" else scenario["body"].name_fr
    assert name in text


@pytest.mark.parametrize(
    "args",
    [
        ["--year", "1990", "--lang", "fr"],
        ["--year", "twenty", "--lang", "fr"],
        ["--year", "2026", "--lang", "de"],
        ["--year", "2099", "--lang", "ar"],
    ],
)
def test_annual_report_refuses_a_bad_year_or_language_with_exit_2(db, tmp_path, args):
    with pytest.raises(CommandError) as error:
        call_command("annual_report", *args, "--out", str(tmp_path / "x.pdf"))
    assert error.value.returncode == 2
    assert "\n" not in str(error.value)
    assert not (tmp_path / "x.pdf").exists()


def test_appeal_figures_are_empty_without_a_provider(scenario, monkeypatch):
    monkeypatch.setattr(appeals, "_providers", [])
    assert appeals.appeal_figures(2026) == AppealFigures()


def test_the_appeals_app_provides_the_figures(scenario):
    assert appeals.appeal_figures(2026).available is True
    fig = figures(scenario["snapshot"], year=2026)
    assert fig.appeals.available is True


def test_appeal_figures_come_from_the_registered_provider(scenario, monkeypatch, tmp_path):
    body = scenario["body"]

    def provider(year: int) -> AppealFigures:
        return AppealFigures(
            available=True,
            complaints_to_head=3,
            appeals_to_commission=2,
            commission_decisions={"disclosure_ordered": 1, "refusal_confirmed": 1},
            compliance={"complied": 0, "not_complied": 1},
            non_compliant_bodies=[NonCompliantBody(body.pk, 1, 1)],
            decisions=[Decision("2026-11-30", "CDAI-2026-001", body.pk, "disclosure_ordered")],
        )

    monkeypatch.setattr(appeals.apps, "is_installed", lambda name: True)
    appeals.register_provider(provider)
    try:
        snapshot = refresh_stats(today=TODAY)
        fig = figures(snapshot, year=2026)
        assert fig.appeals.available and fig.appeals.appeals_to_commission == 2
        assert fig.appeals.non_compliant_bodies[0].body_id == body.pk
        out = tmp_path / "r.pdf"
        call_command(
            "annual_report",
            "--year",
            "2026",
            "--lang",
            "fr",
            "--out",
            str(out),
            "--no-refresh",
            stdout=io.StringIO(),
        )
        assert "CDAI-2026-001" in _pdf_text(out)
    finally:
        appeals.unregister_provider(provider)


def test_counts_are_the_declared_columns():
    assert set(COUNT_FIELDS) <= set(COLUMN_NAMES)


def test_refresh_task_recomputes(scenario):
    from ati.stats.tasks import refresh_stats as task

    assert task.apply().get()


def test_pages_and_files_work_before_any_request(db, client_fr):
    assert client_fr.get("/statistics/").status_code == 200
    data = client_fr.get("/statistics/data/requests.json").json()
    assert data["rows"] == []
    assert client_fr.get("/statistics/data/").status_code == 200

"""Law 09-08: an applicant downloads everything ati holds about them, and has it erased
once the retention period after their last procedure has ended (issue 11, § 6).

Two citizens of the world (`world.py`) have planted identities; the erasure of the
first must leave none of theirs in any column of any table, nor their files on
disk, and leave the second's data, the request rows, the statistics and the audit
chain as they were.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client

from ati.accounts import services as account_services
from ati.accounts.models import ApiToken
from ati.appeals.models import AppealState
from ati.audit.models import AuditEvent
from ati.audit.selectors import verify_chain
from ati.law.deadlines import format_date
from ati.notifications.models import JobRun, Notification, NotificationAttachment
from ati.notifications.services import deliver_pending
from ati.personal_data import services
from ati.personal_data.models import ErasureRequest, ErasureState
from ati.personal_data.retention import retention_for
from ati.personal_data.tasks import erase_due
from ati.requests import services as request_services
from ati.requests.models import Attachment, InformationRequest, State
from ati.stats.compute import refresh_stats
from ati.stats.models import RequestFact
from tests.factories import api_key

from .world import IDENTITIES, NOW, PDF, build_world

PASSWORD = "correct horse battery staple"  # tests/factories.py
RETENTION_DAYS = 30


def needles(identity: dict[str, str]) -> list[str]:
    values = [identity[k] for k in ("first_name", "last_name", "id_number", "email", "phone")]
    values += [identity["phone"].replace(" ", ""), identity["address"].split(",")[0]]
    return [v.lower() for v in values]


MINE, THEIRS = needles(IDENTITIES[0]), needles(IDENTITIES[1])


def rows_holding(words: list[str]) -> list[str]:
    """Every table.column of the database (all tables, not only the models') where one of
    the words appears, whatever the column's type (cast to text)."""
    found = []
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                cell = f"LOWER(CAST({qn(column.name)} AS TEXT))"
                where = " OR ".join([f"{cell} LIKE %s"] * len(words))
                cursor.execute(
                    f"SELECT COUNT(*) FROM {qn(table)} WHERE {where}",  # noqa: S608 - names from the schema
                    [f"%{w}%" for w in words],
                )
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{column.name}")
    return found


def _upload(name: str = "carte.pdf") -> request_services.Upload:
    return request_services.Upload(file=io.BytesIO(PDF), name=name, size=len(PDF))


def _with_messages(world) -> None:
    """Messages both ways, an internal note, and the other citizen's own message."""
    me, them = IDENTITIES
    citizen, officer = world.users["citizen"], world.users["officer"]
    request_services.post_message(
        citizen,
        world.submitted,
        text=f"Je suis {me['first_name']} {me['last_name']}, joignable au {me['phone']}.",
        attachments=[_upload("justificatif.pdf")],
    )
    request_services.post_message(
        officer, world.submitted, text=f"Madame {me['last_name']}, nous traitons votre demande."
    )
    request_services.post_message(
        officer,
        world.submitted,
        text=f"Note interne : vérifier la CIN {me['id_number']} avant de répondre.",
        internal=True,
    )
    request_services.post_message(
        world.users["other_citizen"],
        world.other_request,
        text=f"{them['first_name']} {them['last_name']}, {them['phone']}.",
        attachments=[_upload("autre.pdf")],
    )


def _finish(world) -> None:
    """End every procedure of the first citizen: the body complies with the order."""
    citizen, officer = world.users["citizen"], world.users["officer"]
    request_services.withdraw(citizen, world.submitted, reason="")
    refused = InformationRequest.objects.get(pk=world.refused.pk)
    assert refused.state == State.SUBMITTED  # reopened by the commission's order
    request_services.answer(officer, refused, outcome="granted", text="Voici le rapport.")
    world.appeal.refresh_from_db()
    assert world.appeal.state == AppealState.COMPLIED


@pytest.fixture
def world(db, settings):
    settings.ATI_PERSONAL_DATA_RETENTION_DAYS = RETENTION_DAYS
    with time_machine.travel(NOW, tick=False):
        built = build_world()
        _with_messages(built)
    return built


@pytest.fixture
def finished(world):
    with time_machine.travel(NOW, tick=False):
        _finish(world)
        deliver_pending()  # the receipts are made at delivery: now files in storage
    return world


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _after_retention(user) -> dt.datetime:
    with time_machine.travel(NOW, tick=False):
        kept_until = retention_for(user).kept_until
    assert kept_until is not None
    return dt.datetime.combine(kept_until + dt.timedelta(days=1), dt.time(10), NOW.tzinfo)


# --- download my data ----------------------------------------------------------------------------


def _archive(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_export_holds_the_applicants_own_data_and_files_and_nothing_of_anyone_else(world):
    citizen = world.users["citizen"]
    with time_machine.travel(NOW, tick=False):
        response = _signed_in(citizen).post("/accounts/me/data/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    archive = _archive(response)
    data = json.loads(archive.read("data.json"))
    me = IDENTITIES[0]

    assert data["account"]["email"] == me["email"]
    assert {r["reference"] for r in data["requests"]} == {
        world.submitted.reference,
        world.refused.reference,
        world.granted.reference,
    }
    first = next(r for r in data["requests"] if r["reference"] == world.submitted.reference)
    assert first["applicant"]["identity_document_number"] == me["id_number"]
    assert first["applicant"]["telephone"] == me["phone"]
    assert [m["from"] for m in first["messages"]] == ["you", "the body"]
    assert first["timeline"][0]["action"] == "request.submitted"
    # Two messages the applicant sees; the body's internal note is not even mentioned.
    assert [e["action"] for e in first["timeline"]].count("request.message") == 2
    refused = next(r for r in data["requests"] if r["reference"] == world.refused.reference)
    assert refused["complaints"][0]["reasons"] == "Refus non fondé."
    assert refused["appeals"][0]["decision"] == "disclosure_ordered"
    assert data["notices"] and all(n["email"] == me["email"] for n in data["notices"])
    assert data["retention"]["may_be_erased_now"] is False
    assert data["activity"] and {a["action"] for a in data["activity"]} >= {"request.submitted"}

    # The files: the request's attachment, the message's, and the letters of the notices.
    names = archive.namelist()
    attachment = f"requests/{world.submitted.reference}/piece.pdf"
    assert archive.read(attachment) == PDF
    assert archive.read(f"requests/{world.submitted.reference}/justificatif.pdf") == PDF
    letters = [n for n in names if n.startswith("notices/") and n.endswith(".pdf")]
    assert any(n.split("/")[-1].startswith("recepisse-") for n in letters)
    assert all(archive.read(n).startswith(b"%PDF") for n in letters)
    assert {"README.txt", "data.json"} <= set(names)

    # Nothing of the other citizen, of the body's internal note, or of a staff member.
    everything = "\n".join(archive.read(n).decode("utf-8", "replace") for n in names).lower()
    assert [w for w in THEIRS if w in everything] == []
    assert "vérifier la cin" not in everything  # the internal note
    for role in ("officer", "head", "commissioner"):
        staff = world.users[role]
        assert staff.email.lower() not in everything and staff.full_name.lower() not in everything

    event = AuditEvent.objects.filter(action="personal_data.exported").get()
    assert event.actor_id == citizen.pk
    assert event.after["requests"] == 3 and event.after["files"] == len(
        [n for n in names if n.startswith(("requests/", "notices/"))]
    )
    assert verify_chain()[1] is None


def test_export_is_rate_limited(world, settings):
    settings.ATI_RATE_LIMITS = {**settings.ATI_RATE_LIMITS, "export": (2, 3600)}
    client = _signed_in(world.users["other_citizen"])
    statuses = [client.post("/accounts/me/data/export/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_export_is_not_offered_to_staff_or_by_get(world):
    assert _signed_in(world.users["officer"]).post("/accounts/me/data/export/").status_code == 403
    assert _signed_in(world.users["citizen"]).get("/accounts/me/data/export/").status_code == 405


# --- erasure refused while the data must be kept -------------------------------------------------


def test_erasure_is_refused_while_a_procedure_runs_with_the_earliest_date(world):
    citizen = world.users["citizen"]
    client = _signed_in(citizen)
    with time_machine.travel(NOW, tick=False):
        page = client.get("/accounts/me/data/erasure/")
        assert page.status_code == 200
        retention = retention_for(citizen)
        assert retention.running and not retention.may_erase
        assert retention.kept_until == NOW.date() + dt.timedelta(days=RETENTION_DAYS)
        date = format_date(retention.kept_until, "fr", weekday=False)
        assert date in page.content.decode()
        assert client.post("/accounts/me/data/erasure/", {"password": "wrong"}).status_code == 400
        assert not ErasureRequest.objects.exists()
        response = client.post("/accounts/me/data/erasure/", {"password": PASSWORD}, follow=True)
    assert response.status_code == 200
    assert "au plus tôt" in response.content.decode() and date in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.is_active and citizen.email == IDENTITIES[0]["email"]
    kept = InformationRequest.objects.filter(applicant=citizen, identity_erased_at=None)
    assert kept.count() == 3
    pending = ErasureRequest.objects.get(user=citizen)
    assert pending.state == ErasureState.PENDING
    assert pending.not_before == retention.kept_until + dt.timedelta(days=1)
    assert AuditEvent.objects.filter(action="personal_data.erasure_requested").count() == 1


def test_erasure_is_refused_until_the_retention_period_has_ended(finished):
    citizen = finished.users["citizen"]
    with time_machine.travel(NOW, tick=False):
        retention = retention_for(citizen)
    assert not retention.running
    # The procedure ended with the last window to appeal; the data are kept N days more.
    assert retention.kept_until >= NOW.date() + dt.timedelta(days=RETENTION_DAYS)
    with time_machine.travel(
        dt.datetime.combine(retention.kept_until, dt.time(23), NOW.tzinfo), tick=False
    ):
        with pytest.raises(services.RetentionNotOver) as refused:
            services.erase_account(citizen)
        assert format_date(retention.kept_until, "fr", weekday=False) in str(refused.value)
    citizen.refresh_from_db()
    assert citizen.is_active and not AuditEvent.objects.filter(action="personal_data.erased")
    with time_machine.travel(_after_retention(citizen), tick=False):
        assert retention_for(citizen).may_erase


# --- erasure after the retention period ----------------------------------------------------------


def _files_of(requests, users) -> list[Path]:
    paths = [Path(a.file.path) for a in Attachment.objects.filter(request__in=requests)]
    paths += [
        Path(n.file.path)
        for n in NotificationAttachment.objects.filter(notification__recipient__in=users)
        if n.file
    ]
    return paths


def test_after_retention_no_identity_of_the_applicant_remains_and_the_rest_stays(
    finished, django_capture_on_commit_callbacks
):
    citizen, other = finished.users["citizen"], finished.users["other_citizen"]
    mine = InformationRequest.objects.filter(applicant=citizen)
    my_files = _files_of(mine, [citizen])
    their_files = _files_of(InformationRequest.objects.filter(applicant=other), [other])
    assert my_files and their_files and all(p.exists() for p in my_files + their_files)
    assert any("notifications" in p.parts for p in my_files)  # the receipts as sent
    api_key(citizen)
    elsewhere = _signed_in(citizen)  # another browser, left signed in
    # Not vacuous: before, the identity is in many places (requests, messages, the answer,
    # the library's private original, notices, the account).
    assert len(rows_holding(MINE)) >= 6
    with time_machine.travel(NOW, tick=False):
        refresh_stats()
    facts_before = sorted(RequestFact.objects.values_list("request_id", "status", "outcome"))
    requests_before = InformationRequest.objects.count()
    events_before = AuditEvent.objects.count()

    with time_machine.travel(_after_retention(citizen), tick=False):
        client = _signed_in(citizen)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/accounts/me/data/erasure/", {"password": PASSWORD})
        assert response.status_code == 200
        assert "effacées" in response.content.decode()
        assert client.get("/accounts/me/").status_code == 302  # signed out
        assert elsewhere.get("/accounts/me/").status_code == 302  # every session ended
        refresh_stats(NOW.date())

    assert rows_holding(MINE) == []
    assert [p for p in my_files if p.exists()] == []
    assert all(p.exists() for p in their_files)
    assert len(rows_holding(THEIRS)) >= 4  # the other citizen keeps everything

    citizen.refresh_from_db()
    assert not citizen.is_active and not citizen.has_usable_password()
    assert citizen.email == f"erased-{citizen.pk}@erased.invalid" and citizen.full_name == ""
    assert not ApiToken.objects.filter(user=citizen).exists()
    assert not Client().login(username=IDENTITIES[0]["email"], password=PASSWORD)
    assert InformationRequest.objects.count() == requests_before
    assert mine.filter(identity_erased_at__isnull=False).count() == 3
    assert sorted(RequestFact.objects.values_list("request_id", "status", "outcome")) == (
        facts_before
    )
    assert verify_chain() == (events_before + 1, None)  # one event more, nothing rewritten
    erased = AuditEvent.objects.get(action="personal_data.erased")
    assert erased.actor_id == citizen.pk and erased.object_repr == f"citizen #{citizen.pk}"
    assert erased.after["requests"] == 3 and erased.after["messages"] == 1
    assert ErasureRequest.objects.get(user=citizen).state == ErasureState.DONE
    assert not Notification.objects.filter(recipient=citizen).exists()


def test_the_officer_sees_an_anonymous_request_after_the_erasure(finished):
    citizen = finished.users["citizen"]
    with time_machine.travel(_after_retention(citizen), tick=False):
        services.erase_account(citizen)
        page = _signed_in(finished.users["officer"]).get(f"/requests/{finished.granted.reference}/")
    assert page.status_code == 200
    assert "Identité effacée" in page.content.decode()
    assert "[identité masquée]" in page.content.decode()  # the answer named its applicant


# --- the stored request, the periodic job and the command ----------------------------------------


def _table_dump() -> str:
    """Every row of every table, for comparing the database before and after."""
    out = []
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {qn(table)}")  # noqa: S608 - names from the schema
            out.append(f"{table}: {sorted(map(repr, cursor.fetchall()))}")
    return "\n".join(out)


def _asked_within_retention(world) -> None:
    with time_machine.travel(NOW, tick=False):
        outcome = services.request_erasure(world.users["citizen"], password=PASSWORD)
    assert not outcome.erased


def test_the_command_dry_run_changes_nothing_then_the_run_erases(finished, capsys):
    citizen = finished.users["citizen"]
    _asked_within_retention(finished)
    with time_machine.travel(_after_retention(citizen), tick=False):
        before = _table_dump()
        call_command("erase_expired_personal_data", "--dry-run")
        assert _table_dump() == before
        out = capsys.readouterr().out.splitlines()
        assert f"account #{citizen.pk}: would be erased" in "\n".join(out)
        assert out[-1] == "would erase: 1 accounts, 0 requests"

        call_command("erase_expired_personal_data")
        out = capsys.readouterr().out.splitlines()
        assert out[-1] == "erased: 1 accounts, 0 requests"
        assert rows_holding(MINE) == []
        call_command("erase_expired_personal_data")
        assert capsys.readouterr().out.splitlines()[-1] == "erased: 0 accounts, 0 requests"


def test_the_command_refuses_bad_input(world, capsys):
    with pytest.raises(CommandError) as unknown:
        call_command("erase_expired_personal_data", "--user", "nobody@example.org")
    assert unknown.value.returncode == 2
    with pytest.raises(CommandError) as staff:
        call_command("erase_expired_personal_data", "--user", world.users["officer"].email)
    assert staff.value.returncode == 2
    with pytest.raises(CommandError):
        call_command("erase_expired_personal_data", "--user", "1", "--all-past-retention")


def test_the_command_records_a_request_received_by_letter(world, capsys):
    citizen = world.users["citizen"]
    with time_machine.travel(NOW, tick=False):
        call_command("erase_expired_personal_data", "--user", IDENTITIES[0]["email"])
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "erased: 0 accounts, 0 requests"
    assert f"account #{citizen.pk}: not erased, not before" in out[-2]
    assert ErasureRequest.objects.get(user=citizen).state == ErasureState.PENDING


def test_the_periodic_job_erases_once_the_retention_has_ended(finished):
    citizen = finished.users["citizen"]
    _asked_within_retention(finished)
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        assert erase_due() == 0
    citizen.refresh_from_db()
    assert citizen.is_active
    with time_machine.travel(_after_retention(citizen), tick=False):
        assert erase_due() == 1
    citizen.refresh_from_db()
    assert not citizen.is_active
    assert JobRun.objects.get(name="erase_expired_personal_data").runs == 2


def test_a_new_request_postpones_a_stored_erasure(finished):
    citizen = finished.users["citizen"]
    _asked_within_retention(finished)
    later = _after_retention(citizen)
    with time_machine.travel(later - dt.timedelta(days=2), tick=False):
        request_services.submit_request(
            citizen,
            body=finished.body,
            applicant=request_services.ApplicantDetails(
                first_name="Zineb",
                last_name="Qorchi-Belmokhtar",
                address="17 derb Sidi Bouloukat, Marrakech",
                id_number="QZ918273",
                email=citizen.email,
            ),
            details=request_services.RequestDetails(subject="Encore", information_requested="…"),
        )
    with time_machine.travel(later, tick=False):
        assert erase_due() == 0
    citizen.refresh_from_db()
    assert citizen.is_active
    assert ErasureRequest.objects.get(user=citizen).not_before > later.date()


def test_the_applicant_may_withdraw_a_stored_erasure(world):
    citizen = world.users["citizen"]
    _asked_within_retention(world)
    client = _signed_in(citizen)
    assert client.post("/accounts/me/data/erasure/cancel/").status_code == 302
    assert ErasureRequest.objects.get(user=citizen).state == ErasureState.CANCELLED
    with time_machine.travel(_after_retention(citizen) + dt.timedelta(days=400), tick=False):
        assert erase_due() == 0


def test_all_past_retention_erases_every_expired_identity_but_no_account(finished, capsys):
    citizen, other = finished.users["citizen"], finished.users["other_citizen"]
    with time_machine.travel(_after_retention(citizen), tick=False):
        call_command("erase_expired_personal_data", "--all-past-retention")
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "erased: 0 accounts, 3 requests"
    assert InformationRequest.objects.filter(applicant=citizen, applicant_email="").count() == 3
    # The other citizen's request is still open: kept. No account is touched.
    assert InformationRequest.objects.get(applicant=other).applicant_email
    citizen.refresh_from_db()
    assert citizen.is_active and citizen.email == IDENTITIES[0]["email"]
    assert verify_chain()[1] is None


# --- the audit log holds no applicant's identity -------------------------------------------------


def test_audit_events_name_a_citizen_by_number_only(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = account_services.register_citizen(
        email="nadia.rahmouni@example.org", full_name="Nadia Rahmouni", password="x-Kq8#pw-2026"
    )
    event = AuditEvent.objects.get(action="account.registered")
    assert event.actor_label == f"citizen #{user.pk}" == event.object_repr
    assert "nadia" not in json.dumps([event.after, event.before, event.reason]).lower()


def test_the_account_page_offers_both_rights_to_applicants_only_in_each_language(world):
    citizen_page = _signed_in(world.users["citizen"]).get("/accounts/me/").content.decode()
    assert (
        "/accounts/me/data/export/" in citizen_page and "/accounts/me/data/erasure/" in citizen_page
    )
    officer_page = _signed_in(world.users["officer"]).get("/accounts/me/").content.decode()
    assert "/accounts/me/data/" not in officer_page
    client = _signed_in(world.users["citizen"])
    with time_machine.travel(NOW, tick=False):
        arabic = client.get("/accounts/me/data/erasure/", HTTP_ACCEPT_LANGUAGE="ar")
        english = client.get("/accounts/me/data/erasure/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'dir="rtl"' in arabic.content.decode()
    assert "محو معطياتك الشخصية" in arabic.content.decode()
    assert "Erasure of your personal data" in english.content.decode()

"""Who gets what: every URL of the URL conf × every role → the expected status.

One row per URL name (API router routes by their route name, the Django admin
as one row for its whole prefix). `test_access_matrix.py` requests each row as
each role against the world of `world.py`, and fails on any URL of the URL conf
that has no row here: a new page or endpoint must say who may use it.

Statuses: LOGIN is a redirect to the login page (302); 200/201/204 success;
302 a redirect after a successful form; 400 bad input from someone allowed to
try; 403 a role that may not; 404 something this person may not know exists;
405 a method the URL does not offer; 409 not possible in the current state;
410 gone (an unpublished document).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .world import NOW, ROLES, World

LOGIN = "login"  # 302 to the login page
ADMIN_LOGIN = "admin-login"  # 302 to the admin's login page

Status = int | str


def expect(default: Status, **overrides: Status) -> dict[str, Status]:
    unknown = set(overrides) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return {role: overrides.get(role, default) for role in ROLES}


@dataclass(frozen=True)
class Row:
    expected: dict[str, Status]
    method: str = "GET"
    kwargs: Callable[[World], dict[str, Any]] = lambda w: {}
    data: Callable[[World], dict[str, Any]] = lambda w: {}
    query: str = ""
    why: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def ref(attr: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"reference": getattr(w, attr).reference}


def pk(attr: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"pk": getattr(w, attr).pk}


# Shorthands for the usual shapes.
PUBLIC = expect(200)
SIGNED_IN = expect(200, anonymous=LOGIN)
API_SIGNED_IN = expect(200, anonymous=403)
MATRIX: dict[str, Row] = {}


def _answer(w: World) -> dict[str, Any]:
    return {"outcome": "granted", "text": "Voici les documents."}


def _page(attr: str) -> Callable[[World], dict[str, Any]]:
    """A publication and the first page of its released file."""

    def kwargs(w: World) -> dict[str, Any]:
        pub = getattr(w, attr)
        page = pub.documents.get().pages.get()
        return {"pk": pub.pk, "page_pk": page.pk}

    return kwargs


def _api_request_pk(attr: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"pk": getattr(w, attr).pk}


MATRIX.update(
    {
        # --- core, accounts, law -------------------------------------------------------
        "core:home": Row(expect(200)),
        "core:health": Row(expect(200)),
        "core:help": Row(expect(200)),
        "core:help_guide": Row(expect(200), kwargs=lambda w: {"name": "citizen"}),
        "bodies:list": Row(expect(200)),
        "bodies:detail": Row(expect(200), kwargs=lambda w: {"code": w.body.code}),
        "accounts:register": Row(expect(302), why="the former address: to account_signup"),
        "accounts:verify_email": Row(expect(400), kwargs=lambda w: {"token": "not-a-token"}),
        "accounts:account": Row(expect(200, anonymous=LOGIN)),
        # Personal API tokens: each person their own; another's token is not found.
        "accounts:api_tokens": Row(SIGNED_IN),
        "accounts:revoke_api_token": Row(
            expect(404, anonymous=LOGIN), method="POST", kwargs=lambda w: {"pk": 999999}
        ),
        # Law 09-08 rights: each applicant over their own data only; staff accounts are the
        # administrator's business (403).
        "personal_data:export": Row(
            expect(403, anonymous=LOGIN, citizen=200, other_citizen=200), method="POST"
        ),
        "personal_data:erasure": Row(expect(403, anonymous=LOGIN, citizen=200, other_citizen=200)),
        "personal_data:cancel_erasure": Row(
            expect(403, anonymous=LOGIN, citizen=302, other_citizen=302), method="POST"
        ),
        "law:deadlines": Row(expect(200)),
        "law:calendar": Row(expect(302)),
        "law:calendar-month": Row(expect(200), kwargs=lambda w: {"year": 2026, "month": 11}),
        "set_language": Row(expect(302), method="POST", data=lambda w: {"language": "en"}),
        # --- requests: pages -----------------------------------------------------------
        "requests:submit": Row(
            expect(
                403, anonymous=LOGIN, citizen=200, other_citizen=200, officer=302, other_officer=302
            )
        ),
        "requests:mine": Row(expect(200, anonymous=LOGIN)),
        # Published answers only (public anyway): any signed-in person, rate-limited.
        "requests:similar": Row(expect(200, anonymous=LOGIN)),
        "requests:detail": Row(
            expect(200, anonymous=LOGIN, other_citizen=404, other_officer=404, other_staff=404),
            kwargs=ref("submitted"),
        ),
        "requests:act": Row(
            expect(
                403,
                anonymous=LOGIN,
                other_citizen=404,
                officer=302,
                other_officer=404,
                other_staff=404,
            ),
            method="POST",
            kwargs=lambda w: {"reference": w.submitted.reference, "action": "answer"},
            data=_answer,
        ),
        "requests:message": Row(
            expect(
                404,
                anonymous=LOGIN,
                citizen=302,
                officer=302,
                head=403,
                commissioner=403,
                administrator=403,
            ),
            method="POST",
            kwargs=ref("submitted"),
            data=lambda w: {"text": "Bonjour"},
        ),
        "requests:receipt": Row(
            expect(404, anonymous=LOGIN, citizen=200, officer=200, head=200),
            kwargs=ref("submitted"),
        ),
        "requests:answer_letter": Row(
            expect(404, anonymous=LOGIN, citizen=200, officer=200, head=200), kwargs=ref("granted")
        ),
        # The world has no extended or transferred request: no such letter for anyone
        # (tests/appeals/test_letters.py downloads both as the body's officer).
        "requests:extension_letter": Row(expect(404, anonymous=LOGIN), kwargs=ref("submitted")),
        "requests:transfer_letter": Row(expect(404, anonymous=LOGIN), kwargs=ref("submitted")),
        "requests:download": Row(
            expect(200, anonymous=LOGIN, other_citizen=404, other_officer=404, other_staff=404),
            kwargs=lambda w: {"reference": w.submitted.reference, "attachment_id": w.attachment_id},
        ),
        "requests:queue": Row(
            expect(200, anonymous=LOGIN, citizen=403, other_citizen=403, commissioner=403)
        ),
        "requests:bulk_assign": Row(
            expect(403, anonymous=LOGIN, officer=302, other_officer=302),
            method="POST",
            data=lambda w: {"department": w.department.pk, "selected": [w.submitted.reference]},
        ),
        "requests:record": Row(expect(403, anonymous=LOGIN, officer=200, other_officer=200)),
        # --- appeals: pages ------------------------------------------------------------
        "appeals:file_complaint": Row(
            expect(
                403,
                anonymous=LOGIN,
                citizen=400,
                other_citizen=404,
                other_officer=404,
                other_staff=404,
            ),
            method="POST",
            kwargs=ref("refused"),
            data=lambda w: {"ground": "refusal", "reasons": "Encore."},
        ),
        "appeals:file_appeal": Row(
            expect(
                403,
                anonymous=LOGIN,
                citizen=400,
                other_citizen=404,
                other_officer=404,
                other_staff=404,
            ),
            method="POST",
            kwargs=ref("refused"),
            data=lambda w: {"reasons": "Encore."},
        ),
        "appeals:complaints": Row(
            expect(403, anonymous=LOGIN, officer=200, other_officer=200, head=200)
        ),
        "appeals:complaint": Row(
            expect(200, anonymous=LOGIN, other_citizen=404, other_officer=404, other_staff=404),
            kwargs=pk("complaint"),
        ),
        "appeals:complaint_pdf": Row(
            expect(200, anonymous=LOGIN, other_citizen=404, other_officer=404, other_staff=404),
            kwargs=pk("complaint"),
        ),
        "appeals:complaint_act": Row(
            expect(
                403,
                anonymous=LOGIN,
                other_citizen=404,
                other_officer=404,
                other_staff=404,
                head=409,
            ),
            method="POST",
            kwargs=lambda w: {"pk": w.complaint.pk, "action": "overturn"},
            data=lambda w: {"text": "Infirmé."},
        ),
        "appeals:appeal": Row(
            expect(200, anonymous=LOGIN, other_citizen=404, other_officer=404, other_staff=404),
            kwargs=pk("appeal"),
        ),
        "appeals:appeal_act": Row(
            expect(
                403,
                anonymous=LOGIN,
                other_citizen=404,
                other_officer=404,
                other_staff=404,
                commissioner=302,
            ),
            method="POST",
            kwargs=lambda w: {"pk": w.appeal.pk, "action": "publish"},
            data=lambda w: {"text": "Décision anonymisée."},
        ),
        "appeals:decision_pdf": Row(
            expect(200, anonymous=LOGIN, other_citizen=404, other_officer=404, other_staff=404),
            kwargs=pk("appeal"),
        ),
        "appeals:dashboard": Row(expect(403, anonymous=LOGIN, commissioner=200, administrator=200)),
        "appeals:non_compliance": Row(
            expect(403, anonymous=LOGIN, commissioner=200, administrator=200)
        ),
        "appeals:published": Row(expect(200)),
        # --- notifications, statistics -------------------------------------------------
        "notifications:inbox": Row(expect(200, anonymous=LOGIN)),
        "notifications:mark_read": Row(expect(302, anonymous=LOGIN), method="POST"),
        "stats:statistics": Row(expect(200)),
        "stats:data": Row(expect(200)),
        "stats:requests_csv": Row(expect(200)),
        "stats:requests_json": Row(expect(200)),
        # --- library -------------------------------------------------------------------
        "library:list": Row(expect(200)),
        "library:document": Row(expect(200), kwargs=pk("published")),
        "library:pdf": Row(expect(200), kwargs=pk("published")),
        "library:review": Row(
            expect(404, anonymous=LOGIN, officer=200, administrator=200), kwargs=pk("pending")
        ),
        "library:unpublish": Row(
            expect(403, anonymous=LOGIN, officer=302, administrator=302),
            method="POST",
            kwargs=pk("published"),
            data=lambda w: {"reason": "Erreur."},
        ),
        "library:review_queue": Row(expect(200, anonymous=LOGIN)),
        # A released document's pages: public once published (redacted images and text);
        # the original page image only to those who review the proposal.
        "library:page": Row(expect(200), kwargs=_page("published")),
        "library:page_image": Row(
            expect(200), kwargs=lambda w: {**_page("published")(w), "size": "thumb"}
        ),
        "library:review_page_image": Row(
            expect(404, anonymous=LOGIN, officer=200, administrator=200), kwargs=_page("pending")
        ),
        "library:new": Row(
            expect(403, anonymous=LOGIN, officer=200, other_officer=200, administrator=200)
        ),
        "library:propose": Row(
            expect(
                403,
                anonymous=LOGIN,
                other_citizen=404,
                officer=302,
                other_officer=404,
                other_staff=404,
                administrator=302,
            ),
            method="POST",
            kwargs=ref("granted"),
        ),
        # --- API -----------------------------------------------------------------------
        "api-root": Row(expect(200, anonymous=403)),
        # Open to all, answers 400 to wrong credentials (tests/accounts/test_api_tokens.py).
        "auth-token": Row(
            expect(400),
            method="POST",
            data=lambda w: {"email": "nobody@example.org", "password": "wrong"},
            # No session and no token: it makes tokens (test_csrf skips it).
            extra={"json": 1, "sessionless": 1},
        ),
        "api-schema": Row(expect(200)),
        "api-docs": Row(expect(200)),
        "body-list": Row(expect(200)),
        "body-detail": Row(expect(200), kwargs=lambda w: {"code": w.body.code}),
        "department-list": Row(expect(200)),
        "ground-list": Row(expect(200)),
        "department-detail": Row(expect(200), kwargs=lambda w: {"pk": w.department.pk}),
        "statistics-list": Row(expect(200)),
        "library-list": Row(expect(200)),
        "library-detail": Row(expect(200), kwargs=pk("published")),
        "request-list": Row(expect(200, anonymous=403)),
        "request-detail": Row(
            expect(200, anonymous=403, other_citizen=404, other_officer=404, other_staff=404),
            kwargs=pk("submitted"),
        ),
        "request-answer": Row(
            expect(403, other_citizen=404, officer=200, other_officer=404, other_staff=404),
            method="POST",
            kwargs=pk("submitted"),
            data=_answer,
            extra={"json": 1},
        ),
        "request-assign": Row(
            expect(403, other_citizen=404, officer=200, other_officer=404, other_staff=404),
            method="POST",
            kwargs=pk("submitted"),
            data=lambda w: {"department": w.department.pk},
            extra={"json": 1},
        ),
        "request-attachments": Row(
            expect(200, anonymous=403, other_citizen=404, other_officer=404, other_staff=404),
            kwargs=pk("submitted"),
        ),
        # The letters carry the applicant's identity: as on the request's page, only to those
        # who may see it (the commission and an administrator may open the request, not these).
        "request-receipt-pdf": Row(
            expect(404, anonymous=403, citizen=200, officer=200, head=200),
            kwargs=pk("submitted"),
        ),
        "request-answer-letter-pdf": Row(
            expect(404, anonymous=403, citizen=200, officer=200, head=200),
            kwargs=pk("granted"),
        ),
        "request-close": Row(
            expect(403, other_citizen=404, officer=200, other_officer=404, other_staff=404),
            method="POST",
            kwargs=pk("granted"),
            extra={"json": 1},
        ),
        "request-download": Row(
            expect(200, anonymous=403, other_citizen=404, other_officer=404, other_staff=404),
            kwargs=lambda w: {"pk": w.submitted.pk, "attachment_id": w.attachment_id},
        ),
        "request-extend": Row(
            expect(403, other_citizen=404, officer=200, other_officer=404, other_staff=404),
            method="POST",
            kwargs=pk("submitted"),
            data=lambda w: {"reason": "Volume."},
            extra={"json": 1},
        ),
        "request-messages": Row(
            expect(200, anonymous=403, other_citizen=404, other_officer=404, other_staff=404),
            kwargs=pk("submitted"),
        ),
        "request-provide-clarification": Row(
            expect(403, citizen=409, other_citizen=404, other_officer=404, other_staff=404),
            method="POST",
            kwargs=pk("submitted"),
            data=lambda w: {"answer": "Précision."},
            extra={"json": 1},
        ),
        "request-request-clarification": Row(
            expect(403, other_citizen=404, officer=200, other_officer=404, other_staff=404),
            method="POST",
            kwargs=pk("submitted"),
            data=lambda w: {"question": "Quelle année ?"},
            extra={"json": 1},
        ),
        "request-return-draft": Row(
            expect(403, other_citizen=404, officer=409, other_officer=404, other_staff=404),
            method="POST",
            kwargs=pk("submitted"),
            data=lambda w: {"comment": "Non."},
            extra={"json": 1},
        ),
        "request-submit-draft": Row(
            expect(403, other_citizen=404, officer=409, other_officer=404, other_staff=404),
            method="POST",
            kwargs=pk("submitted"),
            data=_answer,
            extra={"json": 1},
        ),
        "request-transfer": Row(
            expect(403, other_citizen=404, officer=200, other_officer=404, other_staff=404),
            method="POST",
            kwargs=pk("submitted"),
            data=lambda w: {"to_body": w.other_body.code, "reason": "Pas chez nous."},
            extra={"json": 1},
        ),
        "request-withdraw": Row(
            expect(403, citizen=200, other_citizen=404, other_officer=404, other_staff=404),
            method="POST",
            kwargs=pk("submitted"),
            extra={"json": 1},
        ),
        "complaint-list": Row(expect(200, anonymous=403)),
        "complaint-detail": Row(
            expect(200, anonymous=403, other_citizen=404, other_officer=404, other_staff=404),
            kwargs=pk("complaint"),
        ),
        "complaint-confirm": Row(
            expect(403, other_citizen=404, other_officer=404, other_staff=404, head=409),
            method="POST",
            kwargs=pk("complaint"),
            data=lambda w: {"text": "Confirmé."},
            extra={"json": 1},
        ),
        "complaint-overturn": Row(
            expect(403, other_citizen=404, other_officer=404, other_staff=404, head=409),
            method="POST",
            kwargs=pk("complaint"),
            data=lambda w: {"text": "Infirmé."},
            extra={"json": 1},
        ),
        "appeal-list": Row(expect(200, anonymous=403)),
        "appeal-detail": Row(
            expect(200, anonymous=403, other_citizen=404, other_officer=404, other_staff=404),
            kwargs=pk("appeal"),
        ),
        "appeal-decision-pdf": Row(
            expect(200, anonymous=403, other_citizen=404, other_officer=404, other_staff=404),
            kwargs=pk("appeal"),
        ),
        "appeal-publish": Row(
            expect(403, other_citizen=404, other_officer=404, other_staff=404, commissioner=200),
            method="POST",
            kwargs=pk("appeal"),
            data=lambda w: {"text": "Décision anonymisée."},
            extra={"json": 1},
        ),
        "appeal-record-complied": Row(
            expect(403, other_citizen=404, other_officer=404, other_staff=404, commissioner=200),
            method="POST",
            kwargs=pk("appeal"),
            extra={"json": 1},
        ),
        "appeal-court-filed": Row(
            expect(403, other_citizen=404, other_officer=404, other_staff=404, commissioner=200),
            method="POST",
            kwargs=pk("appeal"),
            data=lambda w: {"filed_by": "body", "filed_on": NOW.date().isoformat()},
            extra={"json": 1},
        ),
        "appeal-court-judged": Row(
            # Nothing before the court yet: the commission is told so (409).
            expect(403, other_citizen=404, other_officer=404, other_staff=404, commissioner=409),
            method="POST",
            kwargs=pk("appeal"),
            data=lambda w: {"judgment": "upheld", "judged_on": NOW.date().isoformat()},
            extra={"json": 1},
        ),
        "appeal-record-not-complied": Row(
            expect(403, other_citizen=404, other_officer=404, other_staff=404, commissioner=200),
            method="POST",
            kwargs=pk("appeal"),
            data=lambda w: {"note": "Rien reçu."},
            extra={"json": 1},
        ),
        "appeal-submit-observations": Row(
            expect(
                403, other_citizen=404, officer=409, other_officer=404, other_staff=404, head=409
            ),
            method="POST",
            kwargs=pk("appeal"),
            data=lambda w: {"text": "Observations."},
            extra={"json": 1},
        ),
        "appeal-assign-rapporteur": Row(
            expect(403, other_citizen=404, other_officer=404, other_staff=404, commissioner=409),
            method="POST",
            kwargs=pk("appeal"),
            data=lambda w: {"rapporteur": w.users["commissioner"].pk},
            extra={"json": 1},
        ),
        "appeal-declare-admissible": Row(
            expect(403, other_citizen=404, other_officer=404, other_staff=404, commissioner=409),
            method="POST",
            kwargs=pk("appeal"),
            extra={"json": 1},
        ),
        "appeal-declare-inadmissible": Row(
            expect(403, other_citizen=404, other_officer=404, other_staff=404, commissioner=409),
            method="POST",
            kwargs=pk("appeal"),
            data=lambda w: {"reason": "other", "text": "Non."},
            extra={"json": 1},
        ),
        "appeal-draft-decision": Row(
            expect(403, other_citizen=404, other_officer=404, other_staff=404, commissioner=409),
            method="POST",
            kwargs=pk("appeal"),
            data=lambda w: {"decision": "confirmed", "reasons": "R."},
            extra={"json": 1},
        ),
        "appeal-decide": Row(
            expect(403, other_citizen=404, other_officer=404, other_staff=404, commissioner=409),
            method="POST",
            kwargs=pk("appeal"),
            data=lambda w: {"decision": "confirmed", "reasons": "R."},
            extra={"json": 1},
        ),
        "appeal-record-hearing": Row(
            expect(403, other_citizen=404, other_officer=404, other_staff=404, commissioner=409),
            method="POST",
            kwargs=pk("appeal"),
            data=lambda w: {"on": "2026-10-30", "minutes": "M."},
            extra={"json": 1},
        ),
        "appeal-request-observations": Row(
            expect(403, other_citizen=404, other_officer=404, other_staff=404, commissioner=409),
            method="POST",
            kwargs=pk("appeal"),
            data=lambda w: {"note": "Pourquoi ?"},
            extra={"json": 1},
        ),
        # --- allauth: sign-in, sign-up, confirmation, password, 2FA ---------------------
        "account_login": Row(expect(302, anonymous=200)),
        "account_logout": Row(expect(302), method="POST"),
        "account_signup": Row(expect(302, anonymous=200)),
        "account_inactive": Row(expect(200)),
        "account_reauthenticate": Row(SIGNED_IN),
        "account_request_reauthentication_code": Row(SIGNED_IN),
        "account_confirm_reauthentication_code": Row(expect(302, anonymous=LOGIN)),
        "account_confirm_login_code": Row(expect(302, anonymous=LOGIN)),
        "account_email": Row(SIGNED_IN),
        "account_email_verification_sent": Row(expect(200)),
        "account_confirm_email": Row(
            expect(200),
            why="a page saying the link is not valid",
            kwargs=lambda w: {"key": "not-a-key"},
        ),
        "account_change_password": Row(SIGNED_IN),
        "account_set_password": Row(expect(302, anonymous=LOGIN), why="they have one"),
        "account_reset_password": Row(expect(200)),
        "account_reset_password_done": Row(expect(200)),
        "account_reset_password_from_key": Row(
            expect(200), kwargs=lambda w: {"uidb36": "1", "key": "not-a-key"}
        ),
        "account_reset_password_from_key_done": Row(expect(200)),
        "mfa_index": Row(SIGNED_IN),
        "mfa_authenticate": Row(expect(302, anonymous=LOGIN), why="no sign-in under way"),
        "mfa_reauthenticate": Row(
            expect(200, anonymous=LOGIN, citizen=302, other_citizen=302), why="citizens have no 2FA"
        ),
        "mfa_activate_totp": Row(expect(302, anonymous=LOGIN), why="sign in again first"),
        "mfa_deactivate_totp": Row(expect(302, anonymous=LOGIN, citizen=404, other_citizen=404)),
        "mfa_view_recovery_codes": Row(expect(404, anonymous=LOGIN), why="none generated"),
        "mfa_generate_recovery_codes": Row(expect(302, anonymous=LOGIN)),
        "mfa_download_recovery_codes": Row(expect(404, anonymous=LOGIN)),
        # --- the Django admin: administrators only -------------------------------------
        "admin_login_redirect": Row(expect(403, anonymous=LOGIN)),
        "admin:*": Row(expect(ADMIN_LOGIN, administrator=200)),
    }
)

"""Headers, CSRF, throttling, rate limits, session lifetimes and password hashing."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ati.accounts.models import Role
from ati.core import ratelimit
from ati.core.models import RateCounter
from tests.factories import UserFactory, member

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"


def test_pages_carry_a_csp_without_unsafe_inline_and_deny_framing(client, db):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_api_docs_load_only_same_origin_assets_under_the_sites_csp(client, db):
    """Issue 17, finding 9: Swagger UI came from a CDN (blank offline; the CSP opened to it)."""
    from django.contrib.staticfiles import finders

    from ati.core.security import CSP

    response = client.get("/api/docs/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert csp == CSP and "http" not in csp and "unsafe-inline" not in csp
    assert not re.search(rb"<script>(?!\s*</script>)", response.content)
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(assets) >= 4, assets  # the stylesheet, two bundles, the init script
    for url in assets:
        assert url.startswith("/") and not url.startswith("//"), url
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), url  # really served
    script = next(u for u in assets if u.startswith("/api/docs/"))
    init = client.get(script)
    assert init.status_code == 200 and b"cdn" not in init.content.lower()


def test_no_template_has_inline_script_style_or_event_handlers():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        if "email" in path.parts or "letters" in path.parts or path.name in {"pdf.html"}:
            continue  # e-mails and PDFs are not served as web pages
        if "report" in path.parts:
            continue  # the annual report is rendered to PDF
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>|\sstyle=\"|\son[a-z]+=\"|<style", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_production_settings_turn_on_hsts_and_secure_cookies(tmp_path):
    from tests.core.test_settings import STRONG_KEY, _manage

    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    result = _manage("shell", "-c", code, tmp_path=tmp_path, SECRET_KEY=STRONG_KEY)
    assert result.stdout.splitlines()[-1].split() == ["31536000", "True", "True"], result.stderr


def test_every_form_is_protected_by_csrf(db):
    enforcing = Client(enforce_csrf_checks=True)
    user = UserFactory(role=Role.CITIZEN)
    enforcing.force_login(user)
    for url in [
        reverse("account_logout"),
        reverse("requests:submit"),
        reverse("notifications:mark_read"),
        reverse("set_language"),
    ]:
        assert enforcing.post(url, {}).status_code == 403, url
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post(reverse("account_login"), {}).status_code == 403
    assert anonymous.post(reverse("account_signup"), {}).status_code == 403
    assert anonymous.post(reverse("account_reset_password"), {}).status_code == 403


def test_passwords_are_hashed_with_argon2():
    import ati.settings as configured  # the tests swap in a fast hasher; the module says the truth

    assert configured.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_argon2_is_what_an_account_gets(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = UserFactory()
    assert identify_hasher(user.password).algorithm == "argon2"


def test_sign_in_is_throttled_per_account_after_repeated_failures(client, db):
    user = UserFactory(email="target@example.org")
    limit, _ = settings.ATI_RATE_LIMITS["login-email"]
    login = reverse("account_login")
    for _ in range(limit):
        bad = client.post(login, {"login": user.email, "password": "x"})
        assert bad.status_code == 200 and not bad.wsgi_request.user.is_authenticated
    blocked = client.post(login, {"login": user.email, "password": PASSWORD})
    # Refused even with the right password, saying when to try again.
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) > 0
    assert not blocked.wsgi_request.user.is_authenticated
    # Another account from the same address is not locked out by these failures.
    other = UserFactory(email="other@example.org")
    ok = client.post(login, {"login": other.email, "password": PASSWORD})
    assert ok.status_code == 302 and ok.wsgi_request.user == other


def test_sign_in_throttling_is_shared_by_every_process(client, db):
    """allauth counts per process; ati's shared counters refuse as well (the adapter)."""
    from django.core.cache import cache

    user = UserFactory(email="target@example.org")
    limit, _ = settings.ATI_RATE_LIMITS["login-email"]
    for _ in range(limit):
        client.post(reverse("account_login"), {"login": user.email, "password": "x"})
    cache.clear()  # as if the next attempt reached another process
    blocked = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert not blocked.wsgi_request.user.is_authenticated


def test_registration_is_rate_limited_per_address(client, db):
    signup = reverse("account_signup")
    for n in range(10):  # ACCOUNT_RATE_LIMITS["signup"]: 10 an hour from one address
        assert client.post(signup, {"email": f"x{n}"}).status_code == 200
    assert client.post(signup, {}).status_code == 429


def test_submission_is_rate_limited_per_account(client, db, settings):
    settings.ATI_RATE_LIMITS = {**settings.ATI_RATE_LIMITS, "submit": (2, 3600)}
    user = UserFactory(role=Role.CITIZEN)
    client.force_login(user)
    for expected in (400, 400, 429):
        assert client.post(reverse("requests:submit"), {"subject": ""}).status_code == expected
    assert client.post("/api/v1/requests/", {}, content_type="application/json").status_code == 429


def test_the_rate_limit_counters_are_shared_between_processes(db):
    # A per-process memory cache would multiply every limit by the number of processes:
    # the counters live in the database (or Redis), and a hit is one upsert.
    assert (
        "ratelimit" not in settings.CACHES
        or "locmem" not in settings.CACHES["ratelimit"]["BACKEND"]
    )
    assert not settings.ATI_CACHE_URL
    limit, _ = settings.ATI_RATE_LIMITS["submit"]
    for _ in range(limit):
        assert ratelimit.hit("submit", "user:7")
    assert not ratelimit.hit("submit", "user:7")
    assert ratelimit.hit("submit", "user:8")
    assert RateCounter.objects.count() == 2
    assert ratelimit.count("submit", "user:7") == limit + 1


def test_counters_of_past_windows_are_purged(db, monkeypatch):
    monkeypatch.setattr(ratelimit, "PURGE_ONE_IN", 1)
    RateCounter.objects.create(key="old", hits=3, expires_at=timezone.now() - dt.timedelta(hours=2))
    assert ratelimit.count("submit", "user:9") == 0
    ratelimit.hit("submit", "user:9")
    assert list(RateCounter.objects.values_list("hits", flat=True)) == [1]


def test_staff_sessions_expire_within_hours_citizens_keep_the_default(client, body):
    officer = member(Role.OFFICER, body)
    client.force_login(officer)
    client.get("/")
    assert client.session.get_expiry_age() == settings.ATI_STAFF_SESSION_SECONDS <= 8 * 3600
    citizen_client = Client()
    citizen_client.force_login(UserFactory(role=Role.CITIZEN))
    citizen_client.get("/")
    assert citizen_client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_secrets_come_only_from_the_environment():
    text = (ROOT / "ati" / "settings.py").read_text()
    for name in ("SECRET_KEY", "EMAIL_HOST_PASSWORD"):
        assert re.search(rf"os\.environ[^\n]*{name}", text), name
    assert "DEV_SECRET_KEY" in text  # the only literal key, refused outside ATI_DEBUG=1

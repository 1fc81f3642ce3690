"""The one settings module of ati, driven by environment variables.

With no environment at all it runs the embedded default (SQLite under var/, a
filesystem Celery broker under var/, e-mail written to var/mail/), in
production mode: DEBUG is off unless ATI_DEBUG=1 says otherwise, because a
forgotten variable must never expose a debug page to the public.
See docs/configuration.md for every variable.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from kombu import Exchange, Queue

# Lets classes such as ModelAdmin[Model] be written with their type parameters.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ATI_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r}: expected 1/0, true/false, yes/no or on/off")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int, minimum: int = 0) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r}: expected a whole number") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name}={value!r}: expected a number of at least {minimum}")
    return number


DEBUG = env_bool("ATI_DEBUG", False)
# HTTPS-only cookies, HSTS and the redirect follow production mode; ATI_HTTPS=0
# turns them off for a production-mode server on plain HTTP (tests, loopback).
HTTPS = env_bool("ATI_HTTPS", not DEBUG)

# The submission benchmark's floor view (ati/core/bench_floor.py): set by bench/bench_http.py
# alone, never in production.
ATI_BENCH_FLOOR = env_bool("ATI_BENCH_FLOOR", False)

# --- Secret key --------------------------------------------------------------
# A weak or well-known key lets anyone forge sessions and password-reset links.
INSECURE_KEY_MARKERS = ("django-insecure", "changeme", "change-me", "dev-key")
# Public on purpose: it is only ever used with ATI_DEBUG=1, and production mode refuses it.
DEV_SECRET_KEY = "django-insecure-ati-development-key-never-use-in-production"  # noqa: S105


def _load_secret_key() -> tuple[str, str]:
    """The key and where it came from: "environment", "development" or "file"."""
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key, "environment"
    if DEBUG:
        return DEV_SECRET_KEY, "development"
    # No key given: make a random one and keep it in var/ so that sessions survive
    # restarts of a single-machine install. Several machines need SECRET_KEY set.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip(), "file"


def secret_key_is_insecure(key: str) -> bool:
    lowered = key.lower()
    return len(key) < 50 or len(set(key)) < 5 or any(m in lowered for m in INSECURE_KEY_MARKERS)


# SECRET_KEY_SOURCE tells the deploy check (ati.W001) whether the key came from the environment.
SECRET_KEY, SECRET_KEY_SOURCE = _load_secret_key()
if not DEBUG and secret_key_is_insecure(SECRET_KEY):
    sys.stderr.write(
        "\n*** ati refuses to start: SECRET_KEY is insecure for production mode. ***\n"
        "    Use at least 50 random characters, e.g.\n"
        "    SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')\n"
        "    or set ATI_DEBUG=1 for a development server.\n\n"
    )
    raise ImproperlyConfigured("SECRET_KEY is insecure for production mode (ATI_DEBUG is off)")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# --- Applications ------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    # Kept only for the migration that hashes its tokens into accounts.ApiToken
    # (accounts 0004); nothing uses it since. To be removed in a later release.
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc as static files: no CDN
    "ati.core",
    "ati.accounts",
    "ati.audit",
    "ati.bodies",
    "ati.law",
    "ati.requests",
    "ati.appeals",
    "ati.notifications",
    "ati.stats",
    "ati.library",
    "ati.personal_data",
    "ati.demo",  # seed_demo and generate_load_data; nothing else imports it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ati.core.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # JSON errors under /api/, with ATI_DEBUG=1 too; in the request's language.
    "ati.core.middleware.ApiErrorsAsJsonMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Staff without a second factor may only enrol one (docs/security.md, "Accounts").
    "ati.accounts.middleware.StaffMFAMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ati.core.security.SecurityHeadersMiddleware",
    # Inside the header middlewares, so that its 400 gets the CSP and frame denial too.
    "ati.core.middleware.RejectNulMiddleware",
    "ati.audit.middleware.AuditContextMiddleware",
    # Last: chooses each request's database when a replica is configured (not used
    # otherwise), and its process_exception runs first (a failed replica: the primary).
    "ati.core.replica.ReplicaMiddleware",
]

ROOT_URLCONF = "ati.urls"
WSGI_APPLICATION = "ati.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ati.core.context_processors.site",
                "ati.accounts.context_processors.roles",
                "ati.notifications.context_processors.inbox",
                "ati.library.context_processors.review_queue",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------
DEFAULT_SQLITE = VAR_DIR / "ati.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE}")
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except Exception as exc:  # dj-database-url raises several types for a bad URL
    raise ImproperlyConfigured(
        f"DATABASE_URL={DATABASE_URL!r} is not a database URL: {exc}"
    ) from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets the web server and the Celery worker read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
POSTGRES_ENGINE = "django.db.backends.postgresql"

# PgBouncer in transaction mode hands each transaction to any server connection: nothing
# may outlive a transaction on the server. Django's server-side cursors (`.iterator()`)
# are WITH HOLD cursors, and psycopg prepares a statement run five times on its session:
# both off. Unset, it is assumed when DATABASE_URL names PgBouncer's usual port, 6432.
_pgbouncer_default = (
    DATABASES["default"]["ENGINE"] == POSTGRES_ENGINE
    and str(DATABASES["default"].get("PORT") or "") == "6432"
)
ATI_PGBOUNCER = env_bool("ATI_PGBOUNCER", _pgbouncer_default)


def _through_pgbouncer(database: Any) -> None:
    if database["ENGINE"] == POSTGRES_ENGINE and ATI_PGBOUNCER:
        database["DISABLE_SERVER_SIDE_CURSORS"] = True
        database.setdefault("OPTIONS", {})["prepare_threshold"] = None


_through_pgbouncer(DATABASES["default"])

# A streaming replica for read-only traffic (ati/core/replica.py, docs/deployment.md):
# declared views' GETs read there unless the person wrote in the last
# ATI_REPLICA_STICKY_SECONDS or the replica lags more than ATI_REPLICA_MAX_LAG_SECONDS.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "").strip()
ATI_REPLICA_MAX_LAG_SECONDS = env_int("ATI_REPLICA_MAX_LAG_SECONDS", 5)
ATI_REPLICA_CHECK_SECONDS = env_int("ATI_REPLICA_CHECK_SECONDS", 1)
ATI_REPLICA_STICKY_SECONDS = env_int("ATI_REPLICA_STICKY_SECONDS", 10)
DATABASE_ROUTERS: list[str] = []
if DATABASE_REPLICA_URL:
    if DATABASES["default"]["ENGINE"] != POSTGRES_ENGINE:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs a PostgreSQL DATABASE_URL")
    try:
        _replica = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60)
    except Exception as exc:
        raise ImproperlyConfigured(
            f"DATABASE_REPLICA_URL={DATABASE_REPLICA_URL!r} is not a database URL: {exc}"
        ) from exc
    if _replica["ENGINE"] != POSTGRES_ENGINE:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must be a PostgreSQL URL")
    # A replica that does not answer must cost a request seconds at most, not a TCP timeout.
    _replica.setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    # Tests read the primary's test database under this name too.
    _replica["TEST"] = {"MIRROR": "default"}
    _through_pgbouncer(_replica)
    # A person who just wrote reads the primary until the replica is sure to have the
    # change: a replica found within the bound at the last check may be that far behind.
    if ATI_REPLICA_STICKY_SECONDS < ATI_REPLICA_MAX_LAG_SECONDS + ATI_REPLICA_CHECK_SECONDS:
        raise ImproperlyConfigured(
            "ATI_REPLICA_STICKY_SECONDS must be at least ATI_REPLICA_MAX_LAG_SECONDS + "
            "ATI_REPLICA_CHECK_SECONDS, or a person may not see their own change"
        )
    DATABASES["replica"] = _replica
    DATABASE_ROUTERS = ["ati.core.replica.ReplicaRouter"]

# --- Accounts (django-allauth; docs/security.md, "Accounts") ------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "allauth.account.auth_backends.AuthenticationBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
# Verification links sent by the former registration (before allauth) stay valid three days.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

ACCOUNT_ADAPTER = "ati.accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# The citizen's identity fields (name, language) on the sign-up form.
ACCOUNT_SIGNUP_FORM_CLASS = "ati.accounts.forms.SignupDetailsForm"
# No account works before its address is confirmed: this is what stops pre-hijacking
# (someone registering another person's address and keeping a password on it).
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
# No "remember me" box: citizens' sessions last SESSION_COOKIE_AGE, staff's
# ATI_STAFF_SESSION_SECONDS, as before allauth.
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_FORMS = {"login": "ati.accounts.allauth_forms.LoginForm"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_USER_DISPLAY = "ati.accounts.adapter.user_display"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if HTTPS else "http"
# allauth's own limits (counted in the "default" cache, per process); the sign-ins are
# counted again in the shared counters of ati/core/ratelimit.py (the adapter).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/15m/key,50/15m/ip",
    "signup": "10/h/ip",
    "reset_password": "20/h/ip,5/h/key",
    "reset_password_from_key": "20/h/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
# Personal API tokens expire this many days after they are made (docs/api.md).
ATI_API_TOKEN_DAYS = env_int("ATI_API_TOKEN_DAYS", 90, minimum=1)
# Unconfirmed accounts are removed this many days after they were made
# (manage.py remove_unverified_accounts, run daily by beat).
ATI_UNVERIFIED_ACCOUNT_DAYS = env_int("ATI_UNVERIFIED_ACCOUNT_DAYS", 7, minimum=1)

# Two-factor authentication (allauth.mfa): TOTP apps and recovery codes.
MFA_ADAPTER = "ati.accounts.adapter.MFAAdapter"
MFA_FORMS = {
    "authenticate": "ati.accounts.allauth_forms.AuthenticateForm",
    "activate_totp": "ati.accounts.allauth_forms.ActivateTOTPForm",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("ATI_SITE_NAME", "ati")
MFA_TOTP_TOLERANCE = 1
# Officers, department staff, heads of bodies, commission members and administrators
# must sign in with a second factor. `check --deploy` refuses False in production mode.
ATI_MFA_REQUIRED_FOR_STAFF = env_bool("ATI_MFA_REQUIRED_FOR_STAFF", True)

# --- Languages ---------------------------------------------------------------
LANGUAGE_CODE = "fr"
# Each language is named in itself (an autonym), as the language switcher shows it:
# these names are never translated.
LANGUAGES = [("fr", "Français"), ("ar", "العربية"), ("en", "English")]
LANGUAGES_BIDI = ["ar"]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date and one date-time format per language (ati/core/formats/<code>/formats.py).
FORMAT_MODULE_PATH = ["ati.core.formats"]
USE_I18N = True
TIME_ZONE = "Africa/Casablanca"
USE_TZ = True

# --- Static and media files --------------------------------------------------
STATIC_URL = "static/"
# The guides' screenshots (docs/img), shown in the help pages (ati/core/help.py).
STATICFILES_DIRS = [BASE_DIR / "static", ("guide", BASE_DIR / "docs" / "img")]
STATIC_ROOT = Path(os.environ.get("ATI_STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Uploaded files live outside the web root and are served by views that check access.
MEDIA_ROOT = Path(os.environ.get("ATI_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or "pytest" in sys.modules
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- E-mail ------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ati <no-reply@ati.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ------------------------------------------------------------------
CELERY_BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("in", "processed", "control"):
        (CELERY_BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "in"),
        "data_folder_out": str(CELERY_BROKER_DIR / "in"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "store_processed": False,
        # Remote control (pidbox) tables; the default is ./control in the working directory.
        "control_folder": str(CELERY_BROKER_DIR / "control"),
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # Publishing fails fast when Redis is down (the outbox row stays queued and
    # deliver_pending sends it later) instead of holding up the web request.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
        "socket_connect_timeout": 2,
        # A task taken by a worker that died (SIGKILL, lost machine) goes back to the
        # queue after this long. Longer than any task, or a running one is given twice.
        "visibility_timeout": int(os.environ.get("ATI_BROKER_VISIBILITY_SECONDS", "3600")),
    }
# At least once: a task is acknowledged when it ends, not when it starts, and one a
# dying worker held goes back to the queue (Redis: after the visibility timeout). The
# filesystem broker removes a message when a worker takes it: a killed worker loses
# it, and beat's next deliver_pending or sweep does the work. Every task is idempotent
# (docs/jobs.md, "A worker killed mid-task"), so a second run has no second effect.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = TIME_ZONE
# Tests run tasks in-process unless they start a real worker (tests/jobs).
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# Four queues (docs/jobs.md, "Queues"), so that a slow OCR job never delays a receipt
# e-mail, nor a peak of submissions the audit sealer: `mail` (e-mails and webhooks),
# `documents` (library proposals: OCR and the name model, seconds to minutes each),
# `notices` (a submission's receipt and officers' notice written: one task per
# submission, a backlog at a national peak), `default` (the rest: the sealer every
# second, the sweeps, statistics). Every task of the project is routed here by name
# (tests/jobs/test_queues.py). A worker started without -Q consumes all four;
# production runs workers per queue (docs/deployment.md).
ATI_TASK_QUEUES = ("default", "mail", "documents", "notices")
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = [Queue(name, Exchange(name), routing_key=name) for name in ATI_TASK_QUEUES]
CELERY_TASK_ROUTES = {
    "notifications.deliver": {"queue": "mail"},
    "notifications.deliver_many": {"queue": "mail"},
    "notifications.deliver_pending": {"queue": "mail"},
    "library.prepare_publication": {"queue": "documents"},
    "library.prepare_pending": {"queue": "documents"},
    "audit.seal": {"queue": "default"},
    "notifications.sweep_deadlines": {"queue": "default"},
    "requests.send_submission_notices": {"queue": "notices"},
    "requests.send_pending_submission_notices": {"queue": "notices"},
    "appeals.sweep": {"queue": "default"},
    "stats.refresh_stats": {"queue": "default"},
    "personal_data.erase_due": {"queue": "default"},
    "core.clean_orphan_files": {"queue": "default"},
    "accounts.remove_unverified_accounts": {"queue": "default"},
}
# A submission's receipt and officers' notice are written by the worker after commit
# (docs/jobs.md, "A submission's notices"). "task": one task published per submission
# after its commit, and a sweeper every minute for those still waiting after
# ATI_SUBMISSION_NOTICES_GRACE_SECONDS (their task lost). "poll": nothing published by
# the web process; beat's job takes every waiting submission each
# ATI_SUBMISSION_NOTICES_POLL_SECONDS (a national portal: no broker work per submission).
ATI_SUBMISSION_NOTICES = os.environ.get("ATI_SUBMISSION_NOTICES", "task").strip()
if ATI_SUBMISSION_NOTICES not in {"task", "poll"}:
    raise ImproperlyConfigured(
        f"ATI_SUBMISSION_NOTICES must be 'task' or 'poll', not {ATI_SUBMISSION_NOTICES!r}"
    )
ATI_SUBMISSION_NOTICES_GRACE_SECONDS = float(
    os.environ.get("ATI_SUBMISSION_NOTICES_GRACE_SECONDS", "30")
)
ATI_SUBMISSION_NOTICES_POLL_SECONDS = float(
    os.environ.get("ATI_SUBMISSION_NOTICES_POLL_SECONDS", "1")
)
if ATI_SUBMISSION_NOTICES_POLL_SECONDS <= 0:
    raise ImproperlyConfigured("ATI_SUBMISSION_NOTICES_POLL_SECONDS must be more than 0")
_NOTICES_POLLED = ATI_SUBMISSION_NOTICES == "poll"

# The audit sealer (docs/audit.md) chains the events committed since its last run, every
# ATI_AUDIT_SEAL_EVERY_SECONDS; verify_audit reports an event still unsealed
# ATI_AUDIT_SEAL_DELAY_SECONDS after it was written.
ATI_AUDIT_SEAL_EVERY_SECONDS = float(os.environ.get("ATI_AUDIT_SEAL_EVERY_SECONDS", "1"))
ATI_AUDIT_SEAL_DELAY_SECONDS = float(os.environ.get("ATI_AUDIT_SEAL_DELAY_SECONDS", "60"))
CELERY_BEAT_SCHEDULE = {
    # Chains the audit events committed since (docs/audit.md); one sealer at a time.
    "seal-audit": {"task": "audit.seal", "schedule": ATI_AUDIT_SEAL_EVERY_SECONDS},
    "sweep-deadlines": {"task": "notifications.sweep_deadlines", "schedule": 300.0},
    "deliver-pending": {"task": "notifications.deliver_pending", "schedule": 60.0},
    # Submissions waiting for their notices (docs/jobs.md): those whose task was lost,
    # every minute; or, polled, all of them every second (a run not started within a few
    # periods is dropped: the next one takes its work).
    "submission-notices-pending": {
        "task": "requests.send_pending_submission_notices",
        "schedule": ATI_SUBMISSION_NOTICES_POLL_SECONDS if _NOTICES_POLLED else 60.0,
        **(
            {"options": {"expires": 5 * ATI_SUBMISSION_NOTICES_POLL_SECONDS}}
            if _NOTICES_POLLED
            else {}
        ),
    },
    # Library proposals whose preparation task was lost or whose worker died (docs/jobs.md).
    "library-prepare-pending": {"task": "library.prepare_pending", "schedule": 60.0},
    # Lapsed complaints and compliance reminders (idempotent: each is recorded once).
    "appeals-sweep": {"task": "appeals.sweep", "schedule": 3600.0},
    # Files no row points to (a transaction that never committed): docs/jobs.md.
    "clean-orphan-files": {"task": "core.clean_orphan_files", "schedule": 86400.0},
    # Erasures asked for while the retention still ran, carried out once it has ended.
    "personal-data-erasure": {"task": "personal_data.erase_due", "schedule": 3600.0},
    # Accounts whose address was never confirmed, after ATI_UNVERIFIED_ACCOUNT_DAYS.
    "remove-unverified-accounts": {
        "task": "accounts.remove_unverified_accounts",
        "schedule": 86400.0,
    },
}
# A file no row points to is removed once older than this (it may belong to a
# transaction still open before).
ATI_ORPHAN_GRACE_HOURS = float(os.environ.get("ATI_ORPHAN_GRACE_HOURS", "24"))

# Request references (decision 0016): "year", one gapless sequence for the year
# (DAI-2026-00042); "body", one per body and year (DAI-2026-<body code>-00042), for a
# portal receiving for many bodies at a rate one row cannot number (bench_counter.py).
ATI_REFERENCE_SCOPE = os.environ.get("ATI_REFERENCE_SCOPE", "year")
if ATI_REFERENCE_SCOPE not in {"year", "body"}:
    raise ImproperlyConfigured(
        f"ATI_REFERENCE_SCOPE must be 'year' or 'body', not {ATI_REFERENCE_SCOPE!r}"
    )

# --- Notifications (docs/jobs.md) ---------------------------------------------
# Officers are reminded this many working days before a due date.
ATI_REMINDER_WORKING_DAYS = [int(d) for d in env_list("ATI_REMINDER_WORKING_DAYS", "5,2")]
# A failed delivery is retried after 1, 2, 4… minutes (at most 6 hours), this many times.
ATI_NOTIFY_MAX_ATTEMPTS = int(os.environ.get("ATI_NOTIFY_MAX_ATTEMPTS", "8"))
ATI_NOTIFY_BACKOFF_SECONDS = int(os.environ.get("ATI_NOTIFY_BACKOFF_SECONDS", "60"))
# A worker owns a notice it claimed this long; one that died mid-delivery frees it then
# (deliver_pending sends it again). Longer than a delivery: SMTP timeout, a PDF to render.
ATI_NOTIFY_CLAIM_SECONDS = int(os.environ.get("ATI_NOTIFY_CLAIM_SECONDS", "300"))

# --- REST API ----------------------------------------------------------------
# Long lists (a body's requests) count their rows up to this many, then say "10 000+"
# (ati/core/pagination.py): a full COUNT(*) of a huge body costs more than its page.
ATI_LIST_COUNT_CAP = int(os.environ.get("ATI_LIST_COUNT_CAP", "10000"))
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # DRF's session authentication, its CSRF refusal translated (ati/core/authentication.py).
        "ati.core.authentication.SessionAuthentication",
        # Personal tokens, stored hashed (ati/accounts/tokens.py); the browser uses the session.
        "ati.accounts.authentication.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "ati.core.api.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["ati.core.filters.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "ati.core.api.exception_handler",
    # JSON nested deeper than ATI_API_JSON_MAX_DEPTH is a 400, never a RecursionError.
    "DEFAULT_PARSER_CLASSES": [
        "ati.core.parsers.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
# No request body of the API nests deeper than a few levels (docs/security.md).
ATI_API_JSON_MAX_DEPTH = env_int("ATI_API_JSON_MAX_DEPTH", 32)
SPECTACULAR_SETTINGS = {
    "TITLE": "ati API",
    "DESCRIPTION": "Access-to-information requests, deadlines, appeals and the public library.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # /api/docs/ loads Swagger UI from this site's static files (drf-spectacular-sidecar),
    # never from a CDN: it works offline and the CSP stays 'self' (docs/security.md).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # A required text may not be empty: say so in the schema (minLength 1), as the API checks.
    "ENFORCE_NON_BLANK_FIELDS": True,
    # One name per choice set, wherever a model field or a serializer uses it.
    "ENUM_NAME_OVERRIDES": {
        "IdDocumentEnum": "ati.requests.models.IdDocument",
        "OutcomeEnum": "ati.requests.models.Outcome",
        "DeliveryFormEnum": "ati.requests.models.DeliveryForm",
        "ChannelEnum": "ati.requests.models.Channel",
        "RequestStateEnum": "ati.requests.models.State",
        "ComplaintGroundEnum": "ati.appeals.models.Ground",
        "ComplaintStateEnum": "ati.appeals.models.ComplaintState",
        "AppealStateEnum": "ati.appeals.models.AppealState",
        "AppealDecisionEnum": "ati.appeals.models.Decision",
        "InadmissibilityReasonEnum": "ati.appeals.models.InadmissibilityReason",
        "CourtSideEnum": "ati.appeals.models.CourtSide",
        "CourtJudgmentEnum": "ati.appeals.models.CourtJudgment",
    },
}

# --- Security ----------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("ATI_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("ATI_HSTS_SECONDS", 31536000 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
ATI_BEHIND_PROXY = env_bool("ATI_BEHIND_PROXY", False)
if ATI_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Staff see applicants' identities: their sessions last hours, not Django's two weeks.
ATI_STAFF_SESSION_SECONDS = int(os.environ.get("ATI_STAFF_SESSION_SECONDS", str(4 * 3600)))
# scope -> (attempts, per seconds); counted where every process sees it (ati/core/ratelimit.py).
ATI_RATE_LIMITS = {
    "login-email": (10, 15 * 60),  # failed sign-ins for one account
    "login-ip": (50, 15 * 60),  # failed sign-ins from one address
    "submit": (20, 3600),  # requests submitted by one account
    "export": (5, 3600),  # personal-data archives built for one account (each one is costly)
    "erasure": (10, 3600),  # erasure confirmations (password checks) by one account
    "message": (60, 3600),  # messages and internal notes written by one account
    "similar": (300, 3600),  # searches for published answers as one types a request
}
# Files (docs/security.md, "Uploads"): at most this many in one message or submission, and
# in all on one request (its own and its messages'; the answer's documents are bounded
# alone by the same two numbers, so that the applicant's files never stop an answer).
ATI_MAX_FILES_PER_MESSAGE = env_int("ATI_MAX_FILES_PER_MESSAGE", 10, minimum=1)
ATI_MAX_FILES_PER_REQUEST = env_int("ATI_MAX_FILES_PER_REQUEST", 50, minimum=1)
ATI_MAX_BYTES_PER_REQUEST = env_int("ATI_MAX_MB_PER_REQUEST", 100, minimum=1) * 1024 * 1024

# --- Personal data (Law 09-08; docs/security.md, "Personal data") ----------------------
# How many days an applicant's identity is kept after the procedure of a request has ended
# (closed, withdrawn or answered, every complaint and appeal decided and complied with, the
# windows to complain or appeal past). Until then the applicant may not have it erased.
ATI_PERSONAL_DATA_RETENTION_DAYS = env_int("ATI_PERSONAL_DATA_RETENTION_DAYS", 5 * 365)

# --- Caches ----------------------------------------------------------------------
# "default" holds rendered pages, per process (the statistics page). The rate-limit
# counters, which every process must share, live in a database table by default
# (ati/core/ratelimit.py); with ATI_CACHE_URL, in Redis (the "ratelimit" cache).
ATI_CACHE_URL = os.environ.get("ATI_CACHE_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
if ATI_CACHE_URL:
    CACHES["ratelimit"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": ATI_CACHE_URL,
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ATI_LOG_LEVEL", "WARNING")},
}

ATI_SITE_NAME = os.environ.get("ATI_SITE_NAME", "ati")
# The public address of the site, printed in letters and in e-mail links. The default is
# the development server's (make demo); `check --deploy` refuses it in production mode
# (ati.E001, ati/core/checks.py, docs/configuration.md).
ATI_SITE_URL_FROM_ENVIRONMENT = bool(os.environ.get("ATI_SITE_URL", "").strip())
ATI_SITE_URL = (os.environ.get("ATI_SITE_URL", "").strip() or "http://127.0.0.1:8000").rstrip("/")

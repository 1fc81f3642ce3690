"""Production mode refuses to start with an insecure secret; check --deploy is clean."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k3Jx9-vQ2pLm8ZrT5wYb7NcF4hGd6sAe1uIo0EyRqWnVtXzKjHgPlMbCa_ZZ"


def _manage(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ATI_DEBUG", "ATI_HTTPS", "DJANGO_SETTINGS_MODULE"}
    }
    environ.update(ATI_VAR_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    environ.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_mode_refuses_an_insecure_secret_key(tmp_path):
    result = _manage("check", tmp_path=tmp_path, SECRET_KEY="django-insecure-abc")
    assert result.returncode != 0
    assert "refuses to start" in result.stderr


def test_check_deploy_is_clean_in_production_mode(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        tmp_path=tmp_path,
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="ati.example.ma",
        ATI_SITE_URL="https://ati.example.ma",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_refuses_a_missing_site_url_in_production_mode(tmp_path):
    """Issue 17, finding 10: letters and e-mails linked to http://127.0.0.1:8000, unsaid."""
    result = _manage(
        "check",
        "--deploy",
        tmp_path=tmp_path,
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="ati.example.ma",
    )
    assert result.returncode != 0
    assert "ati.E001" in result.stderr and "ATI_SITE_URL is not set" in result.stderr


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000",
        "http://127.8.9.10",
        "http://localhost:8000/",
        "https://LOCALHOST",
        "http://ati.localhost",
        "http://[::1]:8000",
        "http://0.0.0.0:8000",
        "ati.example.ma",
        "ftp://ati.example.ma",
    ],
)
def test_site_url_check_refuses_loopback_and_malformed_addresses(settings, url):
    from ati.core.checks import site_url_is_public

    settings.DEBUG = False
    settings.ATI_SITE_URL_FROM_ENVIRONMENT = True
    settings.ATI_SITE_URL = url
    assert [e.id for e in site_url_is_public(None)] == ["ati.E001"]


def test_site_url_check_accepts_a_public_address_and_stays_quiet_in_debug(settings):
    from ati.core.checks import site_url_is_public

    settings.DEBUG = False
    settings.ATI_SITE_URL_FROM_ENVIRONMENT = True
    settings.ATI_SITE_URL = "https://ati.example.ma"
    assert site_url_is_public(None) == []
    settings.ATI_SITE_URL = "http://127.0.0.1:8000"
    settings.DEBUG = True  # make demo
    assert site_url_is_public(None) == []


def test_without_a_key_a_random_one_is_kept_in_var(tmp_path):
    result = _manage("check", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50 and oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_a_bad_database_url_is_a_clear_error(tmp_path):
    result = _manage("check", tmp_path=tmp_path, DATABASE_URL="nonsense://x")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr

"""Production mode refuses to start with an insecure secret; check --deploy is clean."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_a_key_a_random_one_is_kept_in_var(tmp_path):
    result = _manage("check", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50 and oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_a_bad_database_url_is_a_clear_error(tmp_path):
    result = _manage("check", tmp_path=tmp_path, DATABASE_URL="nonsense://x")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr

"""What a web worker loads: only what its pages need (issue #19, a worker's size).

The document engine (pdfium, numpy, Pillow, pypdf, reportlab), every country's holidays,
WeasyPrint and spaCy are for the Celery worker or for rare pages; imported at module
level they cost a web worker tens of megabytes it never uses (bench/bench_http.py's
memory phase measures the worker's size).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

#: Libraries the web process must not import by loading its code and serving pages.
WORKER_ONLY = (
    "numpy",
    "PIL",
    "pypdf",
    "pypdfium2",
    "reportlab",
    "holidays",
    "hijridate",
    "weasyprint",
    "spacy",
)

PROBE = """
import sys
import ati.wsgi  # what gunicorn imports
from django.test import Client
from django.urls import get_resolver

get_resolver().url_patterns  # every view and API module, as the first request loads them
client = Client()
for path in ("/", "/library/?q=budget", "/statistics/", "/api/v1/library/?q=budget"):
    assert client.get(path).status_code == 200, path
print(" ".join(sorted(name for name in %r if name in sys.modules)) or "-")
"""


def test_a_web_worker_loads_no_worker_only_library(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ati.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path}/web.sqlite3",
        "ATI_VAR_DIR": str(tmp_path),
        "CELERY_BROKER_URL": "memory://",
        "ALLOWED_HOSTS": "testserver",
        # Static files without collectstatic's manifest; nothing else imports differently.
        "ATI_DEBUG": "1",
    }
    root = Path(settings.BASE_DIR)
    # Migrating installs the calendars (holidays): a process of its own, as in a deployment.
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
        cwd=root,
        env=env,
        check=True,
        timeout=300,
    )
    out = subprocess.run(
        [sys.executable, "-c", PROBE % (WORKER_ONLY,)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.split()[-1] == "-", f"imported by the web process: {out.stdout}"

"""The Celery application. Embedded default: kombu's filesystem broker under var/."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ati.settings")

app = Celery("ati")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

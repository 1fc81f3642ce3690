"""Debian's chromium as the project's tools drive it: the browser journeys
(tests/browser) and the guides' screenshots (scripts/screenshots.py). Never a
downloaded browser (there is no network for one); ATI_CHROMIUM names another."""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = Path(os.environ.get("ATI_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

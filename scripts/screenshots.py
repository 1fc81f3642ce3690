"""Screenshots of the main pages, logged in as the demo accounts, in French and Arabic.

Usage: .venv/bin/python scripts/screenshots.py [--base http://127.0.0.1:8000] [--out docs/img]
       [--width 1280]
Needs a running, seeded site (`make demo`) and Debian's chromium (/usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import re
import struct
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

PASSWORD = "demo-ati-2026"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

# (file stem, account or None, path or a function of the page that returns a path)
PAGES = [
    ("home", None, "/"),
    ("register", None, "/accounts/signup/"),
    ("citizen-submit", "amina@ati.demo", "/requests/new/"),
    ("citizen-requests", "amina@ati.demo", "/requests/mine/"),
    ("citizen-request", "amina@ati.demo", "first-request"),
    ("officer-queue", "officer.sante@ati.demo", "/office/"),
    ("officer-request", "officer.sante@ati.demo", "first-request"),
    ("officer-record", "officer.sante@ati.demo", "/office/record/"),
    ("commission-dashboard", "commission@ati.demo", "/commission/"),
    ("statistics", None, "/statistics/"),
    ("library", None, "/library/"),
    ("deadlines", None, "/deadlines/?received=2026-10-30"),
]


#: The demo staff's authenticator secret (ati/core/demo.py, DEMO_TOTP_SECRET).
DEMO_TOTP_SECRET = "ATIDEMOSTAFFATIDEMOSTAFFATIDEMO2"


def demo_totp_code() -> str:
    """The code an authenticator app shows now (RFC 6238: SHA-1, 6 digits, 30 s)."""
    counter = struct.pack(">Q", int(time.time()) // 30)
    digest = hmac.new(base64.b32decode(DEMO_TOTP_SECRET), counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**6:06d}"


def login(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    if "/accounts/2fa/authenticate/" in page.url:  # staff: the demo's second factor
        page.fill("input[name=code]", demo_totp_code())
        page.click("main button[type=submit]")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default="docs/img")
    parser.add_argument("--width", type=int, default=1280)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for lang in ("fr", "ar"):
            for stem, account, path in PAGES:
                context = browser.new_context(viewport={"width": args.width, "height": 900},
                                              locale=lang, extra_http_headers={
                                                  "Accept-Language": lang})
                page = context.new_page()
                if account:
                    login(page, args.base, account)
                if path == "first-request":
                    page.goto(f"{args.base}/requests/mine/" if "citizen" in stem
                              else f"{args.base}/office/")
                    link = page.locator("main table a").first
                    path = re.sub(r"^https?://[^/]+", "", link.get_attribute("href") or "/")
                page.goto(f"{args.base}{path}")
                target = out / f"{stem}-{lang}.png"
                page.screenshot(path=str(target), full_page=True)
                print(target)
                context.close()
        browser.close()


if __name__ == "__main__":
    main()

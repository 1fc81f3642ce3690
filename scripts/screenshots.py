"""Screenshots of every page each kind of user sees, in French and Arabic, at 1366 and 375 px.

Usage: .venv/bin/python scripts/screenshots.py [--base http://127.0.0.1:8000] [--var DIR]
       [--out docs/img] [--all var/screenshots/pages] [--only STEM ...]

Without --base the script serves a seeded site of its own: a private var directory
(--var, or a temporary one), `migrate`, `seed_demo` (skipped when the directory already
holds a database), `runserver` on a free port, no worker (a proposal for publication
is prepared by the script, between the "being prepared" and the review screenshots).
With --base it uses a running, seeded site (`make demo`, whose worker prepares it).

Every page is taken in the four variants (fr and ar, 1366 and 375 px) into --all, for
review; the variants listed in KEEP for the page are copied into --out, reduced to 256
colours (pngquant where installed, Pillow otherwise) and cut at MAX_HEIGHT, so that the
repository stays small. docs/img/letters/ come from tests/appeals/test_letters.py and
docs/img/ux/ from the browser journeys, not from here.
Needs Debian's chromium (/usr/bin/chromium, `make browser-deps`).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ati.core.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402 (after the path)

PASSWORD = "demo-ati-2026"  # noqa: S105 (the demo accounts' published password)
WIDTHS = {"": 1366, "-375": 375}
HEIGHTS = {"": 900, "-375": 800}
#: A kept screenshot is cut below this height (px): the guides show a page's top.
MAX_HEIGHT = {"": 3200, "-375": 4000}

# Which variants go to docs/img (those the guides show): every page in French at 1366 px,
# and in Arabic at 375 px for the pages the public and applicants use (often on a
# phone), at 1366 px for the staff's. The pages where a phone matters most (the request
# form, a request's page, the officer's queue) in all four.
PUBLIC = ("fr", "ar-375")
STAFF = ("fr", "ar")
ALL = ("fr", "ar", "fr-375", "ar-375")

CITIZEN_A = "amina@ati.demo"
CITIZEN_Y = "youssef@ati.demo"
OFFICER = "officer.sante@ati.demo"
HEAD = "head.sante@ati.demo"
COMMISSION = "commission@ati.demo"
#: The demo's appeals (ati/demo/appeals.py): one in instruction, one decided.
APPEAL = 1
DECIDED_APPEAL = 2
#: Proposed by the script (library/new), then prepared: the review of a text.
PROPOSAL_TITLE = "Procès-verbal de la commission d'ouverture des plis — marché 12/2025"
PROPOSAL_TEXT = (
    "La commission présidée par M. Karim Bennani s'est réunie le 3 février 2026. "
    "Le soumissionnaire Ahmed Ouazzani (CIN BE 918273, tél. 0661 90 12 34, "
    "12 rue Oued Sebou, Agdal, Rabat) a présenté l'offre la moins-disante, "
    "pour 3 480 000 dirhams TTC. Cinq offres ont été reçues."
)

#: The demo staff's authenticator secret (ati/demo/seed.py, DEMO_TOTP_SECRET).
DEMO_TOTP_SECRET = "ATIDEMOSTAFFATIDEMOSTAFFATIDEMO2"  # noqa: S105 (the demo's, published)


def demo_totp_code(at: float | None = None) -> str:
    """The code an authenticator app shows (RFC 6238: SHA-1, 6 digits, 30 s)."""
    counter = struct.pack(">Q", int(at if at is not None else time.time()) // 30)
    digest = hmac.new(base64.b32decode(DEMO_TOTP_SECRET), counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**6:06d}"


@dataclass
class Site:
    base: str
    env: dict[str, str] | None = None  # the served site's environment (None: --base)

    def manage(self, *args: str) -> None:
        assert self.env is not None
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True)


# --- what each page needs before it is taken --------------------------------------


def request_path(reference: str) -> Callable[[Page, Site], str]:
    return lambda page, site: f"/requests/{reference}/"


def open_actions(page: Page) -> None:
    """The page's action forms open, as the person who acts opens them."""
    page.evaluate("document.querySelectorAll('main details.action').forEach(d => d.open = true)")


def open_first_action(page: Page) -> None:
    """The first action's form open (all of a request's make a page too long to show)."""
    page.evaluate("document.querySelector('main details.action').open = true")


def open_complaint_form(page: Page) -> None:
    page.evaluate(
        "document.querySelectorAll('main details#complaint-form').forEach(d => d.open = true)"
    )


def fill_submission(page: Page) -> None:
    """The body found by typing part of its name; the published answers like the subject."""
    page.fill(".body-picker-filter", "santé")
    page.fill("input[name=subject]", "Budget des hôpitaux régionaux")
    page.fill(
        "textarea[name=information_requested]",
        "Le budget exécuté des hôpitaux régionaux en 2025, par hôpital.",
    )
    page.wait_for_timeout(1200)  # the similar answers arrive after a pause in typing


def submit_empty(page: Page) -> None:
    page.click("main form button[type=submit]:not([name])")
    page.wait_for_load_state()


def first_link(listing: str, selector: str, nth: int = 0) -> Callable[[Page, Site], str]:
    def find(page: Page, site: Site) -> str:
        page.goto(f"{site.base}{listing}")
        href = page.locator(selector).nth(nth).get_attribute("href") or "/"
        return re.sub(r"^https?://[^/]+", "", href)

    return find


def proposal(page: Page, site: Site) -> str:
    """The script's own Article 10 proposal: made once, found again on later runs."""
    page.goto(f"{site.base}/library/review/")
    link = page.get_by_role("link", name=PROPOSAL_TITLE)
    if link.count():
        return link.first.get_attribute("href") or "/"
    page.goto(f"{site.base}/library/new/")
    body = page.locator("main select[name=body] option", has_text="Santé").first
    page.select_option("main select[name=body]", value=body.get_attribute("value") or "")
    page.select_option("main select[name=category]", index=1)
    page.select_option("main select[name=language]", value="fr")
    page.fill("input[name=title]", PROPOSAL_TITLE)
    page.fill("textarea[name=text]", PROPOSAL_TEXT)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    return re.sub(r"^https?://[^/]+", "", page.url)


PageFor = Callable[[str | None, str], Page]


def prepare_proposals(site: Site, page_for: PageFor | None = None) -> None:
    """What the worker does: the redactions of the proposals waiting to be prepared."""
    if site.env is not None:
        site.manage(
            "shell", "-c", "from ati.library.tasks import prepare_pending; prepare_pending()"
        )
    else:
        time.sleep(20)  # `make demo`'s worker prepares it


def publish_decision(site: Site, page_for: PageFor) -> None:
    """The demo's decided appeal published, as the commission does: proposed, its
    redactions prepared, then reviewed and approved (once: later runs find it)."""
    page = page_for(COMMISSION, "fr")
    page.goto(f"{site.base}/appeals/{DECIDED_APPEAL}/")
    number = page.locator("main h2 bdi").first.inner_text()
    page.goto(f"{site.base}/decisions/")
    if page.get_by_text(number).count():
        return
    page.goto(f"{site.base}/appeals/{DECIDED_APPEAL}/")
    publish = page.locator("main form[action$='/do/publish/']")
    if publish.count():
        open_actions(page)
        publish.locator("button[type=submit]").click()
        page.wait_for_load_state()
    prepare_proposals(site)
    page.goto(f"{site.base}/library/review/")
    page.locator("main a[href$='/review/']", has_text=number).first.click()
    page.wait_for_load_state()
    page.check("main input[name=confirm]")
    page.click("main .publish-panel button[type=submit]")
    page.wait_for_load_state()


@dataclass
class Shot:
    stem: str
    account: str | None
    path: str | Callable[[Page, Site], str]
    keep: tuple[str, ...]
    before: Callable[[Page], None] | None = None  # on the loaded page: open, fill, send
    setup: Callable[[Site, PageFor], None] | None = None  # once, before the first variant
    full_page: bool = True  # False: the first screen only (a guide's page, itself long)


# In the order the guides tell them; a page's stem names its file: <stem>-<lang>[-375].png.
SHOTS = [
    # Public pages
    Shot("home", None, "/", PUBLIC),
    Shot("help", None, "/help/", PUBLIC),
    Shot("help-citizen", None, "/help/citizen/", PUBLIC, full_page=False),
    Shot("bodies", None, "/bodies/", PUBLIC),
    Shot("body", None, "/bodies/min-sante/", PUBLIC),
    Shot("deadlines", None, "/deadlines/?received=2026-10-30", PUBLIC),
    Shot("calendar", None, "/deadlines/calendar/2026/11/", PUBLIC),
    Shot("library", None, "/library/", PUBLIC),
    Shot("library-search-page", None, "/library/?q=ambulances+urgences", PUBLIC),
    Shot(
        "library-document",
        None,
        first_link("/library/?q=inspection+urgences", "main a[href^='/library/']"),
        PUBLIC,
    ),
    Shot(
        "library-page",
        None,
        lambda page, site: first_link(
            first_link("/library/?q=inspection+urgences", "main a[href^='/library/']")(page, site),
            "main a[href*='/pages/']",
            nth=1,
        )(page, site),
        PUBLIC,
    ),  # its second page, which has redactions
    Shot("statistics", None, "/statistics/", PUBLIC),
    Shot("statistics-data", None, "/statistics/data/", PUBLIC),
    # Accounts
    Shot("register", None, "/accounts/signup/", PUBLIC),
    Shot("login", None, "/accounts/login/", PUBLIC),
    Shot("password-reset", None, "/accounts/password/reset/", PUBLIC),
    Shot("two-factor", CITIZEN_A, "/accounts/2fa/totp/activate/", PUBLIC),
    Shot("account", CITIZEN_A, "/accounts/me/", PUBLIC),
    Shot("erasure", CITIZEN_A, "/accounts/me/data/erasure/", PUBLIC),
    # The citizen
    Shot("citizen-submit", CITIZEN_A, "/requests/new/", ALL, before=fill_submission),
    Shot("citizen-submit-errors", CITIZEN_A, "/requests/new/", PUBLIC, before=submit_empty),
    Shot("citizen-requests", CITIZEN_A, "/requests/mine/", PUBLIC),
    Shot("citizen-request", CITIZEN_A, request_path("DAI-2026-00004"), ALL),  # clarification
    Shot("citizen-request-transferred", CITIZEN_A, request_path("DAI-2026-00013"), PUBLIC),
    Shot("inbox", CITIZEN_A, "/inbox/", PUBLIC),
    Shot("citizen-request-answered", CITIZEN_Y, request_path("DAI-2026-00008"), PUBLIC),
    Shot(
        "citizen-request-complaint",
        CITIZEN_A,
        request_path("DAI-2026-00016"),
        PUBLIC,
        before=open_complaint_form,
    ),
    Shot("citizen-request-complaint-filed", CITIZEN_A, request_path("DAI-2026-00009"), PUBLIC),
    Shot("citizen-request-appeal", CITIZEN_Y, request_path("DAI-2026-00010"), PUBLIC),
    Shot("citizen-request-decided", CITIZEN_A, request_path("DAI-2026-00006"), PUBLIC),
    # The officer
    Shot("officer-queue", OFFICER, "/office/", ALL),
    Shot(
        "officer-request", OFFICER, request_path("DAI-2026-00001"), STAFF, before=open_first_action
    ),
    Shot(
        "officer-request-draft",
        OFFICER,
        request_path("DAI-2026-00003"),
        STAFF,
        before=open_first_action,
    ),
    Shot("officer-record", OFFICER, "/office/record/", STAFF),
    Shot("officer-review-queue", OFFICER, "/library/review/", STAFF),
    Shot("officer-library-new", OFFICER, "/library/new/", STAFF),
    Shot("officer-publication-preparing", OFFICER, proposal, STAFF),
    Shot("officer-publication-review", OFFICER, proposal, STAFF, setup=prepare_proposals),
    Shot(
        "library-review-scan",
        OFFICER,
        first_link("/library/review/", "main a[href$='/review/']"),
        ("fr", "ar-375"),
    ),
    # The head of the body
    Shot("head-complaints", HEAD, "/complaints/", STAFF),
    Shot(
        "head-complaint",
        HEAD,
        first_link("/complaints/", "main a[href^='/complaints/']"),
        STAFF,
        before=open_actions,
    ),
    # The commission
    Shot("commission-dashboard", COMMISSION, "/commission/", STAFF),
    Shot("commission-appeal", COMMISSION, f"/appeals/{APPEAL}/", STAFF, before=open_actions),
    Shot("appeal-decided", COMMISSION, f"/appeals/{DECIDED_APPEAL}/", STAFF),
    Shot("commission-non-compliance", COMMISSION, "/commission/non-compliance/", STAFF),
    # Public again: the decision, once the commission has published it
    Shot("decisions", None, "/decisions/", PUBLIC, setup=publish_decision),
]


# --- the browser --------------------------------------------------------------------


def login(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    for _ in range(3):  # staff: the demo's second factor; a code serves once, so wait
        if "/accounts/2fa/authenticate/" not in page.url:
            return
        page.fill("input[name=code]", demo_totp_code())
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        if "/accounts/2fa/authenticate/" in page.url:
            time.sleep(31 - time.time() % 30)
    raise RuntimeError(f"{email} could not sign in")


def take(page: Page, path: Path, full_page: bool = True) -> None:
    # Lazy images (thumbnails, help screenshots) load before a whole-page capture.
    page.evaluate(
        "document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')"
    )
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(path), full_page=full_page, animations="disabled", caret="hide")


def keep(source: Path, target: Path, max_height: int) -> None:
    """A copy for the repository: cut at max_height, 256 colours, metadata stripped."""
    from PIL import Image

    with Image.open(source) as image:
        if image.height > max_height:
            image = image.crop((0, 0, image.width, max_height))
        image.convert("RGB").save(target, optimize=True)
    if shutil.which("pngquant"):
        subprocess.run(
            [
                "pngquant",
                "--force",
                "--skip-if-larger",
                "--strip",
                "--speed",
                "1",
                "--quality",
                "70-95",
                "--output",
                str(target),
                str(target),
            ],
            check=False,
        )
    else:
        with Image.open(target) as image:
            image.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
                target, optimize=True
            )


def capture(
    browsers: dict[str, Browser], site: Site, shots: list[Shot], out: Path, every: Path
) -> None:
    contexts: dict[tuple[str | None, str], BrowserContext] = {}

    def page_for(account: str | None, lang: str) -> Page:
        """One signed-in browser context per account and language, kept for the run."""
        key = (account, lang)
        if key not in contexts:
            contexts[key] = browsers[lang].new_context(
                viewport={"width": 1366, "height": 900},
                locale=lang,
                extra_http_headers={"Accept-Language": lang},
            )
            page = contexts[key].new_page()
            if account:
                login(page, site.base, account)
        page = contexts[key].pages[0]
        page.set_viewport_size({"width": 1366, "height": 900})
        return page

    for shot in shots:
        if shot.setup:
            shot.setup(site, page_for)
        for lang in ("fr", "ar"):
            page = page_for(shot.account, lang)
            path = shot.path if isinstance(shot.path, str) else shot.path(page, site)
            for suffix, width in WIDTHS.items():
                page.set_viewport_size({"width": width, "height": HEIGHTS[suffix]})
                page.goto(f"{site.base}{path}")
                if shot.before:
                    shot.before(page)
                page.evaluate("document.activeElement && document.activeElement.blur()")
                name = f"{shot.stem}-{lang}{suffix}.png"
                take(page, every / name, shot.full_page)
                if f"{lang}{suffix}" in shot.keep:
                    keep(every / name, out / name, MAX_HEIGHT[suffix])
                    print(out / name, flush=True)
    for context in contexts.values():
        context.close()


# --- a site of its own ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(var: Path) -> tuple[Site, subprocess.Popen[bytes]]:
    env = {**os.environ, "ATI_VAR_DIR": str(var), "ATI_DEBUG": "1"}
    site = Site(f"http://127.0.0.1:{free_port()}", env)
    if not (var / "ati.sqlite3").exists():
        site.manage("migrate", "--noinput", "-v0")
        site.manage("seed_demo")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", site.base.removeprefix("http://"), "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(var / "runserver.log", "ab"),  # noqa: SIM115 (open for the server's life)
    )
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{site.base}/health/", timeout=2)  # noqa: S310 (loopback)
            return site, server
        except OSError:
            time.sleep(1)
    server.terminate()
    raise RuntimeError(f"the site did not start: {var / 'runserver.log'}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", help="a running, seeded site (default: serve one)")
    parser.add_argument("--var", type=Path, help="the served site's var directory")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument("--all", type=Path, default=ROOT / "var" / "screenshots" / "pages")
    parser.add_argument("--only", nargs="*", help="these stems only")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    args.all.mkdir(parents=True, exist_ok=True)
    shots = [s for s in SHOTS if not args.only or s.stem in args.only]
    server = None
    if args.base:
        site = Site(args.base.rstrip("/"))
    else:
        var = args.var or Path(tempfile.mkdtemp(prefix="ati-screenshots-"))
        var.mkdir(parents=True, exist_ok=True)
        site, server = serve(var)
    try:
        with sync_playwright() as p:
            # One browser a language: its own controls (a file field's button) speak it
            # too, where Debian's chromium-l10n is installed.
            browsers = {
                lang: p.chromium.launch(
                    executable_path=str(CHROMIUM),
                    args=[*CHROMIUM_ARGS, f"--lang={lang}"],
                    env={**os.environ, "LANGUAGE": lang},
                )
                for lang in ("fr", "ar")
            }
            capture(browsers, site, shots, args.out, args.all)
            for browser in browsers.values():
                browser.close()
    finally:
        if server is not None:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()

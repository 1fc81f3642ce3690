"""Fixtures of the browser journeys: Debian's Chromium, the live server, a page per language.

The live server (pytest-django's `live_server`) runs in this process on a free port
and serves static files itself, so e-mails land in django.core.mail.outbox and the
CSS is the repository's. Every test here uses the transactional database: the server
thread must see what the test commits.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path
from unittest import mock

import pytest
from django.apps import apps
from django.core import mail
from django.core.management import call_command

from ati.core.chromium import CHROMIUM, CHROMIUM_ARGS

from .harness import LANGUAGES, Journey

HERE = Path(__file__).resolve().parent
NO_CHROMIUM = (
    f"!!! {CHROMIUM} is absent: the browser journeys are SKIPPED. "
    "`make test-browser` (as root) installs Debian's chromium. !!!"
)


@pytest.hookimpl(tryfirst=True)  # before `-m "not browser"` deselects
def pytest_collection_modifyitems(config, items):
    # This hook sees the whole session's items: touch only the ones in this folder.
    for item in items:
        if not _in_folder(item):
            continue
        item.add_marker(pytest.mark.browser)
        if not CHROMIUM.exists():
            item.add_marker(pytest.mark.skip(reason=NO_CHROMIUM))


def pytest_terminal_summary(terminalreporter):
    if not CHROMIUM.exists():
        terminalreporter.write_line(NO_CHROMIUM, red=True, bold=True)


# Playwright's sync API keeps an event loop running in this thread while it is started,
# and Django refuses ORM calls from a thread with a running loop. The journeys are
# synchronous all the same, so DJANGO_ALLOW_ASYNC_UNSAFE is set while Chromium runs,
# and both stop after the last browser test: the tests that follow (and the deploy
# check they run) must not inherit either.
_running: dict[str, object] = {}


def _in_folder(item) -> bool:
    return item is not None and HERE in Path(str(item.fspath)).parents


def _start_browser():
    if "browser" not in _running:
        from playwright.sync_api import sync_playwright

        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        playwright = sync_playwright().start()
        _running["playwright"] = playwright
        _running["browser"] = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
    return _running["browser"]


def _stop_browser():
    browser = _running.pop("browser", None)
    playwright = _running.pop("playwright", None)
    try:
        if browser is not None:
            browser.close()
        if playwright is not None:
            playwright.stop()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    # After the test's own fixtures are torn down (the database flush uses the ORM).
    result = yield
    if _in_folder(item) and not _in_folder(nextitem):
        _stop_browser()
    return result


@pytest.fixture
def browser():
    """One Chromium for all the browser tests in a row (started on first use)."""
    return _start_browser()


@pytest.fixture(params=LANGUAGES)
def lang(request):
    return request.param


@pytest.fixture
def journey(request, browser, live_server, lang, settings, transactional_db):
    """The journey named after the test (test_citizen_journey → "citizen")."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    name = request.node.originalname.removeprefix("test_").removesuffix("_journey")
    walk = Journey(browser, live_server.url, lang, name.replace("_", "-"))
    yield walk
    walk.close()


@pytest.fixture
def page(journey):
    """A page in the journey's language (locale and Accept-Language)."""
    return journey.new_page()


def _stub_pdf(*args, **kwargs):
    return b"%PDF-1.4\n% stub letter of a demo request\n"


@pytest.fixture
def demo(transactional_db):
    """The demo bodies, accounts (password demo-ati-2026) and requests in every state.

    The letters of the seeded requests and the PDFs of the seeded publications are
    stubs: WeasyPrint would take most of the seeding time, and the journeys download
    the letters of their own requests and publications only.
    """
    from tests.factories import default_legal_profile

    default_legal_profile()  # a flushed database has lost the shipped law data
    with contextlib.ExitStack() as stubs:
        stubs.enter_context(mock.patch("ati.requests.letters._pdf", _stub_pdf))
        if apps.is_installed("ati.appeals"):
            # The demo's decision is sent with its letter.
            stubs.enter_context(mock.patch("ati.appeals.letters.decision_pdf", _stub_pdf))
        if apps.is_installed("ati.library"):
            # The library's demo publishes a dozen documents, each with its PDF.
            stubs.enter_context(mock.patch("ati.library.pdf.publication_pdf", _stub_pdf))
            # The released documents (a PDF, a scan read by OCR) only where a journey reads
            # them (test_library_documents.py seeds them itself, for real).
            stubs.enter_context(
                mock.patch("ati.demo.library.seed_released_documents", lambda: None)
            )
        call_command("seed_demo", stdout=io.StringIO())
    mail.outbox = []


def verification_link(address: str) -> str:
    """The link of the last e-mail sent to the address."""
    sent = [m for m in mail.outbox if address in m.to]
    assert sent, f"no e-mail to {address}: {[m.to for m in mail.outbox]}"
    match = re.search(r"https?://\S+/accounts/(?:confirm-email|verify)/\S+/", sent[-1].body)
    assert match, sent[-1].body
    return match.group(0)

"""What every page of a browser journey is checked for, and where its screenshots go.

A journey (citizen, officer, later commission) walks pages in one language; at each
page `Journey.check` runs the same checks: the stylesheet is applied, the page is in
the journey's language and direction, axe-core finds no serious or critical
violation, the page is usable 375 px wide and does not scroll sideways at 1366 px, no
English sentence of the catalogue shows on a French or Arabic page, and a screenshot
(desktop and phone) is saved under var/screenshots/ for people to review.
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(os.environ.get("ATI_SCREENSHOTS_DIR", ROOT / "var" / "screenshots"))
LANGUAGES = ("fr", "ar")
DESKTOP = {"width": 1366, "height": 900}
PHONE_WIDTH = 375
# axe-core impacts that fail a page; "minor" and "moderate" are reported by axe only.
FAILING_IMPACTS = ("serious", "critical")
# The header's green (--brand in static/css/ati.css): proof that the stylesheet was served.
BRAND_RGB = "rgb(11, 93, 59)"


def axe(page: Any, *, impacts: tuple[str, ...] = FAILING_IMPACTS) -> list[dict[str, Any]]:
    """Run axe-core on the page; fail listing every violation of the given impacts.

    Returns all violations (of any impact), for tests that want to look closer.
    """
    if not AXE_JS.exists():
        pytest.fail(
            f"{AXE_JS.relative_to(ROOT)} is missing: run `make test-browser` "
            "(or `npm ci` in the project root) to install axe-core."
        )
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations'],"
        " runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',"
        " 'wcag22aa', 'best-practice']}})"
    )
    violations: list[dict[str, Any]] = result["violations"]
    failing = [v for v in violations if v["impact"] in impacts]
    if failing:
        pytest.fail(f"axe-core on {page.url}:\n{format_violations(failing)}", pytrace=False)
    return violations


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:8]:
            target = " ".join(t if isinstance(t, str) else json.dumps(t) for t in node["target"])
            lines.append(f"    {target}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n      ")
            lines.append(f"      {summary}")
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


# Elements wider than the viewport, and controls out of reach (evaluated with the width).
# The leading // comments are dropped: Playwright must see the text start as a function.
_LAYOUT_JS = "\n".join(
    line
    for line in (Path(__file__).parent / "layout.js").read_text().splitlines()
    if not line.startswith("//")
)


class Journey:
    """One person's (or several people's) walk through the site in one language."""

    def __init__(self, browser: Any, base_url: str, lang: str, name: str) -> None:
        self.browser = browser
        self.base_url = base_url.rstrip("/")
        self.lang = lang
        self.name = name
        self.step = 0
        self.contexts: list[Any] = []
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def new_page(self) -> Any:
        """A fresh browser context (its own cookies: one per person) speaking the language."""
        context = self.browser.new_context(
            viewport=DESKTOP,
            locale=self.lang,
            extra_http_headers={"Accept-Language": self.lang},
            accept_downloads=True,
            reduced_motion="reduce",
            # axe-core is injected as an inline script: the site's CSP (rightly) forbids
            # those, so the test browser alone bypasses it. The CSP itself is tested in
            # tests/security.
            bypass_csp=True,
        )
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        return context.new_page()

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, page: Any, path: str) -> Any:
        response = page.goto(self.url(path))
        assert response is not None and response.ok, f"GET {path}: {response and response.status}"
        return response

    def follow(self, page: Any, selector: str) -> None:
        """Click a link or a submit button and wait for the page it leads to."""
        with page.expect_navigation():
            page.click(selector)

    def shot(self, page: Any, name: str, *, suffix: str = "") -> Path:
        """Save var/screenshots/<journey>-<lang>-<nn>-<name>[-375].png (whole page)."""
        if not suffix:
            self.step += 1
        path = SCREENSHOTS / f"{self.name}-{self.lang}-{self.step:02d}-{name}{suffix}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    def check(self, page: Any, name: str) -> None:
        """Every page of a journey: styled, right language and direction, axe, phone, shots."""
        assert_styled(page)
        assert_language(page, self.lang)
        axe(page)
        assert_fits(page)
        if self.lang != "en":
            assert_no_english(page)
        self.shot(page, name)
        assert_usable_on_phone(page, lambda: self.shot(page, name, suffix=f"-{PHONE_WIDTH}"))

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def assert_styled(page: Any) -> None:
    background = page.evaluate(
        "() => getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    assert background == BRAND_RGB, f"static/css/ati.css not applied on {page.url} ({background})"


def assert_language(page: Any, lang: str) -> None:
    html = page.evaluate("() => [document.documentElement.lang, document.documentElement.dir]")
    assert html == [lang, "rtl" if lang == "ar" else "ltr"], f"{page.url}: lang/dir {html}"


_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{\s*\w+\s*\}\}|<[^>]+>")


@cache
def english_sentences() -> tuple[str, ...]:
    """Runs of English words of the catalogue (the msgids the French one translates)."""
    text = (ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    found = set()
    for block in text.split("\n\n"):
        ids = re.findall(r'^msgid (".*")$((?:\n".*")*)', block, re.M)
        strs = re.findall(r'^msgstr (".*")$((?:\n".*")*)', block, re.M)
        if not ids or not strs:
            continue
        msgid = "".join(eval(part) for part in re.findall(r'".*"', "".join(ids[0])))  # noqa: S307
        msgstr = "".join(eval(part) for part in re.findall(r'".*"', "".join(strs[0])))  # noqa: S307
        if not msgid or msgid == msgstr:
            continue
        for run in _PLACEHOLDER.split(msgid):
            run = run.strip(" .:;,()“”")
            # Long enough that it cannot be a name or a word French shares with English.
            if len(run) >= 18 and run.count(" ") >= 2:
                found.add(run)
    return tuple(sorted(found))


def assert_no_english(page: Any) -> None:
    """No sentence of the English catalogue on a French or Arabic page (a leak)."""
    text = page.evaluate("() => document.body.innerText")
    leaked = [s for s in english_sentences() if s in text]
    assert not leaked, f"{page.url}: English on a French or Arabic page: {leaked[:5]}"


def assert_fits(page: Any, width: int = DESKTOP["width"]) -> None:
    """At a desktop's width the document does not scroll sideways."""
    size = page.viewport_size
    page.set_viewport_size({"width": width, "height": DESKTOP["height"]})
    try:
        scroll = page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll <= width, f"{page.url} scrolls sideways at {width} px ({scroll})"
    finally:
        page.set_viewport_size(size)


# The targets of the main content and the header smaller than 24 x 24 CSS px (WCAG 2.2,
# 2.5.8), except a link inside a sentence (its line height decides, as 2.5.8 allows).
_SMALL_TARGETS_JS = """() => [...document.querySelectorAll(
    'main a[href], main button, main input:not([type=hidden]), main select, main summary,'
    + ' header a[href], header button')]
  .filter((el) => { const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 1 && !el.closest('.visually-hidden'); })
  .filter((el) => !(el.tagName === 'A'
    && el.parentElement.textContent.trim().length > el.textContent.trim().length
    && getComputedStyle(el).display === 'inline'))
  .map((el) => { const r = el.getBoundingClientRect();
    return {el: el.outerHTML.slice(0, 90), w: Math.round(r.width), h: Math.round(r.height)}; })
  .filter((t) => t.w < 24 || t.h < 24).slice(0, 10)"""


def small_targets(page: Any) -> list[dict[str, Any]]:
    """Links, buttons and fields under 24 x 24 CSS px, outside sentences."""
    result: list[dict[str, Any]] = page.evaluate(_SMALL_TARGETS_JS)
    return result


def assert_usable_on_phone(page: Any, then: Any = None) -> None:
    """At 375 px the document does not scroll sideways and every control is within reach."""
    size = page.viewport_size
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    try:
        layout = page.evaluate(_LAYOUT_JS, PHONE_WIDTH)
        assert layout["scrollWidth"] <= PHONE_WIDTH, (
            f"{page.url} scrolls sideways at {PHONE_WIDTH} px "
            f"(scrollWidth {layout['scrollWidth']}); too wide: {layout['wide']}"
        )
        assert not layout["controls"], (
            f"{page.url}: controls out of reach at {PHONE_WIDTH} px: {layout['controls']}"
        )
        if then:
            then()
    finally:
        page.set_viewport_size(size)


def assert_errors_tied_to_fields(page: Any) -> int:
    """Every invalid field names its error message in aria-describedby; returns their number."""
    problems = page.evaluate(
        """() => [...document.querySelectorAll('[aria-invalid=true]')].map((el) => {
             const ids = (el.getAttribute('aria-describedby') || '').split(/\\s+/);
             const errors = ids.map((id) => document.getElementById(id))
               .filter((e) => e && e.classList.contains('errorlist') && e.textContent.trim());
             const label = el.labels && el.labels.length ? el.labels[0].textContent.trim() : '';
             return {name: el.name, label, tied: errors.length > 0};
           })"""
    )
    assert problems, f"{page.url}: no field marked aria-invalid"
    untied = [p for p in problems if not p["tied"] or not p["label"]]
    assert not untied, f"{page.url}: invalid fields without a label or a tied error: {untied}"
    return len(problems)

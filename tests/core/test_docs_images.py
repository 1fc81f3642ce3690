"""docs/img holds what the documentation shows, and nothing else.

Every image under docs/img is shown by a page of docs/ (docs/*.md, the help pages'
translations docs/help/<lang>/*.md) or the README, and every image these pages show
exists: a screenshot renamed or removed by scripts/screenshots.py, or forgotten there,
fails here rather than as a broken picture in a guide.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
IMAGES = DOCS / "img"
IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)")


def pages() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.glob("*.md")), *sorted(DOCS.glob("help/**/*.md"))]


def shown() -> dict[Path, list[str]]:
    """Each image a page shows (resolved from the page's folder) and where it is shown."""
    found: dict[Path, list[str]] = {}
    for page in pages():
        for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            for src in IMAGE.findall(line):
                if re.match(r"^[a-z]+:", src):
                    continue  # an address elsewhere: not ours to check
                target = (page.parent / src.split("#")[0]).resolve()
                found.setdefault(target, []).append(f"{page.relative_to(ROOT)}:{n}")
    return found


def test_the_pages_show_images():
    assert any(p.is_relative_to(IMAGES) for p in shown()), "no page shows an image of docs/img"


def test_every_image_shown_exists():
    missing = {
        str(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target): where
        for target, where in shown().items()
        if not target.is_file()
    }
    assert not missing, f"images shown but missing: {missing}"


def test_every_image_shown_is_in_docs_img():
    outside = {str(t): w for t, w in shown().items() if not t.is_relative_to(IMAGES)}
    assert not outside, f"images outside docs/img: {outside}"


def test_every_image_of_docs_img_is_shown():
    referenced = set(shown())
    unused = sorted(
        str(path.relative_to(ROOT))
        for path in IMAGES.rglob("*")
        if path.is_file() and path.resolve() not in referenced
    )
    assert not unused, f"images of docs/img shown by no page (delete them or show them): {unused}"

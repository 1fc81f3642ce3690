"""Long work shows progress: a bar on a terminal, plain lines otherwise (issue #19)."""

from __future__ import annotations

import io

from ati.core.progress import Progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_periodic_lines_when_not_on_a_terminal():
    out, now = io.StringIO(), [0.0]
    with Progress("requests", 300, stream=out, every=10, clock=lambda: now[0]) as progress:
        progress.update(100)  # within the first 10 s: nothing yet
        now[0] = 11
        progress.update(100)
        now[0] = 22
        progress.update(100)
    lines = out.getvalue().splitlines()
    assert lines == [
        "requests: 200 of 300 rows (67%) in 11 s, 18/s …",
        "requests: 300 of 300 rows (100%) in 22 s, 14/s …",
        "requests: 300 of 300 rows (100%) in 22 s, 14/s done",
    ]
    assert "\r" not in out.getvalue()


def test_short_work_stays_quiet():
    out = io.StringIO()
    with Progress("requests", 3, stream=out) as progress:
        progress.update(3)
    assert out.getvalue() == ""


def test_a_bar_on_a_terminal():
    out = _Terminal()
    with Progress("documents", 50, stream=out, unit="documents") as progress:
        progress.update(50)
    assert "documents: 100%" in out.getvalue() and "\r" in out.getvalue()


def test_disabled_progress_writes_nothing():
    out = _Terminal()
    with Progress("x", 5, stream=out, enabled=False) as progress:
        progress.update(5)
    assert out.getvalue() == ""

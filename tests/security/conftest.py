from __future__ import annotations

import sys

from tests.requests.conftest import clock  # noqa: F401  (the request tests' fixed date)


def pytest_terminal_summary(terminalreporter):
    """How many schemathesis cases ran per role (docs/security.md quotes these figures)."""
    fuzz = sys.modules.get("tests.security.test_schema_fuzz")
    if fuzz is None or not fuzz.CASES_RUN:
        return
    counts = ", ".join(f"{role} {n}" for role, n in fuzz.CASES_RUN.items())
    total = sum(fuzz.CASES_RUN.values())
    terminalreporter.write_line(f"schemathesis cases per role: {counts} (total {total})")

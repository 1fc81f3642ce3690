from __future__ import annotations

import sys

from tests.requests.conftest import clock  # noqa: F401  (the request tests' fixed date)


def pytest_terminal_summary(terminalreporter):
    """The figures docs/security.md quotes: fuzz cases and CSRF-checked forms per role."""
    for module, counter, what in [
        ("tests.security.test_schema_fuzz", "CASES_RUN", "schemathesis cases"),
        ("tests.security.test_csrf", "FORMS_CHECKED", "POST forms checked for CSRF"),
    ]:
        counts = getattr(sys.modules.get(module), counter, None)
        if counts:
            each = ", ".join(f"{role} {n}" for role, n in counts.items())
            terminalreporter.write_line(f"{what} per role: {each} (total {sum(counts.values())})")

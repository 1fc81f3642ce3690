from __future__ import annotations

from tests.requests.conftest import clock  # noqa: F401  (the request tests' fixed date)

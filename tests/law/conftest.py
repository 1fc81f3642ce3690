import pytest

from ati.law.selectors import clear_calendar_cache


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    # Each test's database is rolled back; so must be the process-wide cache.
    clear_calendar_cache()
    yield
    clear_calendar_cache()

from __future__ import annotations

import pytest
from django.db import connection

from ati.accounts.models import Role

from .factories import DepartmentFactory, PublicBodyFactory, UserFactory, enrol, member


def pytest_collection_modifyitems(config, items):
    # Tests marked `postgres` need PostgreSQL's own features; the SQLite run skips them.
    for item in items:
        if "postgres" in item.keywords and connection.vendor != "postgresql":
            item.add_marker(
                pytest.mark.skip(reason="needs PostgreSQL (runs in the PostgreSQL pass)")
            )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is right for people, and far too slow for thousands of test accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_default_cache():
    """allauth counts its rate limits (and used 2FA codes) in the "default" cache: each
    test starts with none, whatever the tests before it did."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def admin_user(db, django_user_model):
    """pytest-django's administrator (admin_client), enrolled in 2FA as staff must be."""
    user = django_user_model.objects.create_superuser(
        email="admin@example.com", full_name="Admin", password="password"
    )
    return enrol(user)


@pytest.fixture
def body(db):
    return PublicBodyFactory()


@pytest.fixture
def other_body(db):
    return PublicBodyFactory()


@pytest.fixture
def department(body):
    return DepartmentFactory(body=body)


@pytest.fixture
def citizen(db):
    return UserFactory(role=Role.CITIZEN)


@pytest.fixture
def officer(body):
    return member(Role.OFFICER, body)


@pytest.fixture
def head(body):
    return member(Role.HEAD_OF_BODY, body)


@pytest.fixture
def staff(body, department):
    return member(Role.DEPARTMENT_STAFF, body, department)


@pytest.fixture
def commissioner(db):
    return UserFactory(role=Role.COMMISSION_MEMBER)


@pytest.fixture
def administrator(db):
    return UserFactory(role=Role.ADMINISTRATOR, is_superuser=True, is_staff=True)


@pytest.fixture
def english():
    """Service messages in English, so tests can name them whatever the default language."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _forget_webhook_endpoints():
    """Each test's database is rolled back, which no signal reports: the process's memory of
    which bodies have webhook endpoints (ati.notifications.webhooks) starts afresh."""
    from ati.law.selectors import forget_versions
    from ati.notifications.webhooks import forget_endpoints

    forget_endpoints()
    forget_versions()  # the same for the legal profile versions in force (ati.law.selectors)
    yield
    forget_endpoints()
    forget_versions()

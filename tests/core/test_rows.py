"""A row and its related rows read without the ORM's compiler (ati/core/rows.py) are the
same instances the ORM would give: the hot lookups (every API call's token, every
submission's body) rely on it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import models
from django.utils import timezone

from ati.accounts import tokens
from ati.accounts.models import ApiToken, User
from ati.bodies.models import PublicBody
from ati.core import rows
from tests.factories import PublicBodyFactory, UserFactory

pytestmark = pytest.mark.django_db


def _values(instance: models.Model) -> dict[str, object]:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_a_token_and_its_account_read_as_the_orm_reads_them(django_assert_num_queries):
    user = UserFactory(email_verified=True, preferred_language="ar")
    _, key = tokens.create_token(user, name="Scripts")
    orm = ApiToken.objects.select_related("user").get(key_hash=tokens.hash_key(key))
    with django_assert_num_queries(1):
        token = rows.one(
            ApiToken,
            where="t.key_hash = %s AND t.revoked_at IS NULL AND t.expires_at > %s",
            params=[tokens.hash_key(key), timezone.now()],
            related=("user",),
        )
        assert token is not None
        # Dates aware, booleans as booleans, the account cached as select_related caches it.
        assert _values(token) == _values(orm)
        assert _values(token.user) == _values(orm.user)
        assert isinstance(token.user.email_verified, bool)
        assert token.expires_at.tzinfo is not None
    assert token._state.adding is False
    assert token._state.db == "default"
    token.name = "Renamed"
    token.save(update_fields=["name"])  # an ordinary instance: saved as an update
    assert ApiToken.objects.get(pk=token.pk).name == "Renamed"
    assert ApiToken.objects.count() == 1


def test_a_body_with_its_legal_profile():
    body = PublicBodyFactory()
    found = rows.one(
        PublicBody, where="t.code = %s", params=[body.code], related=("legal_profile",)
    )
    assert found == body
    assert _values(found) == _values(PublicBody.objects.get(pk=body.pk))
    assert found.legal_profile == body.legal_profile


def test_no_row_is_none_and_several_are_an_error():
    assert rows.one(PublicBody, where="t.code = %s", params=["nowhere"]) is None
    PublicBodyFactory.create_batch(2)
    with pytest.raises(PublicBody.MultipleObjectsReturned):
        rows.one(PublicBody, where="t.is_active = %s", params=[True])


def test_an_optional_relation_is_refused():
    # A nullable foreign key would need an outer join and a missing row: not offered.
    with pytest.raises(ValueError, match="parent"):
        rows.one(PublicBody, where="t.code = %s", params=["x"], related=("parent",))


def test_an_expired_token_opens_nothing():
    user = UserFactory()
    token, key = tokens.create_token(user, name="Old")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    assert tokens.user_for_key(key) is None
    assert User.objects.filter(pk=user.pk).exists()

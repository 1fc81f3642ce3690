"""Factories for the people and bodies of the law's scenarios."""

from __future__ import annotations

import factory
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from ati.accounts.models import Role, User
from ati.bodies.models import BodyKind, Department, Membership, PublicBody
from ati.law.models import LegalProfile


def default_legal_profile() -> LegalProfile:
    """Law 31-13, installing the shipped profiles if a flushed database lost them."""
    profile = LegalProfile.objects.filter(code="ma-31-13").first()
    if profile is None:
        from ati.law.data import install_legal_data

        install_legal_data(years=range(2025, 2029))
        profile = LegalProfile.objects.get(code="ma-31-13")
    return profile


#: The authenticator-app secret of every staff account the factories make: staff must
#: sign in with a second factor (ATI_MFA_REQUIRED_FOR_STAFF), and tests compute codes
#: from it (`totp_code`).
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str = TEST_TOTP_SECRET, at: float | None = None) -> str:
    """The authenticator app's current code for `secret`."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int((at or time.time()) // 30)))


def enrol(user: User, secret: str = TEST_TOTP_SECRET) -> User:
    """Give the account an authenticator app, as enrolment does (once)."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, secret)
    return user


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="fr_FR")
    role = Role.CITIZEN
    email_verified = True
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def mfa(obj, create, extracted, **kwargs):
        """Staff are enrolled in two-factor authentication unless `mfa=False` is given."""
        wanted = extracted if extracted is not None else obj.role != Role.CITIZEN
        if create and wanted:
            enrol(obj)


class PublicBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublicBody

    code = factory.Sequence(lambda n: f"body-{n}")
    name_fr = factory.Sequence(lambda n: f"Organisme public {n}")
    name_ar = factory.Sequence(lambda n: f"هيئة عمومية {n}")
    name_en = factory.Sequence(lambda n: f"Public body {n}")
    kind = BodyKind.MINISTRY
    legal_profile = factory.LazyFunction(default_legal_profile)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    body = factory.SubFactory(PublicBodyFactory)
    code = factory.Sequence(lambda n: f"dept-{n}")
    name_fr = factory.Sequence(lambda n: f"Direction {n}")
    name_ar = factory.Sequence(lambda n: f"مديرية {n}")


def member(role: Role, body: PublicBody, department: Department | None = None, **kw) -> User:
    """A person with a role in a body (and department, for staff)."""
    user = UserFactory(role=role, **kw)
    Membership.objects.create(user=user, body=body, role=role, department=department)
    return user


def api_key(user: User, name: str = "tests") -> str:
    """A personal API token's key for the account (as made under "my account")."""
    from ati.accounts.tokens import create_token

    return create_token(user, name=name)[1]

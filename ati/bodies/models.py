"""Public bodies (organismes), their departments and who works where."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from ati.accounts.models import BODY_ROLES, Role
from ati.core.folding import fold
from ati.core.i18n import pick_translation
from ati.law.models import default_legal_profile


class BodyKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    PUBLIC_ESTABLISHMENT = "public_establishment", _("Public establishment")
    LOCAL_AUTHORITY = "local_authority", _("Local authority")
    REGIONAL_AUTHORITY = "regional_authority", _("Region or prefecture")
    CONSTITUTIONAL_BODY = "constitutional_body", _("Constitutional or governance body")
    PARLIAMENT = "parliament", _("Parliament")
    JUDICIAL = "judicial", _("Judicial authority")
    PUBLIC_SERVICE = "public_service", _("Body entrusted with a public service")
    OTHER = "other", _("Other public body")


#: What `PublicBody.search_text` is made of.
SEARCHED_FIELDS = frozenset({"name_fr", "name_ar", "name_en", "code"})


def search_text_of(body: Any) -> str:
    """A body's names and code, folded (ati/core/folding.py): its `search_text`. Any object
    with those attributes (a historical model in a migration)."""
    return fold(" ".join((body.name_fr, body.name_ar, body.name_en, body.code)))


class PublicBody(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=300)
    name_ar = models.CharField(_("name (Arabic)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=BodyKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    email = models.EmailField(_("information officer's e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    address = models.TextField(_("postal address"), blank=True)
    # Who signs the body's letters (receipt, answer): a postal applicant must know
    # whom they deal with, and an answer that can be challenged names its author.
    signatory_name = models.CharField(_("signatory's name"), max_length=200, blank=True)
    signatory_title_fr = models.CharField(
        _("signatory's title (French)"), max_length=200, blank=True
    )
    signatory_title_ar = models.CharField(
        _("signatory's title (Arabic)"), max_length=200, blank=True
    )
    signatory_title_en = models.CharField(
        _("signatory's title (English)"), max_length=200, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The law whose deadlines and grounds apply to this body's requests. Every
    # body has one (NOT NULL); a form that leaves it out gets Law 31-13.
    legal_profile = models.ForeignKey(
        "law.LegalProfile",
        verbose_name=_("legal profile"),
        on_delete=models.PROTECT,
        related_name="bodies",
        default=default_legal_profile,
        blank=True,
        help_text=_("The law whose deadlines and refusal grounds apply (Law 31-13 by default)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Every name and the code, folded (ati/core/folding.py): what the list of bodies and the
    # body picker search, on SQLite and PostgreSQL alike. Derived: set by save().
    search_text = models.TextField(_("search text"), blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("public body")
        verbose_name_plural = _("public bodies")
        ordering = ["name_fr"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A derived column, not a rule: whatever saves a body (admin, services, seeds)
        # keeps it searchable. bulk_create and update() bypass this: set it there.
        self.search_text = search_text_of(self)
        fields = kwargs.get("update_fields")
        if fields is not None and SEARCHED_FIELDS & set(fields):
            kwargs["update_fields"] = {*fields, "search_text"}
        super().save(*args, **kwargs)

    @property
    def name(self) -> str:
        return pick_translation(self, "name")

    @property
    def signatory_title(self) -> str:
        return pick_translation(self, "signatory_title")

    def clean(self) -> None:
        super().clean()
        if self.legal_profile_id is None:
            self.legal_profile_id = default_legal_profile()
        # A body cannot be its own ancestor: walk up from the proposed parent.
        ancestor, seen = self.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk is not None and ancestor.pk == self.pk:
                raise ValidationError({"parent": _("A body cannot be placed under itself.")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class Department(models.Model):
    body = models.ForeignKey(
        PublicBody, verbose_name=_("body"), on_delete=models.PROTECT, related_name="departments"
    )
    code = models.SlugField(_("code"), max_length=64)
    name_fr = models.CharField(_("name (French)"), max_length=300)
    name_ar = models.CharField(_("name (Arabic)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["body__name_fr", "name_fr"]
        constraints = [
            models.UniqueConstraint(fields=["body", "code"], name="department_code_unique_per_body")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.body.code})"

    @property
    def name(self) -> str:
        return pick_translation(self, "name")

    def clean(self) -> None:
        super().clean()
        # A department belongs to exactly one body for its whole life: moving it
        # would silently hand its staff and its requests to another body.
        if self.pk is not None and self.body_id is not None:
            original = (
                Department.objects.filter(pk=self.pk).values_list("body_id", flat=True).first()
            )
            if original is not None and original != self.body_id:
                raise ValidationError(
                    {
                        "body": _(
                            "This department already belongs to another body; a department "
                            "cannot be attached to two bodies. Create a new department instead."
                        )
                    }
                )


class Membership(models.Model):
    """Who works for which body, in which role (and, for staff, in which department)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    body = models.ForeignKey(
        PublicBody, verbose_name=_("body"), on_delete=models.PROTECT, related_name="memberships"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(
        _("role"), max_length=32, choices=[(r.value, r.label) for r in Role if r in BODY_ROLES]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["body__name_fr", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "body", "role"],
                condition=models.Q(department__isnull=True),
                name="membership_unique_without_department",
            ),
            models.UniqueConstraint(
                fields=["user", "body", "role", "department"],
                condition=models.Q(department__isnull=False),
                name="membership_unique_with_department",
            ),
        ]

    def __str__(self) -> str:
        where = f"{self.body.code}/{self.department.code}" if self.department else self.body.code
        return f"{self.user} — {self.get_role_display()} — {where}"

    def clean(self) -> None:
        super().clean()
        errors: dict[str, StrOrPromise] = {}
        if self.role not in {r.value for r in BODY_ROLES}:
            errors["role"] = _(
                "Unknown role %(role)r for a membership: choose officer, department "
                "staff or head of body."
            ) % {"role": self.role}
        elif self.user_id is not None and self.user.role != self.role:
            errors["role"] = _(
                "This person's account has the role %(user_role)s; a membership "
                "must have the same role."
            ) % {"user_role": self.user.get_role_display()}
        if self.role == Role.DEPARTMENT_STAFF and self.department_id is None:
            errors["department"] = _("Department staff must belong to a department.")
        if (
            self.department is not None
            and self.body_id is not None
            and self.department.body_id != self.body_id
        ):
            errors["department"] = _("This department belongs to another body.")
        if errors:
            raise ValidationError(errors)
        duplicates = Membership.objects.filter(
            user_id=self.user_id,
            body_id=self.body_id,
            role=self.role,
            department=self.department,
        ).exclude(pk=self.pk)
        if self.user_id is not None and duplicates.exists():
            raise ValidationError(_("This person already has this role in this body."))

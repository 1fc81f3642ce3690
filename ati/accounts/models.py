"""People who use ati and the role each one plays.

A role is one of the law's actors. Roles tied to a public body (information
officer, department staff, head of body) are given by memberships in
`ati.bodies`; the account's `role` says which kind of actor the person is.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen (applicant)")
    OFFICER = "officer", _("Information officer")
    DEPARTMENT_STAFF = "department_staff", _("Department staff")
    HEAD_OF_BODY = "head_of_body", _("Head of body")
    COMMISSION_MEMBER = "commission_member", _("Commission member")
    ADMINISTRATOR = "administrator", _("Administrator")


#: Roles whose work is for a public body, given through a membership.
BODY_ROLES = frozenset({Role.OFFICER, Role.DEPARTMENT_STAFF, Role.HEAD_OF_BODY})
#: Roles only an administrator may give: everyone else registers as a citizen.
STAFF_ROLES = frozenset(Role) - {Role.CITIZEN}


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.full_clean(exclude=["password"])
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: object) -> User:
        fields.setdefault("role", Role.CITIZEN)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> User:
        fields.update(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
        fields.setdefault("email_verified", True)
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.CITIZEN)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=[("fr", "Français"), ("ar", "العربية"), ("en", "English")],
        default="fr",
    )
    email_verified = models.BooleanField(_("e-mail verified"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    # is_staff only opens the Django admin; it is kept in step with the role.
    is_staff = models.BooleanField(_("admin site access"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>" if self.full_name else self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.email.strip().lower()
        if self.role not in Role.values:
            raise ValidationError(
                {
                    "role": _("Unknown role %(role)r: choose one of %(roles)s.")
                    % {"role": self.role, "roles": ", ".join(Role.values)}
                }
            )

    def save(self, *args: object, **kwargs: object) -> None:
        if self.role not in Role.values:
            raise ValidationError(_("Unknown role %(role)r.") % {"role": self.role})
        if self.role == Role.ADMINISTRATOR:
            self.is_staff = True
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def audit_label(self) -> str:
        """How the audit log names this account, as actor or as object.

        A citizen is named by number only: the log is append-only and outlives the
        retention of applicants' identities (Law 09-08), so it must not hold their
        name or e-mail. Staff act in their public capacity and are named in full.
        """
        if self.role == Role.CITIZEN:
            return f"citizen #{self.pk}"
        return str(self)

    @property
    def audit_private_fields(self) -> tuple[str, ...]:
        """Fields the audit log never copies into `before`/`after` (see `audit_label`)."""
        if self.role == Role.CITIZEN:
            return ("password", "email", "full_name")
        return ("password",)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class ApiToken(models.Model):
    """A personal key for the API, made by its holder under "my account".

    Only the SHA-256 of the key is stored: the key itself is shown once, when it is
    made, and a copy of the database opens no account. The first characters
    (`prefix`) let the holder tell their keys apart.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("account")
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(_("key (SHA-256)"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("start of the key"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("made on"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires on"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked on"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

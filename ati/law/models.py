"""Legal profiles, their refusal grounds and the calendars their deadlines run on.

The law is data: every period of law-31-13.md § 2 lives in a
`LegalProfileVersion` row that an administrator can edit, and a request keeps
the version it was received under (a new reading of the law is a new version,
never an edit of one already in use).

Proposed holidays count. An Islamic holiday proposed from the `holidays`
package is an estimate that is usually right to within a day, and it is
announced only days before. Counting it from the start gives deadlines that
are already right in most cases; an administrator who moves it triggers a
recompute, which changes only the few requests whose period spans it. Not
counting it would instead make every deadline across an Eid one or two days
too early until confirmation, the error the law's applicant can least detect.
A removed holiday is kept with status "cancelled" so that proposing the year
again does not bring it back.
"""

from __future__ import annotations

import re

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from ati.core.i18n import pick_translation

from .deadlines import Period, Unit

#: The periods a profile version holds, in the order of the procedure.
PERIOD_NAMES = (
    "response",
    "extension",
    "urgent_response",
    "urgent_extension",
    "complaint_window",
    "head_decision",
    "commission_window",
    "commission_decision",
    "court_window",
)


class PeriodNotApplicable(LookupError):
    """The profile has no such step (e.g. no extension under the French CRPA)."""


class UnitChoices(models.TextChoices):
    WORKING_DAYS = Unit.WORKING_DAYS.value, _("working days")
    CALENDAR_DAYS = Unit.CALENDAR_DAYS.value, _("calendar days")
    MONTHS = Unit.MONTHS.value, _("months")


class ClarificationMode(models.TextChoices):
    RESTART = "restart", _("restart the period from the applicant's answer")
    RESUME = "resume", _("resume the period where it stopped")


WEEKDAY_CHOICES = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class Calendar(models.Model):
    """A country's (or a body's) working week and dated closures."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    weekend = models.CharField(
        _("weekly rest days"),
        max_length=13,
        default="5,6",
        help_text=_("Python weekday numbers separated by commas: Monday is 0, Sunday is 6."),
    )
    holidays_country = models.CharField(
        _("country in the holidays package"),
        max_length=8,
        blank=True,
        help_text=_("Used to propose holidays for a new year, e.g. MA, GB, US, IN, FR."),
    )
    holidays_subdivision = models.CharField(_("subdivision"), max_length=8, blank=True)
    # Bumped by every change (services.py): a process that cached a
    # WorkingCalendar under an older stamp rebuilds it.
    stamp = models.PositiveIntegerField(_("version stamp"), default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar")
        verbose_name_plural = _("calendars")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick_translation(self, "name")

    @property
    def weekend_days(self) -> frozenset[int]:
        return frozenset(int(x) for x in self.weekend.split(",") if x.strip())


class HolidayKind(models.TextChoices):
    FIXED = "fixed", _("fixed public holiday")
    ISLAMIC = "islamic", _("Islamic holiday (lunar calendar)")
    PUBLIC = "public", _("public holiday")
    CLOSURE = "closure", _("exceptional closure")


class HolidayStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed (estimated date)")
    CONFIRMED = "confirmed", _("confirmed")
    CANCELLED = "cancelled", _("cancelled")


class Holiday(models.Model):
    """One closed day of a calendar. Proposed and confirmed days both count."""

    calendar = models.ForeignKey(
        Calendar, verbose_name=_("calendar"), on_delete=models.CASCADE, related_name="holidays"
    )
    # Stable identity across moves, e.g. "eid-al-fitr-1447-1" or "throne-day-2026":
    # proposing a year again finds the moved or cancelled row instead of adding one.
    key = models.SlugField(_("key"), max_length=80)
    date = models.DateField(_("date"), db_index=True)
    label_fr = models.CharField(_("label (French)"), max_length=200)
    label_ar = models.CharField(_("label (Arabic)"), max_length=200, blank=True)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=HolidayKind.choices)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=HolidayStatus.choices,
        default=HolidayStatus.CONFIRMED,
    )
    estimated_date = models.DateField(_("estimated date"), null=True, blank=True)

    class Meta:
        verbose_name = _("holiday or closure")
        verbose_name_plural = _("holidays and closures")
        ordering = ["calendar", "date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "key"], name="holiday_key_unique")
        ]
        indexes = [models.Index(fields=["calendar", "date"], name="holiday_calendar_date")]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.label}"

    @property
    def label(self) -> str:
        return pick_translation(self, "label")

    @property
    def counts(self) -> bool:
        return self.status != HolidayStatus.CANCELLED


class LegalProfile(models.Model):
    """A law of access to information: Law 31-13 by default, others for comparison."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    is_default = models.BooleanField(_("default profile"), default=False)

    class Meta:
        verbose_name = _("legal profile")
        verbose_name_plural = _("legal profiles")
        ordering = ["-is_default", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="legal_profile_one_default",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick_translation(self, "name")


def _amount_field(label: StrOrPromise, help_text: StrOrPromise = "") -> models.PositiveIntegerField:
    return models.PositiveIntegerField(label, null=True, blank=True, help_text=help_text)


def _unit_field() -> models.CharField:
    return models.CharField(
        _("unit"),
        max_length=16,
        choices=UnitChoices.choices,
        default=UnitChoices.WORKING_DAYS,
    )


class LegalProfileVersion(models.Model):
    """The periods of one reading of a law. An empty amount means "no such step"."""

    profile = models.ForeignKey(
        LegalProfile,
        verbose_name=_("profile"),
        on_delete=models.PROTECT,
        related_name="versions",
    )
    version = models.PositiveIntegerField(_("version"))
    valid_from = models.DateField(_("valid from"))
    calendar = models.ForeignKey(
        Calendar, verbose_name=_("calendar"), on_delete=models.PROTECT, related_name="versions"
    )
    notes = models.TextField(_("notes"), blank=True)

    response_amount = _amount_field(_("response"))
    response_unit = _unit_field()
    extension_amount = _amount_field(_("extension"))
    extension_unit = _unit_field()
    max_extensions = models.PositiveSmallIntegerField(_("extensions allowed"), default=0)
    urgent_response_amount = _amount_field(
        _("urgent response"), _("Empty: urgent requests follow the ordinary response period.")
    )
    urgent_response_unit = _unit_field()
    urgent_extension_amount = _amount_field(_("urgent extension"))
    urgent_extension_unit = _unit_field()
    complaint_window_amount = _amount_field(
        _("complaint to the head of the body"),
        _("From the answer or the expiry of the response deadline (to confirm)."),
    )
    complaint_window_unit = _unit_field()
    head_decision_amount = _amount_field(_("head's answer"), _("To confirm."))
    head_decision_unit = _unit_field()
    commission_window_amount = _amount_field(
        _("complaint to the commission"),
        _("From the head's answer or the expiry of its deadline."),
    )
    commission_window_unit = _unit_field()
    commission_decision_amount = _amount_field(_("commission's decision"), _("To confirm."))
    commission_decision_unit = _unit_field()
    court_window_amount = _amount_field(_("appeal to the court"), _("To confirm."))
    court_window_unit = _unit_field()

    clarification_mode = models.CharField(
        _("after a clarification"),
        max_length=16,
        choices=ClarificationMode.choices,
        default=ClarificationMode.RESTART,
    )

    class Meta:
        verbose_name = _("legal profile version")
        verbose_name_plural = _("legal profile versions")
        ordering = ["profile", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "version"], name="legal_profile_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.profile.code} v{self.version}"

    def optional_period(self, name: str) -> Period | None:
        if name not in PERIOD_NAMES:
            raise ValueError(f"Unknown period {name!r}; expected one of {PERIOD_NAMES}")
        amount = getattr(self, f"{name}_amount")
        if amount is None:
            return None
        return Period(amount, Unit(getattr(self, f"{name}_unit")))

    def period(self, name: str) -> Period:
        """``version.period("response")``; PeriodNotApplicable if the law has no such step."""
        period = self.optional_period(name)
        if period is None:
            raise PeriodNotApplicable(f"{self} has no {name} period")
        return period

    def periods(self) -> dict[str, Period | None]:
        return {name: self.optional_period(name) for name in PERIOD_NAMES}


class GroundKind(models.TextChoices):
    EXCEPTION = "exception", _("exception (Article 7)")
    OTHER = "other", _("other ground")


class ExceptionGround(models.Model):
    """A legal ground on which a body may refuse or withhold information."""

    version = models.ForeignKey(
        LegalProfileVersion,
        verbose_name=_("profile version"),
        on_delete=models.CASCADE,
        related_name="grounds",
    )
    code = models.SlugField(_("code"), max_length=64)
    article = models.CharField(_("article"), max_length=64, blank=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=GroundKind.choices, default=GroundKind.EXCEPTION
    )
    label_fr = models.CharField(_("label (French)"), max_length=300)
    label_ar = models.CharField(_("label (Arabic)"), max_length=300, blank=True)
    label_en = models.CharField(_("label (English)"), max_length=300, blank=True)
    to_confirm = models.BooleanField(_("to confirm"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("exception ground")
        verbose_name_plural = _("exception grounds")
        ordering = ["version", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="exception_ground_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article} — {self.label}" if self.article else self.label

    @property
    def label(self) -> str:
        return pick_translation(self, "label")

    @property
    def article_display(self) -> str:
        """The article in the reader's language ("Art. 7" → "art. 7", "المادة 7"); other
        laws' references (L311-5, s.14) as written; "" when the data has none."""
        found = ARTICLE.fullmatch(self.article.strip())
        if found:
            return _("Art. %(number)s") % {"number": found.group(1)}
        return self.article.strip()

    @property
    def label_with_article(self) -> str:
        """The label, then its article in brackets: never empty brackets. The article is
        isolated (U+2068…U+2069) so that an Arabic label keeps it in place."""
        article = self.article_display
        return f"{self.label} (\u2068{article}\u2069)" if article else self.label


#: "Art. 7", "art 12", "Article 7" in the laws' data.
ARTICLE = re.compile(r"(?:[Aa]rt(?:icle)?\.?)\s*(\d+[a-z]*)")


def default_legal_profile() -> int | None:
    """The pk of the default profile, for `PublicBody.legal_profile`'s default."""
    return (
        LegalProfile.objects.filter(is_default=True).values_list("pk", flat=True).first()
        or LegalProfile.objects.filter(code="ma-31-13").values_list("pk", flat=True).first()
    )

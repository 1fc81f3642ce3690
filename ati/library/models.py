"""A published document of the library and its review workflow.

draft → preparing → in_review → published → unpublished, and preparing →
preparation_failed → preparing when the detection of redactions fails and a
person asks again. A proposal is `preparing` while the Celery worker looks for
the redactions to propose (the French name model is loaded there, never in a
web process: docs/library.md). Nothing reaches `published` without a person's
approval (`approved_by`), given by `services.approve_and_publish`. The original
text is private (it may hold personal data); the public text is the original
with the approved redactions replaced by visible markers.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from .text import language_of


class PublicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PREPARING = "preparing", _("Preparing the redactions")
    PREPARATION_FAILED = "preparation_failed", _("Preparation failed")
    IN_REVIEW = "in_review", _("Awaiting review")
    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Unpublished")


class Category(models.TextChoices):
    """Article 10 categories (law-31-13.md § 6), plus answers and commission decisions."""

    ANSWER = "answer", _("Answer to an information request")
    COMMISSION_DECISION = "commission_decision", _("Decision of the commission")
    CONVENTIONS = "conventions", _("International conventions")
    LAWS = "laws", _("Laws and regulations")
    FINANCE_BILLS = "finance_bills", _("Finance bills")
    BUDGETS = "budgets", _("Budgets and accounts of local authorities")
    ORGANISATION = "organisation", _("Missions, structure and contacts of the body")
    PROCEDURES = "procedures", _("Internal rules, procedures, circulars and guides")
    LICENCES = "licences", _("Conditions for licences and permits")
    PROCUREMENT = "procurement", _("Procurement plans and results")
    EXAMS = "exams", _("Competitive exams: notices and results")
    RECRUITMENT = "recruitment", _("Recruitment notices and senior appointments")
    REPORTS = "reports", _("Reports and studies")
    STATISTICS = "statistics", _("Economic and social statistics")
    ELECTIONS = "elections", _("Election rules and results")
    SERVICES = "services", _("Services, forms and fees")
    RIGHTS = "rights", _("Users' rights and means of appeal")
    INFORMATION_OFFICER = "information_officer", _("Contact details of the information officer")


#: The categories a body publishes of its own motion (Article 10).
PROACTIVE_CATEGORIES = [
    c for c in Category.values if c not in (Category.ANSWER, Category.COMMISSION_DECISION)
]

LANGUAGES = [("fr", "Français"), ("ar", "العربية"), ("en", "English")]
CATEGORY_LANGUAGES = [code for code, _name in LANGUAGES]


def private_storage() -> FileSystemStorage:
    # Outside the web root: files are served by a view that checks the state.
    return FileSystemStorage(location=settings.VAR_DIR / "private" / "library")


def pdf_path(instance: Publication, filename: str) -> str:
    return f"{instance.pk}/{filename}"


class PublicationQuerySet(models.QuerySet["Publication"]):
    def published(self) -> PublicationQuerySet:
        return self.filter(state=PublicationState.PUBLISHED)


class Publication(ConcurrentTransitionMixin, models.Model):
    body = models.ForeignKey(
        "bodies.PublicBody",
        verbose_name=_("body"),
        on_delete=models.PROTECT,
        related_name="publications",
    )
    source_request = models.ForeignKey(
        "requests.InformationRequest",
        verbose_name=_("source request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="publications",
    )
    #: The appeal whose decision this is (a commission decision): published with it.
    source_appeal = models.ForeignKey(
        "appeals.Appeal",
        verbose_name=_("appeal"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="publications",
    )
    category = models.CharField(
        _("category"), max_length=32, choices=Category.choices, db_index=True
    )
    title = models.CharField(_("title"), max_length=300)
    language = models.CharField(
        _("language"), max_length=8, choices=LANGUAGES, default="fr", db_index=True
    )
    # Private: may hold personal data until the redactions are applied.
    original_text = models.TextField(_("original text"))
    redactions = models.JSONField(_("redactions"), default=list, blank=True)
    # Private: the values always redacted (the applicant's identity), kept from the proposal
    # for the worker that prepares the redactions and for a title changed at approval.
    # A database default too (like the preparation fields below): the previous release's code,
    # still running during a rolling upgrade, inserts rows without these columns.
    identities = models.JSONField(
        _("identities always redacted"), default=list, db_default=[], blank=True
    )
    # Public: the original with the approved redactions replaced by markers.
    public_text = models.TextField(_("published text"), blank=True)
    # Denormalised for the facets: the source request's outcome, the publication year.
    outcome = models.CharField(_("outcome"), max_length=20, blank=True, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, db_index=True)

    state = FSMField(
        _("state"),
        max_length=20,
        choices=PublicationState.choices,
        default=PublicationState.DRAFT,
        protected=True,
        db_index=True,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The preparation (tasks.prepare_publication): claimed by one worker at a time until
    # `preparation_claimed_until`; a worker that died leaves an expired claim, and the
    # periodic job takes the proposal again (at most services.PREPARATION_MAX_ATTEMPTS times).
    preparation_attempts = models.PositiveSmallIntegerField(default=0, db_default=0)
    preparation_claimed_until = models.DateTimeField(null=True, blank=True)
    preparation_error = models.TextField(
        _("why the preparation failed"), blank=True, default="", db_default=""
    )
    prepared_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)
    unpublished_at = models.DateTimeField(_("unpublished on"), null=True, blank=True)
    unpublished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unpublish_reason = models.TextField(_("why it was unpublished"), blank=True)
    pdf = models.FileField(upload_to=pdf_path, storage=private_storage, blank=True, max_length=200)
    # PostgreSQL only (filled by the search backend); a plain unused column on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["state", "-published_at"], name="library_pub_list_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="published") | models.Q(approved_by__isnull=False),
                name="published_document_was_approved",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    # A published text reads in its own language and direction, never the reader's nor
    # the applicant's: `language` is the text's (set from its script when proposed).
    @property
    def direction(self) -> str:
        return "rtl" if self.language == "ar" else "ltr"

    @property
    def title_language(self) -> str:
        """An answer's title is the applicant's subject: it may differ from the answer's."""
        return language_of(self.title, fallback=self.language)

    @property
    def title_direction(self) -> str:
        return "rtl" if self.title_language == "ar" else "ltr"

    @property
    def is_public(self) -> bool:
        return self.state == PublicationState.PUBLISHED

    # --- transitions: fields only; services.py checks who and audits ----------------

    @property
    def is_prepared(self) -> bool:
        """The worker has proposed the redactions (review, and all that follows, may start)."""
        return self.state not in (
            PublicationState.DRAFT,
            PublicationState.PREPARING,
            PublicationState.PREPARATION_FAILED,
        )

    @transition(field=state, source=PublicationState.DRAFT, target=PublicationState.PREPARING)
    def propose(self) -> None:
        """Proposed: the worker prepares the redactions."""

    @transition(field=state, source=PublicationState.PREPARING, target=PublicationState.IN_REVIEW)
    def prepared(self, redactions: list[dict[str, Any]], title: str, at: Any) -> None:
        self.redactions = redactions
        self.title = title
        self.prepared_at = at
        self.preparation_error = ""
        self.preparation_claimed_until = None

    @transition(
        field=state, source=PublicationState.PREPARING, target=PublicationState.PREPARATION_FAILED
    )
    def preparation_failed(self, error: str) -> None:
        self.preparation_error = error
        self.preparation_claimed_until = None

    @transition(
        field=state, source=PublicationState.PREPARATION_FAILED, target=PublicationState.PREPARING
    )
    def retry_preparation(self) -> None:
        self.preparation_attempts = 0
        self.preparation_claimed_until = None

    def has_approval(self) -> bool:
        return self.approved_by_id is not None and self.approved_at is not None

    @transition(
        field=state,
        source=PublicationState.IN_REVIEW,
        target=PublicationState.PUBLISHED,
        conditions=[has_approval],  # type: ignore[list-item]
    )
    def publish(self, public_text: str, at: Any) -> None:
        self.public_text = public_text
        self.published_at = at
        self.year = timezone.localtime(at).year

    @transition(field=state, source=PublicationState.PUBLISHED, target=PublicationState.UNPUBLISHED)
    def unpublish(self, reason: str, by: Any, at: Any) -> None:
        self.unpublish_reason = reason
        self.unpublished_by = by
        self.unpublished_at = at


class PublishableOfficial(models.Model):
    """An official whom the body chooses to name in its published documents (in their role).

    Their name is on the allow-list: a "M. Karim Bennani, directeur …" stays.
    """

    body = models.ForeignKey(
        "bodies.PublicBody", on_delete=models.CASCADE, related_name="publishable_officials"
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("official named in publications")
        verbose_name_plural = _("officials named in publications")
        constraints = [
            models.UniqueConstraint(fields=["body", "name"], name="library_official_once_per_body")
        ]

    def __str__(self) -> str:
        return self.name


# --- released documents: the files an answer (or an Article 10 publication) carries ------


def document_path(instance: SourceDocument, filename: str) -> str:
    # Never the uploaded name on disk: the proposal's folder and the document's position.
    return f"{instance.publication_id}/documents/{instance.position}-{filename}"


def page_image_path(instance: DocumentPage, filename: str) -> str:
    return f"{instance.document.publication_id}/pages/{instance.document_id}-{filename}"


class SourceDocument(models.Model):
    """A released file (PDF, scan, image) in a publication proposal: private until redacted.

    The worker reads it page by page (ati/library/documents.py): words and their boxes
    from the PDF's text layer, or by OCR. `pages_done` of `pages_total` is the progress
    the review page shows; a preparation taken again resumes after the last saved page.
    """

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(_("file name"), max_length=200)
    file = models.FileField(
        upload_to=document_path, storage=private_storage, max_length=200, blank=True
    )
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    pages_total = models.PositiveIntegerField(null=True, blank=True)
    pages_done = models.PositiveIntegerField(default=0)
    #: Why the file cannot be published (encrypted, corrupt, too large…): shown to the reviewer.
    error = models.TextField(blank=True, default="")
    #: Left out by the reviewer (a file that cannot be read): never published.
    excluded = models.BooleanField(default=False)

    class Meta:
        ordering = ["publication", "position", "pk"]
        verbose_name = _("released document")
        verbose_name_plural = _("released documents")

    def __str__(self) -> str:
        return self.name


class PageSource(models.TextChoices):
    TEXT = "text", _("Text of the PDF")
    OCR = "ocr", _("Optical character recognition")


class DocumentPage(models.Model):
    """One page of a released document: its image, its words with their boxes, its redactions.

    `words` rows are `documents.Word.as_json()`; each redaction is
    {"words": [word indexes], "rects": [[x0, y0, x1, y1] as fractions of the page],
    "category", "original", "source"}. The original `text`, `words` and `image` are
    private; `public_text`, `public_image` and `thumbnail` are made at approval from
    what remains (nothing redacted is in them).
    """

    document = models.ForeignKey(SourceDocument, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField()
    language = models.CharField(max_length=8, choices=LANGUAGES, default="fr")
    source = models.CharField(max_length=8, choices=PageSource.choices, default=PageSource.TEXT)
    width_pt = models.FloatField()
    height_pt = models.FloatField()
    text = models.TextField(blank=True)
    words = models.JSONField(default=list, blank=True)
    redactions = models.JSONField(default=list, blank=True)
    image = models.FileField(
        upload_to=page_image_path, storage=private_storage, max_length=200, blank=True
    )
    public_text = models.TextField(blank=True)
    public_image = models.FileField(
        upload_to=page_image_path, storage=private_storage, max_length=200, blank=True
    )
    thumbnail = models.FileField(
        upload_to=page_image_path, storage=private_storage, max_length=200, blank=True
    )

    class Meta:
        ordering = ["document__position", "document_id", "number"]
        verbose_name = _("document page")
        verbose_name_plural = _("document pages")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="library_page_once")
        ]

    def __str__(self) -> str:
        return f"{self.document.name} p. {self.number}"

    @property
    def direction(self) -> str:
        return "rtl" if self.language == "ar" else "ltr"

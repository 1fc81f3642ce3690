"""Pages of the library: public list, search and documents; the officers' review."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ati.bodies.models import PublicBody
from ati.core.errors import TransitionConflict
from ati.core.forms import add_service_errors
from ati.core.replica import replica_reads
from ati.requests import selectors as request_selectors
from ati.requests.models import InformationRequest, Outcome, State

from . import forms, permissions, search, selectors, services
from .models import LANGUAGES, Category, DocumentPage, Publication, PublicationState

FACET_LABELS = {
    "body": "body",
    "category": "category",
    "year": "year",
    "language": "language",
    "outcome": "outcome",
}


def _int(value: str | None, default: int = 1, maximum: int = search.MAX_PAGE) -> int:
    """A number from a URL, within [1, maximum]; the default when it is not one.

    ASCII digits only: `"²".isdigit()` is true but `int("²")` fails, and a number past the
    database's integers makes the query itself fail.
    """
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit()):
        return default
    return min(max(1, int(value)), maximum)


def search_params(request: HttpRequest) -> tuple[str, dict[str, Any], int]:
    """The search of the library page, lenient: a filter that is not valid is left out."""
    # PostgreSQL refuses NUL in a string: a URL carrying one must not reach the query.
    q = request.GET.get("q", "").replace("\x00", "")[:300]
    filters: dict[str, Any] = {}
    for name in search.FACETS:
        value = request.GET.get(name, "").replace("\x00", "").strip()
        if value:
            if name in ("body", "year"):
                number = _int(value, default=0, maximum=search.MAX_ID)
                if number:
                    filters[name] = number
            else:
                filters[name] = value[:40]
    return q, filters, _int(request.GET.get("page"))


def facet_labels(facets: dict[str, list[tuple[Any, int]]]) -> dict[str, list[dict[str, Any]]]:
    """Facet values with readable labels (bodies fetched in one query)."""
    body_ids = [value for value, _n in facets.get("body", [])]
    bodies = PublicBody.objects.in_bulk(body_ids)
    labels: dict[str, Any] = {
        "category": dict(Category.choices),
        "language": dict(LANGUAGES),
        "outcome": dict(Outcome.choices),
    }
    out: dict[str, list[dict[str, Any]]] = {}
    for name, rows in facets.items():
        items = []
        for value, n in rows:
            if name == "body":
                label = bodies[value].name if value in bodies else str(value)
            else:
                label = str(labels.get(name, {}).get(value, value))
            items.append({"value": value, "label": label, "count": n})
        out[name] = items
    return out


@replica_reads
def library(request: HttpRequest) -> HttpResponse:
    q, filters, page = search_params(request)
    result = search.search(q, filters=filters, page=page)
    return render(
        request,
        "library/list.html",
        {
            "result": result,
            "q": q,
            "filters": filters,
            "facets": facet_labels(result.facets),
            "facet_titles": {
                "body": _("Body"),
                "category": _("Category"),
                "year": _("Year"),
                "language": _("Language"),
                "outcome": _("Outcome"),
            },
        },
    )


@replica_reads
def document(request: HttpRequest, pk: int) -> HttpResponse:
    pub = get_object_or_404(Publication.objects.select_related("body", "source_request"), pk=pk)
    if pub.state == PublicationState.UNPUBLISHED:
        return render(request, "library/tombstone.html", {"pub": pub}, status=410)
    if pub.state != PublicationState.PUBLISHED:
        if permissions.can_review(request.user, pub):
            return redirect("library:review", pk=pub.pk)
        raise Http404
    return _document_page(request, pub)


def _document_page(
    request: HttpRequest, pub: Publication, unpublish_form: Any = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "library/document.html",
        {
            "pub": pub,
            "pages": selectors.public_pages(pub),
            "can_manage": permissions.can_manage(request.user, pub.body_id),
            "unpublish_form": unpublish_form or forms.UnpublishForm(),
        },
        status=status,
    )


@replica_reads
def document_pdf(request: HttpRequest, pk: int) -> FileResponse:
    pub = get_object_or_404(Publication, pk=pk, state=PublicationState.PUBLISHED)
    if not pub.pdf:
        raise Http404
    return FileResponse(
        pub.pdf.open("rb"), content_type="application/pdf", filename=f"publication-{pub.pk}.pdf"
    )


def _published_page(pk: int, page_pk: int) -> DocumentPage:
    return get_object_or_404(
        DocumentPage.objects.select_related("document__publication__body"),
        pk=page_pk,
        document__publication_id=pk,
        document__publication__state=PublicationState.PUBLISHED,
        document__excluded=False,
    )


@replica_reads
def document_page(request: HttpRequest, pk: int, page_pk: int) -> HttpResponse:
    """One page of a published document: its redacted image and its text, between its pages."""
    page = _published_page(pk, page_pk)
    pub = page.document.publication
    all_pages = selectors.public_pages(pub)
    position = next(i for i, p in enumerate(all_pages) if p.pk == page.pk)
    return render(
        request,
        "library/page.html",
        {
            "pub": pub,
            "page": page,
            "position": position + 1,
            "count": len(all_pages),
            "previous": all_pages[position - 1] if position > 0 else None,
            "next": all_pages[position + 1] if position + 1 < len(all_pages) else None,
        },
    )


def _image_response(field: Any) -> FileResponse:
    if not field:
        raise Http404
    name = field.name.rsplit("/", 1)[-1]
    content_type = "image/png" if name.endswith(".png") else "image/jpeg"
    response = FileResponse(field.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@replica_reads
def page_image(request: HttpRequest, pk: int, page_pk: int, size: str) -> FileResponse:
    """A published page as an image, its redactions burned in (or its thumbnail)."""
    if size not in ("full", "thumb"):
        raise Http404
    page = _published_page(pk, page_pk)
    response = _image_response(page.thumbnail if size == "thumb" else page.public_image)
    response["Cache-Control"] = "public, max-age=3600"
    return response


@login_required
def review_page_image(request: HttpRequest, pk: int, page_pk: int) -> FileResponse:
    """The original page image, for the reviewer only (it shows what is to be redacted)."""
    pub = get_object_or_404(Publication.objects.select_related("body"), pk=pk)
    if not permissions.can_review(request.user, pub):
        raise Http404
    page = get_object_or_404(DocumentPage, pk=page_pk, document__publication=pub)
    response = _image_response(page.image)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    return render(
        request, "library/review_queue.html", {"publications": selectors.review_queue(request.user)}
    )


#: Seconds between two checks, by static/js/refresh-when-prepared.js, of a proposal still
#: being prepared (its page reloads once the redactions are there).
PREPARING_REFRESH_SECONDS = 5


def _review_page(
    request: HttpRequest, pub: Publication, status: int = 200, **form_overrides: Any
) -> HttpResponse:
    done, total = selectors.progress(pub)
    context = {
        "refresh_seconds": PREPARING_REFRESH_SECONDS,
        "pub": pub,
        "segments": selectors.segments(pub),
        "documents": selectors.review_documents(pub),
        "pages_done": done,
        "pages_total": total,
        "categories": forms.REDACTION_CHOICES,
        "add_form": forms.AddRedactionForm(),
        "approve_form": forms.ApproveForm(initial={"title": pub.title}),
        **form_overrides,
    }
    return render(request, "library/review.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    pub = get_object_or_404(Publication.objects.select_related("body"), pk=pk)
    if not permissions.can_review(request.user, pub):
        raise Http404
    if request.method == "GET":
        return _review_page(request, pub)
    action = request.POST.get("action")
    try:
        if action == "add":
            form = forms.AddRedactionForm(request.POST)
            if not form.is_valid():
                return _review_page(request, pub, 400, add_form=form)
            start, end, phrase = form.span(pub.original_text)
            services.add_redaction(
                request.user,
                pub,
                phrase=phrase,
                start=start,
                end=end,
                category=form.cleaned_data["category"],
            )
            messages.success(request, _("Redaction added."))
        elif action == "remove":
            services.remove_redaction(request.user, pub, _int(request.POST.get("index"), 0) - 1)
            messages.success(request, _("Redaction removed."))
        elif action == "add_on_page":
            page_form = forms.PageRedactionForm(request.POST)
            if not page_form.is_valid():
                for errors in page_form.errors.values():
                    for message in errors:
                        messages.error(request, str(message))
                return _review_page(request, pub, 400)
            d = page_form.cleaned_data
            services.add_page_redaction(
                request.user,
                pub,
                d["page"],
                words=d["words"],
                rect=page_form.rect(),
                category=d["category"],
            )
            messages.success(request, _("Redaction added."))
            return redirect(f"{request.path}#page-{d['page']}")
        elif action == "remove_on_page":
            page_id = _int(request.POST.get("page"), 0, maximum=search.MAX_ID)
            services.remove_page_redaction(
                request.user, pub, page_id, _int(request.POST.get("index"), 0) - 1
            )
            messages.success(request, _("Redaction removed."))
            return redirect(f"{request.path}#page-{page_id}")
        elif action == "exclude":
            services.exclude_document(
                request.user, pub, _int(request.POST.get("document"), 0, maximum=search.MAX_ID)
            )
            messages.success(request, _("The file is left out; the rest is being prepared again."))
        elif action == "retry":
            services.retry_preparation(request.user, pub)
            messages.success(request, _("The redactions are being prepared again."))
        elif action == "approve":
            approve = forms.ApproveForm(request.POST)
            if not approve.is_valid():
                return _review_page(request, pub, 400, approve_form=approve)
            services.approve_and_publish(request.user, pub, title=approve.cleaned_data["title"])
            messages.success(request, _("The document is published."))
            return redirect("library:document", pk=pub.pk)
        else:
            return _review_page(request, pub, 400)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _review_page(request, pub, 400)
    except TransitionConflict as conflict:
        messages.error(request, conflict.message)
        return _review_page(request, pub, 409)
    return redirect("library:review", pk=pub.pk)


@login_required
@require_POST
def unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    pub = get_object_or_404(Publication, pk=pk)
    form = forms.UnpublishForm(request.POST)
    if not permissions.can_manage(request.user, pub.body_id):
        raise PermissionDenied
    if form.is_valid():
        try:
            services.unpublish(request.user, pub, form.cleaned_data["reason"])
        except TransitionConflict as conflict:
            messages.error(request, conflict.message)
        except ValidationError as error:
            add_service_errors(form, error)
            return _document_page(request, pub, form, 400)
        return redirect("library:document", pk=pub.pk)
    # The page again, with the form and its errors (the reason missing, or too long).
    return _document_page(request, pub, form, 400)


@login_required
@require_POST
def propose_from_request(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        req = request_selectors.get_request(request.user, reference)
    except InformationRequest.DoesNotExist as exc:
        raise Http404 from exc
    try:
        pub = services.propose_from_request(request.user, req)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("requests:detail", reference=reference)
    return redirect("library:review", pk=pub.pk)


@login_required
@require_http_methods(["GET", "POST"])
def propose_proactive(request: HttpRequest) -> HttpResponse:
    form = forms.ProactiveForm(request.POST or None, request.FILES or None, user=request.user)
    if not form.fields["body"].queryset.exists():  # type: ignore[attr-defined]
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            pub = services.propose_proactive(
                request.user,
                d["body"],
                category=d["category"],
                title=d["title"],
                text=d["text"],
                language=d["language"],
                uploads=d.get("documents") or [],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("library:review", pk=pub.pk)
    return render(request, "library/new.html", {"form": form}, status=400 if form.errors else 200)


def request_panel_context(
    request: HttpRequest, req: InformationRequest, bound: dict[str, Any]
) -> dict[str, Any]:
    """The request page's library panel (library/_request_panel.html, a DETAIL_PANELS entry):
    the published version of the answer, or, for the body's officers, the proposal under
    review or the button that proposes the answer (with its released files) for publication."""
    publications = list(
        req.publications.exclude(state=PublicationState.UNPUBLISHED).order_by("-pk")[:1]
    )
    current = publications[0] if publications else None
    can_review = current is not None and permissions.can_review(request.user, current)
    return {
        "library_published": current if current and current.is_public else None,
        "library_in_review": current if current and not current.is_public and can_review else None,
        "library_can_propose": current is None
        and req.state in (State.ANSWERED, State.CLOSED)
        and req.outcome in services.PUBLISHABLE_OUTCOMES
        and permissions.can_manage(request.user, req.body_id),
    }

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults


def home(request: HttpRequest) -> HttpResponse:
    """Explains the right of access to information in plain words."""
    return render(request, "core/home.html")


def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


# Errors raised outside a DRF view (a URL that matches no route, a crash) would answer an
# API client with Django's HTML page. Under /api/ they are JSON with a message, like every
# other API error (docs/api.md); the site's pages keep Django's own error pages.


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"message": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"message": _("Bad request.")}, status=400)
    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"message": _("A server error occurred.")}, status=500)
    return defaults.server_error(request)

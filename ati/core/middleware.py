"""A database that cannot be reached is a clean 503, never a half-written change or a 500."""

from __future__ import annotations

from collections.abc import Callable

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        for connection in connections.all(initialized_only=True):
            # The services write inside `transaction.atomic`: leaving it with this error has
            # already rolled the change back. Outside any atomic block, a connection the error
            # broke is dropped so that the next request opens a fresh one.
            if not connection.in_atomic_block:
                connection.close_if_unusable_or_obsolete()
        message = _("The service cannot reach its database just now. Please try again shortly.")
        response: HttpResponse
        if request.path.startswith("/api/"):
            response = JsonResponse({"message": message}, status=503)
        else:
            # Rendered without the request: context processors could need the database.
            response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


class ApiErrorsAsJsonMiddleware:
    """Under /api/, an error is JSON with a message, also where Django would answer HTML.

    `handler404` and `handler500` (ati/core/views.py) give JSON, but only with DEBUG off:
    with ATI_DEBUG=1 Django answers its technical pages (HTML, or plain text for a DRF
    view's crash), and the CSRF failure view answers HTML. An API client gets the one
    error shape in development too. Inside LocaleMiddleware: the message is in the
    request's language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path.startswith("/api/")
            or not response.get("Content-Type", "").startswith(("text/html", "text/plain"))
        ):
            return response
        json_response = JsonResponse(
            {"message": status_message(response.status_code)}, status=response.status_code
        )
        # The headers the inner middlewares set (security headers, Retry-After, Allow…) stay.
        for header, value in response.items():
            if header.lower() not in {"content-type", "content-length"}:
                json_response[header] = value
        json_response.cookies = response.cookies
        return json_response


def status_message(status: int) -> str:
    messages = {
        400: _("Bad request."),
        403: _("You may not do this."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        429: _("Too many attempts: try again later."),
    }
    if status >= 500:
        return _("A server error occurred.")
    return messages.get(status, _("The request cannot be served."))


class RejectNulMiddleware:
    """A URL carrying a NUL character is a 400, before any view sees it.

    No address of the site contains one, and PostgreSQL refuses NUL in a text value: a
    reference, a code or a search word carrying one would otherwise reach a query and
    end in a 500 (while SQLite would quietly look it up). The API's own serializers
    refuse NUL in bodies; forms do too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            from .views import bad_request

            return bad_request(request, ValueError("NUL in the URL"))
        return self.get_response(request)

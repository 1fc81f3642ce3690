"""Form helpers shared by the server-rendered pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .errors import TransitionConflict


def add_service_errors(form: Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: each message on its field when the
    form has that field, on the whole form otherwise."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def handle_action(
    request: HttpRequest,
    form: Form,
    perform: Callable[[dict[str, Any]], object],
    *,
    page: Callable[[Form | None, int], HttpResponse],
    done: Callable[[], HttpResponse],
) -> HttpResponse:
    """The frame of every action form posted from an object's page.

    `perform` calls the service with the cleaned data; `page(form, status)`
    renders the object's page again (with the bound form after bad input, 400;
    freshly read, with no bound form, when the state no longer allows the action,
    409); `done()` answers a success (a redirect).
    """
    if form.is_valid():
        try:
            perform(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except TransitionConflict as conflict:
            messages.error(request, conflict.message)
            return page(None, 409)
        else:
            messages.success(request, _("Done."))
            return done()
    return page(form, 400)

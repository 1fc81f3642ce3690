"""What a person does to a row, declared once: the page's form and button, the API's
endpoint and serializer, and the service both call.

An app lists its actions beside its services (`ati/requests/actions.py`):

    REQUEST_ACTIONS = Actions(
        Action("extend", _("Extend the deadline"), forms.ExtendForm,
               lambda user, req, data: services.extend(user, req, reason=data["reason"])),
        …
    )

and its page and viewset are made from them:

    act = REQUEST_ACTIONS.page_view(get=…, page=…, done=…)      # POST …/do/<action>/
    @REQUEST_ACTIONS.api(response=…)                             # POST …/<pk>/<action>/
    class InformationRequestViewSet(…): …

The form is the one definition of the action's input. The API's serializer is made from
its fields (`serializer_for`): the same names, limits, choices and querysets, so a page
and an integrator are refused the same input. Related rows are named as the form names
them (`to_field_name`: a body by its code). A form that narrows a field to the row
(a body's departments, a profile's grounds) does it from `Action.bind(row)`, on the page
and in the API alike.

Both entry points run the service in a durable transaction (`atomic(durable=True)`):
an action is never part of a larger transaction, so its lock is held only for it and
its notices leave at its commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action as drf_action
from rest_framework.request import Request
from rest_framework.response import Response

from ati.core import files
from ati.core.forms import handle_action


def _nothing(obj: Any) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Action:
    """One action on one machine's rows, as a page and the API offer it."""

    #: The transition's name (also the URL's last part and the audit event's suffix).
    name: str
    #: The button that takes it, named after what it does ("Ask for clarification").
    label: str | Promise
    #: Its input: the page's form, and the API's serializer made from the form's fields.
    form: type[forms.Form]
    #: The service it calls: ``perform(actor, row, cleaned_data) -> row``.
    perform: Callable[[Any, Any, dict[str, Any]], Any]
    #: What the form needs of the row (``bind(row) -> form kwargs``: the body's departments).
    bind: Callable[[Any], dict[str, Any]] = _nothing
    #: The form's initial values on the page (a draft already written).
    initial: Callable[[Any], dict[str, Any]] = _nothing
    #: The API endpoint's summary in the OpenAPI document.
    summary: str = ""
    #: Offered by the API (False: a page-only action).
    api: bool = True


class Actions:
    """The actions of one machine, by name, and what is made from them."""

    def __init__(self, *declared: Action) -> None:
        self._by_name = {a.name: a for a in declared}
        self._schemas: dict[str, type[serializers.Serializer[Any]]] = {}

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __iter__(self) -> Iterator[Action]:
        return iter(self._by_name.values())

    def __getitem__(self, name: str) -> Action:
        return self._by_name[name]

    def form(
        self, name: str, obj: Any, data: Any = None, files: Any = None, *, initial: bool = True
    ) -> forms.Form:
        """The action's form for this row: ids of its own (several share a page) and its
        button's text (`submit_label`)."""
        declared = self._by_name[name]
        form = declared.form(
            data,
            files,
            initial=declared.initial(obj) if initial else None,
            **declared.bind(obj),
        )
        # Set before validation: the errors take the field's id then (aria-describedby).
        form.auto_id = f"id_{name}_%s"
        form.submit_label = declared.label  # type: ignore[attr-defined]
        return form

    def forms_for(
        self, names: list[str], obj: Any, bound: dict[str, forms.Form] | None = None
    ) -> dict[str, forms.Form]:
        """The forms of the actions a page offers, a form sent back with errors in its place."""
        return {n: (bound or {}).get(n) or self.form(n, obj) for n in names if n in self}

    # --- the page ------------------------------------------------------------------

    def page_view(
        self,
        *,
        get: Callable[..., Any],
        page: Callable[[HttpRequest, Any, dict[str, forms.Form] | None, int], HttpResponse],
        done: Callable[[Any], HttpResponse],
    ) -> Callable[..., HttpResponse]:
        """The POST view of every action of a row's page.

        `get(request, **url_kwargs)` finds the row (404 when unseen); `page(request, row,
        bound, status)` renders the row's page again, with the bound form after bad input
        (400), or freshly read after a conflict (409); `done(row)` answers a success.
        """

        @login_required
        @require_POST
        def act(request: HttpRequest, action: str, **kwargs: Any) -> HttpResponse:
            obj = get(request, **kwargs)
            if action not in self:
                raise Http404(_("No such action."))
            form = self.form(action, obj, request.POST, request.FILES, initial=False)
            declared = self[action]

            def perform(data: dict[str, Any]) -> Any:
                with files.atomic(durable=True):
                    return declared.perform(request.user, obj, data)

            def again(bound: forms.Form | None, status: int) -> HttpResponse:
                shown = obj if bound is not None else get(request, **kwargs)  # 409: as it is now
                return page(request, shown, {action: bound} if bound is not None else None, status)

            return handle_action(request, form, perform, page=again, done=lambda: done(obj))

        return act

    # --- the API -------------------------------------------------------------------

    def serializer(self, name: str, obj: Any, data: Any) -> serializers.Serializer[Any]:
        """The action's input checked for the API: the form's fields, bound to the row."""
        declared = self._by_name[name]
        return serializer_for(declared.form(**declared.bind(obj)), _schema_name(name))(data=data)

    def schema(self, name: str) -> type[serializers.Serializer[Any]]:
        """The action's input as the OpenAPI document describes it (one class per action)."""
        if name not in self._schemas:
            self._schemas[name] = serializer_for(self._by_name[name].form(), _schema_name(name))
        return self._schemas[name]

    def api(
        self, *, responses: dict[int, Any], respond: str = "action_response"
    ) -> Callable[[type], type]:
        """A class decorator adding one POST endpoint per action to a viewset.

        Each finds the row (`get_object`: 404 when unseen), checks the input with the
        action's serializer (400), calls the service in a durable transaction (403, 409 from
        the frame) and answers with the viewset's `respond` method (the row as it is now).
        """

        def add(viewset: type) -> type:
            for declared in self:
                if declared.api:
                    setattr(viewset, declared.name, self._endpoint(declared, responses, respond))
            return viewset

        return add

    def _endpoint(self, declared: Action, responses: dict[int, Any], respond: str) -> Any:
        name = declared.name

        def endpoint(viewset: Any, request: Request, pk: str | None = None) -> Response:
            obj = viewset.get_object()
            serializer = self.serializer(name, obj, request.data)
            serializer.is_valid(raise_exception=True)
            with files.atomic(durable=True):
                updated = declared.perform(request.user, obj, dict(serializer.validated_data))
            return getattr(viewset, respond)(request, updated)

        endpoint.__name__ = endpoint.__qualname__ = name
        endpoint.__doc__ = declared.summary or None
        routed = drf_action(detail=True, methods=["post"])(endpoint)
        return extend_schema(
            request=self.schema(name), responses=responses, summary=declared.summary or None
        )(routed)


def _schema_name(action: str) -> str:
    return "".join(part.capitalize() for part in action.split("_")) + "Input"


# --- a form's fields as a serializer's -----------------------------------------------------


def serializer_for(form: forms.Form, name: str) -> type[serializers.Serializer[Any]]:
    """A serializer with the form's fields: same names, limits, choices and querysets.

    An optional field keeps the value its form field gives when left empty ("", None,
    [], False), so the service receives the same data from a page and from the API.
    """
    declared = {key: _field(f) for key, f in form.fields.items()}
    return type(name, (serializers.Serializer,), declared)


def _optional(f: forms.Field, empty: Any) -> dict[str, Any]:
    if f.required:
        return {"required": True}
    return {"required": False, "default": empty}


def _field(f: forms.Field) -> serializers.Field[Any, Any, Any, Any]:
    # No label nor help text: the OpenAPI document is one, not one per reader's language.
    kw: dict[str, Any] = _optional(f, None)
    if isinstance(f, forms.ModelMultipleChoiceField):
        return _related(f, many=True)
    if isinstance(f, forms.ModelChoiceField):
        return _related(f)
    if isinstance(f, forms.MultipleChoiceField):
        # Choices the row decides (a profile's grounds) are empty in the schema: any code.
        choices: list[Any] = list(f.choices)  # type: ignore[arg-type]
        child = serializers.ChoiceField(choices=choices) if choices else serializers.SlugField()
        return serializers.ListField(child=child, **_optional(f, list))
    if isinstance(f, forms.ChoiceField):
        kw = _optional(f, "") | ({} if f.required else {"allow_blank": True})
        return serializers.ChoiceField(choices=list(f.choices), **kw)  # type: ignore[arg-type]
    if isinstance(f, forms.BooleanField):
        return serializers.BooleanField(required=False, default=False)
    if isinstance(f, forms.DateField):
        return serializers.DateField(allow_null=not f.required, **kw)
    if isinstance(f, forms.DecimalField):
        kw.update(max_digits=f.max_digits, decimal_places=f.decimal_places)
        if f.min_value is not None:
            kw["min_value"] = Decimal(f.min_value)
        return serializers.DecimalField(allow_null=not f.required, **kw)
    if isinstance(f, forms.IntegerField):
        kw.update(min_value=f.min_value, max_value=f.max_value)
        return serializers.IntegerField(allow_null=not f.required, **kw)
    if isinstance(f, forms.FileField):
        # The apps' MultipleFileField: several files, none required.
        return serializers.ListField(child=serializers.FileField(), required=False, default=list)
    if isinstance(f, forms.CharField):
        kw = _optional(f, "") | {"allow_blank": not f.required, "max_length": f.max_length}
        if isinstance(f, forms.RegexField):
            return serializers.RegexField(f.regex, **kw)
        kw["trim_whitespace"] = f.strip
        if isinstance(f, forms.EmailField):
            return serializers.EmailField(**kw)
        if isinstance(f, forms.SlugField):
            return serializers.SlugField(**kw)
        return serializers.CharField(**kw)
    raise TypeError(f"No serializer field for the form field {type(f).__name__}")


def _related(f: forms.ModelChoiceField[Any], many: bool = False) -> Any:
    queryset: models.QuerySet[Any] = f.queryset  # type: ignore[assignment]
    kwargs: dict[str, Any] = {"queryset": queryset, "many": many}
    if not f.required:
        kwargs.update(required=False, allow_null=not many, default=list if many else None)
    if f.to_field_name:
        return serializers.SlugRelatedField(slug_field=f.to_field_name, **kwargs)
    return serializers.PrimaryKeyRelatedField(**kwargs)


__all__ = ["Action", "Actions", "serializer_for"]

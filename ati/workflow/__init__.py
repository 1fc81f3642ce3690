"""One frame for every state change of every machine: lock, permit, check, change, save,
audit, notify — in one transaction.

Its layer (docs/architecture.md): above `core` and `audit`, which it uses, and below
every app that has a machine (`requests`, `appeals`, `library`).

Requests, complaints, appeals and library publications are django-fsm machines. What
differs between them is declared once per machine (`Machine`: how its row is locked, who
may see it, who may take an action, how its state is recorded in the audit log, what a
conflict says); what every state change does is written once, here (`run`).

    REQUEST = Machine("request", InformationRequest, may=permissions.may, …)
    def withdraw(actor, req):
        return workflow.run(REQUEST, actor, req, "withdraw", lambda r: r.withdraw(now()))

`run` locks the row (`SELECT … FOR UPDATE`), raises `DoesNotExist` to a person who may not
know it exists (a 404, never a 403 that would confirm it), `PermissionDenied` to one who
may see it but not act, runs the caller's check and change, turns a transition the state
does not allow (or that another person just made impossible) into `TransitionConflict`
(a 409 naming the state and the actions still possible), saves, writes one audit event
named `<machine>.<action>`, and lets the caller write its outbox rows (notices sent after
commit) in the same transaction. Files saved in it are deleted if it does not commit
(`ati.core.files.atomic`).

What a person does from a page or the API is declared once more, beside the app's
services, as an `Action` (ati/workflow/actions.py): its button, its form (whose fields
also make the API's serializer) and the service it calls. The page's POST view and the
viewset's `@action` endpoints are generated from those declarations.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from ati.audit.services import record
from ati.core import files
from ati.core.errors import TransitionConflict

M = TypeVar("M", bound=models.Model)


def lock(model: type[M], obj: M | int, related: Sequence[str] = ()) -> M:
    """The row, locked until the transaction ends (the one lock helper of every machine)."""
    pk = obj if isinstance(obj, int) else obj.pk
    qs = model._default_manager.select_for_update(of=("self",))
    return qs.select_related(*related).get(pk=pk) if related else qs.get(pk=pk)


def allowed_actions(obj: models.Model) -> list[str]:
    """The transitions the row's current state allows (django-fsm's view of the machine)."""
    return [t.name for t in obj.get_available_state_transitions()]  # type: ignore[attr-defined]


#: The conflict's message when a machine says nothing more specific.
NOT_NOW = _("This action is not possible while it is “%(state)s”.")
#: The refusal's message when a machine says nothing more specific.
NOT_YOURS = _("You may not do this.")


def conflict(obj: Any, message: str | Promise = NOT_NOW) -> TransitionConflict:
    """The one answer to an action the current state does not allow: HTTP 409."""
    return TransitionConflict(
        str(message) % {"state": obj.get_state_display()},
        state=obj.state,
        allowed=allowed_actions(obj),
    )


def _anyone(actor: Any, obj: Any) -> bool:
    return True


@dataclass(frozen=True)
class Machine(Generic[M]):
    """What one state machine declares; `run` does the rest.

    The checks are given as small lambdas over the app's permission module
    (`lambda actor, action, req: permissions.may(actor, action, req)`), so that they read
    it at each call: a test, or a later rule, that replaces the function is then obeyed.
    """

    #: The audit prefix: `request`, `complaint`, `appeal`, `publication`.
    name: str
    model: type[M]
    #: May this person act on this row at all? (False: 403 with `denied`.)
    may: Callable[[Any, str, M], bool]
    #: What the audit log keeps of the row before and after each change.
    snapshot: Callable[[M], dict[str, Any]]
    #: The 403's message, or a function of the action that gives it.
    denied: str | Promise | Callable[[str], str | Promise] = NOT_YOURS
    #: May this person know the row exists? (False: 404.)
    can_view: Callable[[Any, M], bool] = _anyone
    #: Joined when the row is locked (what the checks and changes read).
    related: tuple[str, ...] = field(default_factory=tuple)
    conflict_message: str | Promise = NOT_NOW

    def lock(self, obj: M | int) -> M:
        return lock(self.model, obj, self.related)

    def conflict(self, obj: M) -> TransitionConflict:
        return conflict(obj, self.conflict_message)

    def refusal(self, action: str) -> PermissionDenied:
        message = self.denied(action) if callable(self.denied) else self.denied
        return PermissionDenied(str(message))


def run(
    machine: Machine[M],
    actor: Any,
    obj: M | int,
    action: str,
    change: Callable[[M], Any],
    *,
    reason: str | Callable[[M], str] = "",
    audit_action: str | None = None,
    check: Callable[[M], None] | None = None,
    notify: Callable[[M], Any] | None = None,
    system: bool = False,
    then: Callable[[M], Any] | None = None,
) -> M:
    """Take one action on one row, in one transaction (see the module's docstring).

    `system`: a consequence of another change or of time (a sweep), not a person's choice:
    no permission is checked. `audit_action` names the event when it differs from the
    action (an assignment that is a reassignment); `reason` may be read from the locked
    row (a function of it). `then` does what needs the saved row
    (files, the search index); `notify` writes the outbox rows. Both in the transaction.
    """
    with files.atomic():
        locked = machine.lock(obj)
        if not system:
            if not machine.can_view(actor, locked):
                raise machine.model.DoesNotExist  # type: ignore[attr-defined]  # never reveal it exists
            if not machine.may(actor, action, locked):
                raise machine.refusal(action)
        if check is not None:
            check(locked)
        snapshot_before = machine.snapshot(locked)
        try:
            change(locked)
            locked.save()
        except (TransitionNotAllowed, ConcurrentTransition) as exc:
            raise machine.conflict(locked) from exc
        if then is not None:
            then(locked)
        record(
            f"{machine.name}.{audit_action or action}",
            actor=actor,
            obj=locked,
            before=snapshot_before,
            after=machine.snapshot(locked),
            reason=reason(locked) if callable(reason) else reason,
        )
        if notify is not None:
            notify(locked)  # outbox rows, in this transaction: delivered after commit
    return locked

"""Files written inside a transaction: deleted if it does not commit, found if orphaned.

Storage is not transactional. A file saved inside `transaction.atomic()` stays
on disk when the transaction later rolls back (a validation error further on,
a database error, a 409 conflict), with no row pointing to it. So services
that write files open their transaction with `files.atomic()` and save through
`files.save()`: when the block ends without committing, the files written in
it are deleted. A nested block hands its files to the enclosing one when it
ends well, since that one may still roll back.

What this cannot see is removed later by `manage.py clean_orphan_files` (beat,
daily): a process killed between the write and the commit, or a block ending
well inside a caller's own `transaction.atomic()` that then rolls back. Its
`FILE_AREAS` registry says where files live and which rows point to them.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.files.base import File
from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone

log = logging.getLogger(__name__)

_written: ContextVar[list[tuple[Storage, str]] | None] = ContextVar("ati_files", default=None)


@contextmanager
def atomic(*, savepoint: bool = True, durable: bool = False) -> Iterator[None]:
    """`transaction.atomic()` that deletes the files saved in it (`save`) if it does not commit.

    `savepoint=False` inside a caller's transaction: a failure fails the caller's
    transaction anyway, without the two round trips of a savepoint. `durable=True` for an
    entry point (a page's or the API's action): it must be the outermost transaction.
    """
    outer = _written.get()
    mine: list[tuple[Storage, str]] = []
    token = _written.set(mine)
    committed = False

    def mark_committed() -> None:
        nonlocal committed
        committed = True

    try:
        with transaction.atomic(savepoint=savepoint, durable=durable):
            if not transaction.get_connection().savepoint_ids:
                # The first callback of the transaction runs first after the commit: an
                # error raised by a later callback is not taken for a rollback.
                transaction.on_commit(mark_committed)
            yield
    except BaseException:
        if not committed:
            delete(mine)
        raise
    finally:
        _written.reset(token)
    if outer is not None:
        outer.extend(mine)


def save(field_file: Any, name: str, content: File[Any], *, save: bool = True) -> None:
    """``field_file.save()``, remembered by the enclosing `atomic` block for a rollback."""
    field_file.save(name, content, save=False)
    written = _written.get()
    if written is not None:
        written.append((field_file.storage, field_file.name))
    if save:
        field_file.instance.save()


def delete_on_commit(storage: Storage, name: str) -> None:
    """Delete a file only once the transaction that stops pointing to it commits."""
    if name:
        transaction.on_commit(lambda: delete([(storage, name)]))


def delete(files: list[tuple[Storage, str]]) -> None:
    for storage, name in files:
        try:
            storage.delete(name)
        except OSError as exc:  # the daily clean-up will find it
            log.warning("could not delete %s: %s", name, exc)


# --- where files live, and the orphans ----------------------------------------------------
@dataclass(frozen=True)
class FileArea:
    """A folder of a storage, every file of which one row's FileField points to."""

    label: str
    folder: str
    #: ("app_label.Model", "field name") of each field whose files are in the folder;
    #: the storage is theirs.
    fields: tuple[tuple[str, str], ...]

    def storage(self) -> Storage:
        model, name = self.fields[0]
        return apps.get_model(model)._meta.get_field(name).storage

    def referenced(self) -> set[str]:
        names: set[str] = set()
        for model, name in self.fields:
            manager = apps.get_model(model)._default_manager
            names.update(manager.exclude(**{name: ""}).values_list(name, flat=True))
        return names


FILE_AREAS: list[FileArea] = []


def register_file_area(area: FileArea) -> FileArea:
    """Declared by each app that stores files (in its ``AppConfig.ready``)."""
    if all(existing.label != area.label for existing in FILE_AREAS):
        FILE_AREAS.append(area)
    return area


def _walk(storage: Storage, folder: str) -> Iterator[str]:
    try:
        folders, names = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in names:
        yield f"{folder}/{name}" if folder else name
    for sub in folders:
        yield from _walk(storage, f"{folder}/{sub}" if folder else sub)


@dataclass
class Orphans:
    area: FileArea
    files: int = 0
    orphans: list[str] = field(default_factory=list)
    fresh: int = 0  # unreferenced but younger than the grace period: maybe not committed yet


def find_orphans(grace: dt.timedelta, now: dt.datetime | None = None) -> list[Orphans]:
    """Files no row points to, older than ``grace``, in every registered area.

    The files are listed before the rows are read: a file whose row committed
    before that read is seen as referenced; one whose transaction is still
    open is younger than any sensible grace period.
    """
    now = now or timezone.now()
    found = []
    for area in FILE_AREAS:
        storage = area.storage()
        result = Orphans(area)
        listed = list(_walk(storage, area.folder))
        referenced = area.referenced()
        result.files = len(listed)
        for name in listed:
            if name in referenced:
                continue
            if now - storage.get_modified_time(name) < grace:
                result.fresh += 1
            else:
                result.orphans.append(name)
        found.append(result)
    return found


def remove_orphans(grace: dt.timedelta, *, dry_run: bool = False) -> list[Orphans]:
    found = find_orphans(grace)
    if not dry_run:
        for result in found:
            delete([(result.area.storage(), name) for name in result.orphans])
            for name in result.orphans:
                log.info("orphan file removed: %s", name)
    return found

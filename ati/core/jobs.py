"""Periodic jobs' records, for the core's own jobs (the orphaned files' clean-up).

The record (start, end, result: `JobRun`, shown by `jobs_status`) belongs to the
notifications app, above this one (docs/architecture.md); it registers its
recorder here in its ``ready()``. Without one, a job runs unrecorded.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

Recorder = Callable[[str], AbstractContextManager[Any]]

#: ``recorder(name)``: a context manager whose value takes the job's ``result`` (a short line).
RECORDERS: list[Recorder] = []


def register_recorder(recorder: Recorder) -> None:
    if recorder not in RECORDERS:
        RECORDERS.append(recorder)


class _Unrecorded:
    result = ""

    def __enter__(self) -> _Unrecorded:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def recorded(name: str) -> AbstractContextManager[Any]:
    """``with recorded("clean_orphan_files") as run: ...; run.result = "..."``."""
    return RECORDERS[-1](name) if RECORDERS else _Unrecorded()

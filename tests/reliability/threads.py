"""Forcing an interleaving of two transactions (PostgreSQL, one connection per thread).

A test pauses one side at a named point (a hook it patches in) with `Gate`,
runs the other side, then lets the first go on: the order is decided by the
test, not by the scheduler. Waits are bounded, so a lock wait that never ends
fails the test instead of hanging it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import close_old_connections, connection

WAIT = 30.0


class Gate:
    """One side says it reached a point (`arrive`) and waits until the test `open`s it."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.opened = threading.Event()

    def arrive(self) -> None:
        self.reached.set()
        if not self.opened.wait(WAIT):
            raise TimeoutError("the gate was never opened")

    def wait_reached(self) -> None:
        if not self.reached.wait(WAIT):
            raise TimeoutError("the other side never reached the gate")

    def open(self) -> None:
        self.opened.set()


class InThread:
    """Run ``fn`` in a thread with its own database connection; `result()` joins it."""

    def __init__(self, fn: Callable[[], Any], name: str | None = None) -> None:
        self._value: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(fn,), name=name, daemon=True)
        self._thread.start()

    def _run(self, fn: Callable[[], Any]) -> None:
        try:
            self._value = fn()
        except BaseException as exc:  # handed to the test by result()
            self._error = exc
        finally:
            close_old_connections()
            connection.close()

    def is_blocked(self, seconds: float = 0.5) -> bool:
        """Still running after ``seconds`` (waiting on a lock, as the test expects)."""
        self._thread.join(seconds)
        return self._thread.is_alive()

    def result(self) -> Any:
        self._thread.join(WAIT)
        if self._thread.is_alive():
            raise TimeoutError("the thread did not finish")
        if self._error is not None:
            raise self._error
        return self._value

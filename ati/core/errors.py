"""Errors that services raise and that pages and the API turn into clear answers."""

from __future__ import annotations

from collections.abc import Iterable


class TransitionConflict(Exception):
    """The action is not possible in the object's current state (HTTP 409).

    Raised too when another person changed the object first: the loser is told
    the state it is in now and what can still be done.
    """

    def __init__(self, message: str, *, state: str, allowed: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.state = state
        self.allowed = sorted(allowed)

"""The IP address of the web request being served, for audit events."""

from __future__ import annotations

from contextvars import ContextVar

_current_ip: ContextVar[str | None] = ContextVar("ati_audit_ip", default=None)


def current_ip() -> str | None:
    return _current_ip.get()


def set_current_ip(ip: str | None) -> object:
    return _current_ip.set(ip)


def reset_current_ip(token: object) -> None:
    _current_ip.reset(token)  # type: ignore[arg-type]

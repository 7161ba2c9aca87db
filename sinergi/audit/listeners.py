"""Listeners told of every audit entry, inside the transaction that wrote it.

An app registers one from its `AppConfig.ready()` (the exchange app writes its transactional outbox this way):
whatever a listener writes is committed with the change and the entry, or not at all. A listener must be quick
and must not fail for an entry it does not care about.
"""

from __future__ import annotations

from collections.abc import Callable

_listeners: list[Callable] = []


def register(listener: Callable) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def notify(entry) -> None:
    for listener in _listeners:
        listener(entry)

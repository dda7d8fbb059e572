"""Who a change is by, for the history tables (django-simple-history)."""

from __future__ import annotations

from typing import Any


def record_by(instance: Any, user: Any) -> None:
    """The next save of `instance` is recorded as made by `user`: simple-history's documented
    `_history_user`, set in one place (the attribute is not on the model's type)."""
    instance._history_user = user

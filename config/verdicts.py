"""A permission check's answer that carries its reason.

Each `can_*` check on a model answers with a Verdict: true when the user may, false with the words
saying why not. Views test it like a bool, templates too (`{% if can_activate %}`), and a service
raises its `reason`, so the page, the template and the service say the same words, written once
beside the rule. Checks chain with `and`, which returns the first refusal:

    return self.who_may(user) and self.when(status_ok) and self.unlocked_for(user)
"""

from __future__ import annotations

from django.utils.functional import Promise


class Verdict:
    __slots__ = ("reason",)

    def __init__(self, reason: str | Promise | None = None) -> None:
        self.reason = reason

    def __bool__(self) -> bool:
        return self.reason is None

    def __repr__(self) -> str:
        return "Verdict(yes)" if self else f"Verdict(no: {self.reason})"

    @classmethod
    def no(cls, reason: str | Promise) -> Verdict:
        return cls(reason)

    @classmethod
    def when(cls, allowed: bool, reason: str | Promise) -> Verdict:
        """Yes when `allowed`, else no for `reason`."""
        return YES if allowed else cls(reason)


YES = Verdict()

"""The request a signed-in page receives: its user is a `User`, never anonymous (the views are behind
login_required or official_required), and django-htmx has told it whether htmx sent it. Typed so that
the checker knows it (healthchecks' AuthenticatedHttpRequest)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User  # type: ignore[assignment]  # narrower than HttpRequest's User | AnonymousUser, by login_required
    htmx: HtmxDetails

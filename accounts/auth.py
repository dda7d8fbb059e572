"""Sign-in helpers for django-axes."""

from django.conf import settings
from django.http import HttpRequest

USERNAME_MAX = 150  # User.username's length


def attempted_username(request: HttpRequest, credentials: dict | None) -> str:
    """The username a login attempt was made with, as axes records it (never longer than a username)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(username)[:USERNAME_MAX]


def client_ip(request: HttpRequest) -> str:
    """The address of the client: REMOTE_ADDR, or, when that is one of settings.TRUSTED_PROXIES, the
    right-most address in X-Forwarded-For that is not a trusted proxy (the left ones are whatever the
    client chose to send, so they are never believed)."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = set(settings.TRUSTED_PROXIES)
    if remote not in trusted:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for address in reversed(forwarded):
        if address and address not in trusted:
            return address[:45]  # the longest IPv6 text
    return remote

"""Sign-in helpers for django-axes."""

from django.http import HttpRequest

USERNAME_MAX = 150  # User.username's length


def attempted_username(request: HttpRequest, credentials: dict | None) -> str:
    """The username a login attempt was made with, as axes records it (never longer than a username)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(username)[:USERNAME_MAX]

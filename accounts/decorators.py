from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def official_required(view: Callable) -> Callable:
    """Signed-in officials and administrators; anyone else signed in gets 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.can_manage_agents:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def _required(allowed: Callable, view: Callable) -> Callable:
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not allowed(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def official_required(view: Callable) -> Callable:
    """Signed-in officials and administrators (User.acts_as_official); anyone else signed in gets 403."""
    return _required(lambda user: user.acts_as_official, view)


def agent_manager_required(view: Callable) -> Callable:
    """Those who manage village agents (User.can_manage_agents); anyone else signed in gets 403."""
    return _required(lambda user: user.can_manage_agents, view)


def agent_required(view: Callable) -> Callable:
    """Signed-in village agents (User.is_agent); anyone else signed in gets 403."""
    return _required(lambda user: user.is_agent, view)

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.deprecation import MiddlewareMixin
from django.utils.http import urlencode

from accounts.two_factor import PENDING_SESSION_KEY, must_use

# What a user signed in with only their password may still open: the code's pages, signing out, the
# language switch, and what machines ask for.
OPEN = {
    "accounts:two_factor_verify",
    "accounts:two_factor_setup",
    "accounts:logout",
    "set_language",
    "healthz",
    "service_worker",
}


class TwoFactorMiddleware(MiddlewareMixin):
    """Until a user who needs a second factor has typed their code, every page sends them to it.

    Who needs one: officials and administrators when TWO_FACTOR_REQUIRED is on (by role, no query),
    and anyone who set up an authenticator (marked in the session at sign-in, so that a page of a
    user without one reads no devices table). After OTPMiddleware, which says whether the session
    was verified. Pages open to all (healthz, the service worker) are passed first, without reading
    the session: they must answer when the database does not.
    """

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or match.view_name in OPEN:
            return None
        user = request.user
        if (
            user.is_authenticated
            and (request.session.get(PENDING_SESSION_KEY) or must_use(user))  # type: ignore[arg-type]
            and not user.is_verified()  # type: ignore[union-attr,attr-defined]  # set by OTPMiddleware
        ):
            verify = reverse("accounts:two_factor_verify")
            return redirect(f"{verify}?{urlencode({'next': request.get_full_path()})}")
        return None

import logging
import sys

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger(__name__)


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Bahasa Indonesia unless the user picked English with the switch (the language cookie).

    Django's own middleware would follow the browser's Accept-Language, and many phones in Indonesia
    are set to English although their users read Indonesian best.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RefuseNulBytesMiddleware(MiddlewareMixin):
    """A NUL character in the address, the query or a form is refused with a page that says so.

    PostgreSQL cannot store or compare text holding NUL; a typo or a probe must get a message, not
    a server error, and this is the one place every request passes.
    """

    def process_request(self, request):
        if _has_nul(request):
            reason = _("The address or form holds a character that is not allowed.")
            return render(request, "400.html", {"reason": reason}, status=400)
        return None


def _has_nul(request) -> bool:
    if "\x00" in request.path:
        return True
    sources = [request.GET]
    # Uploads are left to their forms: parsing a multipart body here would read every file up front.
    if request.method == "POST" and not request.content_type.startswith("multipart/"):
        sources.append(request.POST)
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for source in sources
        for key, values in source.lists()
    )


class NoStoreMiddleware(MiddlewareMixin):
    """Pages for signed-in users carry personal data (names, NIK, phones): no browser or proxy cache
    keeps them, so the next person on a shared phone or office computer cannot page back to them."""

    def process_response(self, request, response):
        # By the session cookie, not request.user: loading the user asks the database, and with the
        # database away that turned the 503 page into a bare 500 for every signed-in user.
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            patch_cache_control(response, no_store=True, private=True)
        return response


def database_unavailable() -> HttpResponse:
    """The 503 page, rendered without the request context: its processors would ask the database."""
    return HttpResponse(render_to_string("503.html"), status=503, headers={"Retry-After": "30"})


def server_error(request, template_name: str = "500.html") -> HttpResponse:
    """handler500: a database gone away in a middleware (the session, the user), where no view's
    exception handler sees it, still answers with the 503 page; anything else is Django's 500."""
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        return database_unavailable()
    return defaults.server_error(request, template_name)


class DatabaseUnavailableMiddleware(MiddlewareMixin):
    """The database going away mid-request answers 503 with a page in the user's language that says
    to try again, instead of a 500: nothing was acknowledged, and the transaction was rolled back."""

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.warning("database unavailable: %s", exception)
        return database_unavailable()


class DeactivatedHeaderMiddleware(MiddlewareMixin):
    """Tells a phone that its account was deactivated (X-Desa100-Deactivated), so that it deletes what
    it kept for offline use (the worklist, unsent entries: static/js/app.js). Django signs such a user
    out silently; the session still names them, which is how this knows. One query, only for a
    request whose session names a user who is not signed in."""

    def process_response(self, request, response):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return response
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        try:
            if session is None or user is None or user.is_authenticated or SESSION_KEY not in session:
                return response
            inactive = get_user_model()._default_manager.filter(pk=session[SESSION_KEY], is_active=False)
            if inactive.exists():
                response["X-Desa100-Deactivated"] = "1"
        except (OperationalError, InterfaceError):
            pass  # the database is away: the page answers as it would have (a 503, or a static one)
        return response

"""The service worker that lets the enrollment page open without a connection (static/js/sw.js).

Served from the site's root rather than /static/, because a service worker only controls the pages
under the path it is served from."""

from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache


@never_cache  # a new version reaches the phones on their next visit
def service_worker(request: HttpRequest) -> HttpResponse:
    found = finders.find("js/sw.js")  # one path: the file is the project's own
    return HttpResponse(Path(str(found)).read_bytes(), content_type="text/javascript")

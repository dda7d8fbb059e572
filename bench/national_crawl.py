"""Every page a user can reach, found the way the user finds it (issue 25): signed in as each role,
start at the home page and follow every link the pages show, submit every GET form (each choice of
each select, each tick box, each search box with a name, a whole NIK or a user name, each date
range), and follow the sort and "later page" links the lists draw. A new list, filter, sort or
detail page is measured the day it is linked, without anyone adding a line here.

    .venv/bin/python bench/national.py --crawl               # on the national database
    .venv/bin/python bench/national.py --crawl --pages review   # only addresses containing "review"

The administrator's Django admin is measured by `--admin` (bench/national_admin.py), the files
(exports, spreadsheets) by the default run's downloads: a crawl does not start a whole-country export.
Per page: p50 and the slowest of the timed runs, queries, KB, the slowest query and whether its plan
reads a table of over 100,000 rows whole. Aims: p50 ≤ 200 ms, slowest ≤ 500 ms, ≤ 150 KB, no such scan.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from accounts.models import User
from enrollment.models import Enrollment
from regions.models import Region

from .national_admin import time_page

AIM_P50_MS, AIM_SLOWEST_MS, AIM_BYTES = 200, 500, 150_000
ROLES = ("admin", "pejabat.32", "pejabat.32.14", "pejabat.32.14.16", "agen.32.14.16.2005")
PER_SHAPE = 8  # addresses measured per (page, set of parameters): the filter's choices, the sorts
PER_VIEW = 30  # and per page in all, the first found (closest to home: one choice changed at a time)
PER_PAGE = 3  # detail pages of one kind (three enrollments, three payers…) per role
# Addresses that answer with a file (timed by the default run's downloads) or act on a GET.
NOT_PAGES = {
    "accounts:logout",
    "set_language",
    "service_worker",
    "healthz",
    "imports:template",
    "imports:errors",
    "billing:months_file",
    "billing:bill_lines",
    "reports:branch_file",
    "reports:signoff_scan",
    "dashboards:progress_export",
    "dashboards:realisation_export",
    "dashboards:region_progress_export",
    "dashboards:region_realisation_export",
}


@dataclass
class PageReader(HTMLParser):
    """The links (`href`, `hx-get`) and GET forms of a page, as a browser would offer them."""

    links: list[str] = field(default_factory=list)
    forms: list[tuple[str, list[tuple[str, str, list[str]]]]] = field(default_factory=list)
    posted: list[tuple[str, list[tuple[str, str, list[str]]]]] = field(default_factory=list)

    def __post_init__(self):
        super().__init__()
        self._form: list[tuple[str, str, list[str]]] | None = None
        self._select: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = {key: value or "" for key, value in attrs}
        for key in ("href", "hx-get"):
            if a.get(key) and tag != "link":
                self.links.append(a[key])
        if tag == "form":
            self._form = []
            kind = self.forms if a.get("method", "get").lower() == "get" else self.posted
            kind.append((a.get("action", ""), self._form))
        elif self._form is not None and a.get("name"):
            kind = a.get("type", "text") if tag == "input" else tag
            if tag == "select":
                self._select = []
                self._form.append((a["name"], kind, self._select))
            elif kind not in ("hidden", "submit", "button"):
                self._form.append((a["name"], kind, []))
        if tag == "option" and self._select is not None and a.get("value"):
            self._select.append(a["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form":
            self._form = None


def _terms(sample: Enrollment) -> dict[str, str]:
    """What a user types into a box, by the box's name (a name where nothing more is known)."""
    today = timezone.localdate()
    return {
        "nik": sample.worker.nik or "",
        "entered_by": sample.entered_by.username if sample.entered_by else "",
        "region": sample.village.code[:8],
        "code": sample.village.code[:8],
        "_after": (today - dt.timedelta(days=30)).isoformat(),
        "_before": today.isoformat(),
        "_min": (today - dt.timedelta(days=30)).isoformat(),
        "_max": today.isoformat(),
        "date": today.isoformat(),
        "month": today.strftime("%Y-%m"),
        "": sample.full_name.split()[0],
    }


def _typed(name: str, kind: str, terms: dict[str, str]) -> str:
    if kind in ("date", "month"):
        return next(
            (terms[key] for key in ("_after", "_before", "_min", "_max") if name.endswith(key)), terms[kind]
        )
    return next((value for key, value in terms.items() if key and key in name), terms[""])


def _form_addresses(
    action: str, fields: list[tuple[str, str, list[str]]], terms: dict[str, str]
) -> list[str]:
    """One address per choice of each field, the others left as the form starts (empty)."""
    addresses = []
    for name, kind, options in fields:
        if kind == "select":
            values = options[:PER_SHAPE]
        elif kind in ("checkbox", "radio"):
            values = ["on"]
        else:
            values = [_typed(name, kind, terms)]
        addresses += [f"{action}?{urlencode({name: value})}" for value in values if value]
    return addresses


def _shape(path: str) -> tuple[str, tuple[str, ...], tuple[str, ...]] | None:
    """What makes two addresses the same page: its view, the path's arguments' kind, the parameters
    named (and the values of a choice: a status, a sort). None: not a page of this app to measure."""
    parts = urlsplit(path)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    name = match.view_name
    query = dict(parse_qsl(parts.query))
    if name in NOT_PAGES or name.startswith("admin:") or "format" in query:  # ?format=csv: a file
        return None
    arguments = tuple(
        f"{key}:{value.count('.')}" if key == "code" else key for key, value in match.kwargs.items()
    )
    return name, arguments, tuple(sorted(query))


@dataclass
class Crawl:
    role: str
    terms: dict[str, str]
    pages: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    shapes: Counter = field(default_factory=Counter)

    def offer(self, path: str) -> None:
        parts = urlsplit(path)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            return
        address = parts.path + (f"?{parts.query}" if parts.query else "")
        shape = _shape(address)
        if shape is None or address in self.seen:
            return
        limit = PER_PAGE if shape[1] and not shape[2] else PER_SHAPE
        if self.shapes[shape] >= limit or self.shapes[shape[:2]] >= PER_VIEW:
            return
        self.shapes[shape] += 1
        self.shapes[shape[:2]] += 1
        self.seen.add(address)
        self.pages.append(address)

    def run(self, client: Client, limit: int) -> list[str]:
        queue = deque(["/"])
        self.offer("/")
        while queue and len(self.pages) < limit:
            address = queue.popleft()
            response = client.get(address)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            reader = PageReader()
            reader.feed(response.content.decode())
            found = [urljoin(address, link) for link in reader.links]
            for action, fields in reader.forms:
                found += _form_addresses(
                    urljoin(address, action or urlsplit(address).path), fields, self.terms
                )
            for action, fields in reader.posted:
                if action in ("", urlsplit(address).path):
                    found += self.searches(client, urlsplit(address).path, fields)
            for link in found:
                before = len(self.pages)
                self.offer(link)
                if len(self.pages) > before:
                    queue.append(self.pages[-1])
        return self.pages

    def searches(self, client: Client, path: str, fields: list[tuple[str, str, list[str]]]) -> list[str]:
        """A list's filter form that is posted (so that a NIK never travels in an address) answers
        with a redirect to the list's address: each choice posted, in a transaction rolled back
        (a form that writes writes nothing), and the address it sends to kept. A form that does not
        answer so when posted empty is an action, not a search, and is left alone."""

        def post(data: dict[str, str]) -> str | None:
            with transaction.atomic():
                response = client.post(path, data)
                transaction.set_rollback(True)
            location = response.get("Location", "") if response.status_code == 302 else ""
            same = location and _shape(location) and _shape(location)[0] == _shape(path)[0]  # type: ignore[index]
            return location if same else None

        if post({}) is None:
            return []
        choices = [dict(parse_qsl(urlsplit(a).query)) for a in _form_addresses(path, fields, self.terms)]
        choices.append({"q": self.terms["nik"]})  # a whole NIK, as an official types it
        return [location for data in choices if (location := post(data))]


def ensure_district_official() -> None:
    """The national build makes no district official; the crawl wants every level."""
    official, made = User.objects.get_or_create(
        username="pejabat.32.14.16", defaults={"role": User.Role.OFFICIAL, "first_name": "Kecamatan"}
    )
    if made:
        official.regions.add(Region.objects.get(code="32.14.16"))


def measure(runs: int = 5, only: str = "", limit: int = 400) -> None:
    logging.disable(logging.WARNING)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    ensure_district_official()
    sample = (
        Enrollment.objects.select_related("worker", "village", "entered_by")
        .filter(village__code="32.14.16.2005")
        .first()
    )
    assert sample is not None, "the national database holds no enrollment in 32.14.16.2005"
    terms = _terms(sample)
    print(
        "\n| role | page | p50 ms | slowest ms | queries | KB | slowest query ms | whole-table scans | aim |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |")
    total = missed = 0
    for role in ROLES:
        client = Client()
        client.force_login(User.objects.get(username=role))
        for address in Crawl(role, terms).run(client, limit):
            if only not in address:
                continue
            total += 1
            response = client.get(address)
            if response.status_code != 200:
                missed += 1
                print(
                    f"| {role} | `{address}` | HTTP {response.status_code} | | | | | | **missed** |",
                    flush=True,
                )
                continue
            timing = time_page(client, address, runs, len(response.content))
            met = (
                timing.p50 <= AIM_P50_MS and timing.slowest_run <= AIM_SLOWEST_MS
                and timing.size <= AIM_BYTES and not timing.scans
            )  # fmt: skip
            missed += not met
            print(
                f"| {role} | `{address}` | {timing.cells()} | {'met' if met else '**missed**'} |", flush=True
            )
    print(f"\n{total} pages reached by {len(ROLES)} roles, {missed} missing an aim")

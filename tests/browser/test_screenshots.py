"""The main pages of the demo, as each demo user sees them on a phone (360 px) and a desktop (1280 px).

Each page must open without an error and fit the screen's width (nothing to scroll sideways on a phone).
The screenshots go to $DESA100_SCREENSHOTS (build/screenshots by default); `make screenshots` writes
them to docs/screenshots, where the README shows them.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import User
from billing.models import Bill
from campaigns.models import Quota
from imports.models import ImportBatch
from targeting.models import TargetPerson
from tests.browser.conftest import sign_in
from tests.conftest import load_regions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "desa100-demo"
WEST_JAVA = "1-desa-100-perlindungan-2025-jawa-barat"
TANJUNGSARI = "32.14.16.2005"
SIJUNJUNG = "satu-nagari-100-pekerja-rentan-sijunjung"
# (demo user, page, file name, what the page shows of the demo's stories), in the README's order
PAGES = [
    ("agen.tanjungsari", "/", "agent-home", "Desa Tanjungsari"),
    ("agen.tanjungsari", "/enrollments/new/", "agent-enroll", "slot tersisa"),
    ("agen.tanjungsari", "/targets/worklist/", "worklist", "Daftar kunjungan"),
    # Opened from the worklist (which the phone kept on the visit above): the form filled from the list.
    ("agen.tanjungsari", lambda: worklist_entry(), "worklist-entry", "slot tersisa"),
    ("pejabat.purwakarta", "/", "official-home", "1 Desa 100 Perlindungan 2025 — Jawa Barat"),
    (
        "pejabat.purwakarta",
        f"/dashboards/campaign/{WEST_JAVA}/32.14/",
        "dashboard",
        "Cakupan pekerja informal",
    ),
    ("pejabat.purwakarta", "/enrollments/", "enrollments", "Desa Tanjungsari"),
    ("pejabat.purwakarta", "/enrollments/review/", "review", "Perlu verifikasi"),
    ("pejabat.purwakarta", f"/dashboards/campaign/{WEST_JAVA}/money/", "money", "CSR PT Taekwang"),
    ("pejabat.purwakarta", f"/reports/recap/{WEST_JAVA}/{TANJUNGSARI}/", "village-recap", "TANJUNGSARI"),
    ("pejabat.purwakarta", "/imports/", "imports", "musdes-salammulya.csv"),
    ("pejabat.purwakarta", "/targets/duplicates/", "duplicates", "dua angka NIK yang bersebelahan tertukar"),
    (
        "pejabat.purwakarta",
        "/reports/branch-layouts/new/",
        "branch-layout",
        "Kolom, menurut urutan kantor cabang",
    ),
    ("pejabat.muaraenim", "/", "muaraenim-home", "Perlindungan Pekerja Rentan Muara Enim 2020"),
    ("pejabat.sijunjung", "/", "sijunjung-home", "Satu Nagari 100 Pekerja Rentan — Sijunjung"),
    ("pejabat.sijunjung", "/billing/arrears/", "arrears", "Pemerintah Desa Silokek"),
    (
        "pejabat.sijunjung",
        lambda: f"/billing/bills/{nagari_bill().pk}/",
        "bill",
        "Terbilang",
    ),
    (
        "pejabat.sijunjung",
        lambda: f"/imports/{ImportBatch.objects.get(kind='statement').pk}/",
        "bank-statement",
        "Cocok dengan pembayar",
    ),
    (
        "pejabat.sijunjung",
        lambda: f"/billing/enrollments/{nagari_bill().lines.first().enrollment_id}/",
        "worker-bills",
        "Ganti pembayar",
    ),
    (
        "pejabat.sijunjung",
        lambda: f"/imports/{ImportBatch.objects.get(kind='targets', region__code='13.03').pk}/",
        "target-list",
        "Baru pada putaran ini",
    ),
    ("pejabat.sijunjung", f"/targets/campaigns/{SIJUNJUNG}/eligibility/", "eligibility", "Sasaran kampanye"),
    ("agen.krajan", "/", "krajan-agent-home", "Desa Krajan Terlindungi"),
]


def worklist_entry() -> str:
    """The entry form as the worklist opens it for its first person (static/js/worklist.js)."""
    agent = User.objects.get(username="agen.tanjungsari")
    person = TargetPerson.objects.for_user(agent).worklist().filter(outcome=None).first()
    quota = Quota.objects.open_for(agent).get(village=person.village)
    return f"/enrollments/new/?quota={quota.pk}#target={person.pk}"


def nagari_bill() -> Bill:
    """A bill of a nagari (Sijunjung's officials see their own)."""
    return Bill.objects.filter(payer__kind="village", payer__region__code__startswith="13.03").order_by(
        "-month", "pk"
    )[1]


SCREENS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture
def demo(transactional_db):
    load_regions("32.14", "13.03", "16.03", "33.11")
    call_command("load_demo", "--force", verbosity=0)


@pytest.fixture
def shots_dir() -> Path:
    folder = Path(os.environ.get("DESA100_SCREENSHOTS", "build/screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_the_main_pages_of_the_demo_open_and_fit_the_screen(live_server, browser, demo, shots_dir):
    too_wide = []  # one demo for both screens: loading it is most of this test's time
    for screen, user in ((screen, user) for screen in SCREENS for user in dict.fromkeys(e[0] for e in PAGES)):
        context = browser.new_context(viewport=SCREENS[screen], locale="id-ID")
        page = context.new_page()
        sign_in(page, live_server.url, user, PASSWORD)
        for _user, where, name, shows in (entry for entry in PAGES if entry[0] == user):
            path = where() if callable(where) else where  # a page of a demo object: its id is known now
            response = page.goto(live_server.url + path)
            assert response.status == 200, f"{user} {path}: {response.status}"
            assert shows in page.locator("main").inner_text(), f"{user} {path} does not show {shows!r}"
            if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
                too_wide.append(f"{screen}: {user} {path}")
            page.screenshot(path=shots_dir / f"{name}-{screen}.png")
        context.close()
    assert too_wide == []

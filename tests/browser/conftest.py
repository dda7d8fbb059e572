import os
import shutil

import pytest
from django.urls import reverse

from tests.factories import nik_for

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# Playwright's sync API runs an event loop in the test thread; the ORM calls our fixtures make there
# are still synchronous, so Django's guard against async-unsafe calls has nothing to protect here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def _screen(browser, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="id-ID")
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser):
    """A page the size of a cheap Android phone: 360 px wide."""
    yield from _screen(browser, 360, 740)


@pytest.fixture
def desktop(browser):
    """A page the size of an office computer's screen: 1280 px wide."""
    yield from _screen(browser, 1280, 900)


def type_worker(phone, n: int, name: str) -> None:
    """Fill the entry form for worker n (tests.factories.nik_for), a farmer with one heir, consenting."""
    phone.get_by_label("NIK").first.fill(nik_for(n))
    phone.get_by_label("Nama lengkap").fill(name)
    phone.locator("#id_occupation").select_option("petani")
    phone.get_by_label("Penghasilan per bulan (Rp)").fill("1000000")
    phone.locator("#id_heir_name").fill("Euis")
    phone.get_by_label("Pekerja menyatakan tidak sedang dirawat").check()
    phone.get_by_label("Pekerja setuju datanya diproses").check()


def sign_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(base_url + reverse("accounts:login"))
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()

import os

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("DESA100_SCREENSHOTS", "")


def password(page, url: str) -> None:
    page.goto(url + reverse("home"))
    page.get_by_label("Nama pengguna").fill("pejabat.purwakarta")
    page.get_by_label("Sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def test_an_official_turns_on_two_factor_sign_in_on_a_phone_and_signs_in_with_a_recovery_code(
    live_server, phone, official, settings
):
    settings.TWO_FACTOR_REQUIRED = True
    password(phone, live_server.url)

    phone.get_by_role("heading", name="Pasang verifikasi dua langkah").wait_for()
    assert phone.locator(".two-factor-qr svg").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    if SHOTS:
        phone.screenshot(path=f"{SHOTS}/two-factor-setup-phone.png", full_page=True)
    device = TOTPDevice.objects.get(user=official)
    phone.get_by_label("Kode yang ditampilkan aplikasi Anda").fill(f"{TOTP(device.bin_key).token():06d}")
    phone.get_by_role("button", name="Aktifkan").click()

    codes = phone.locator("[data-recovery-codes] li").all_inner_texts()
    assert len(codes) == 10
    if SHOTS:
        phone.screenshot(path=f"{SHOTS}/two-factor-codes-phone.png", full_page=True)
    phone.get_by_role("link", name="Sudah saya catat").click()
    assert phone.get_by_role("heading", name="Beranda").or_(phone.locator("main h1")).first.is_visible()

    phone.context.clear_cookies()
    password(phone, live_server.url)
    phone.get_by_role("heading", name="Kode masuk").wait_for()
    if SHOTS:
        phone.screenshot(path=f"{SHOTS}/two-factor-code-phone.png", full_page=True)
    phone.get_by_label("Kode").fill(codes[0])
    phone.get_by_role("button", name="Lanjut").click()

    assert "pemulihan" in phone.locator(".alert").first.inner_text()  # one recovery code fewer
    assert phone.url.rstrip("/") == live_server.url


def test_the_two_factor_page_on_a_desktop(live_server, desktop, official):
    password(desktop, live_server.url)
    desktop.goto(live_server.url + reverse("accounts:two_factor_account"))

    assert desktop.get_by_role("link", name="Pasang").is_visible()
    if SHOTS:
        desktop.screenshot(path=f"{SHOTS}/two-factor-account-desktop.png", full_page=True)
    desktop.get_by_role("link", name="Pasang").click()
    desktop.get_by_role("heading", name="Pasang verifikasi dua langkah").wait_for()
    if SHOTS:
        desktop.screenshot(path=f"{SHOTS}/two-factor-setup-desktop.png", full_page=True)

"""The weight of the enrollment page on a phone (issue 13): first load and each later entry.

    .venv/bin/python bench/page_weight.py       # needs `make run`'s demo database (db.sqlite3)

Collects the static files and serves the app with the production settings (gunicorn, whitenoise's
precompressed files, gzip for the pages) on 127.0.0.1:8011 over plain HTTP, signs in as the demo agent
in Debian's Chromium at 360 x 740 (service workers blocked, so the network sees everything), and
counts the bytes the Chrome DevTools protocol reports as transferred (headers and bodies, compressed):
the enrollment page with an empty cache (cold), again with the cache (warm), and one worker saved
with "Simpan dan tambah lagi" (request and answer). Latest figures: README.md and bench/README.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8011
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "page-weight-bench-only",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_SECURE_COOKIES": "false",
    "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{ROOT / 'db.sqlite3'}"),
}


class Transfers:
    """Bytes on the wire per request, from the DevTools protocol."""

    def __init__(self, cdp):
        self.sizes: dict[str, int] = {}
        self.urls: dict[str, str] = {}
        self.sent: dict[str, int] = {}
        cdp.on("Network.requestWillBeSent", self.request)
        cdp.on("Network.requestWillBeSentExtraInfo", self.request_headers)
        cdp.on("Network.loadingFinished", self.finished)

    def request(self, event):
        self.urls[event["requestId"]] = event["request"]["url"]
        body = event["request"].get("postData") or ""
        self.sent[event["requestId"]] = self.sent.get(event["requestId"], 0) + len(body.encode())

    def request_headers(self, event):
        text = "".join(f"{name}: {value}\r\n" for name, value in event["headers"].items())
        self.sent[event["requestId"]] = self.sent.get(event["requestId"], 0) + len(text.encode())

    def finished(self, event):
        self.sizes[event["requestId"]] = int(event["encodedDataLength"])

    def reset(self):
        self.sizes.clear(), self.urls.clear(), self.sent.clear()

    def report(self, label: str, with_request: bool = False) -> int:
        received = sum(self.sizes.values())
        sent = sum(self.sent.values()) if with_request else 0
        print(
            f"{label}: {(received + sent) / 1024:.1f} KB"
            + (f" ({sent} B sent, {received} B received)" if with_request else "")
        )
        for request_id, size in sorted(self.sizes.items(), key=lambda item: -item[1]):
            print(f"    {size / 1024:6.1f} KB  {self.urls.get(request_id, '?')}")
        return received + sent


def main() -> None:
    python = str(ROOT / ".venv/bin/python")
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=ENV, check=True)
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-b", f"127.0.0.1:{PORT}", "-w", "2", "config.wsgi"],
        cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(3)
    base = f"http://127.0.0.1:{PORT}"
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            context = browser.new_context(viewport={"width": 360, "height": 740}, service_workers="block")
            page = context.new_page()
            page.goto(base + "/accounts/login/")
            page.fill("#id_username", "agen.tanjungsari")
            page.fill("#id_password", "desa100-demo")
            page.click("main button[type=submit]")
            page.wait_for_load_state("networkidle")
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            transfers = Transfers(cdp)
            cdp.send("Network.clearBrowserCache")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            page.goto(base + "/enrollments/new/", wait_until="networkidle")
            cold = transfers.report("enrollment page, cold")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
            page.goto(base + "/enrollments/new/", wait_until="networkidle")
            transfers.reset()
            page.goto(base + "/enrollments/new/", wait_until="networkidle")
            transfers.report("enrollment page, warm")
            nik = f"32141615089{int(time.time()) % 100000:05d}"
            page.fill("#id_nik", nik)
            page.wait_for_load_state("networkidle")
            page.fill("#id_full_name", "Bench Page Weight")
            page.select_option("#id_occupation", "petani")
            page.fill("#id_monthly_income", "1000000")
            page.fill("#id_heir_name", "Euis")
            page.check("#id_not_hospitalised")
            page.check("#id_consent")
            transfers.reset()
            page.click("button[name=add_another]")
            page.wait_for_selector("#entry-messages .alert")
            page.wait_for_load_state("networkidle")
            entry = transfers.report("one entry saved (request and answer)", with_request=True)
            browser.close()
    finally:
        server.terminate()
    print(f"aims: cold <= 60 KB ({cold / 1024:.1f}), an entry <= 2 KB ({entry / 1024:.1f})")


if __name__ == "__main__":
    sys.exit(main())

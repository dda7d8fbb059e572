"""Village agents entering enrollments as fast as they can, "save and add another" each time, while
officials browse lists and pages.

Started by bench/enroll_load.py, which prepares the database, the agents (BENCH_AGENTS lists
username:quota_id pairs) and the officials (BENCH_OFFICIALS). Each simulated agent signs in and opens
the form once, then submits one new worker after another as the page does it: through htmx, each
answer being the saved message. Each official signs in and then opens, one after another, the pages
officials live on: the enrollment list (filtered and not), an enrollment, the review queue, the
campaign and its quota table. Loopback only.
"""

import itertools
import os
import random
import re
import time

from locust import FastHttpUser, task

AGENTS = [pair.split(":") for pair in os.environ["BENCH_AGENTS"].split(",")]
OFFICIALS = [name for name in os.environ.get("BENCH_OFFICIALS", "").split(",") if name]
CAMPAIGN = os.environ.get("BENCH_CAMPAIGN", "bench")
PASSWORD = os.environ["BENCH_PASSWORD"]
_agent_numbers = itertools.count()


_signed_in = itertools.count(1)


def signed_in(user) -> None:
    """Called at the end of each user's start: once the last has signed in and opened its first
    page, the timed window begins, so that fifty simultaneous password hashes are not counted as
    the app's throughput. enroll_load.py counts the enrollments saved after this moment, and
    locust's statistics start again from it."""
    if next(_signed_in) < len(AGENTS) + len(OFFICIALS):
        return
    user.environment.runner.stats.reset_all()
    if path := os.environ.get("BENCH_WINDOW_FILE"):
        with open(path, "w") as window:
            window.write(str(time.time()))


_serials = itertools.count(1)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def sign_in(client, username: str) -> None:
    page = client.get("/accounts/login/", name="login form")
    client.post(
        "/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": CSRF.search(page.text)[1]},
        name="login",
        allow_redirects=False,
    )


class VillageAgent(FastHttpUser):
    fixed_count = len(AGENTS)

    def on_start(self) -> None:
        self.number = next(_agent_numbers)
        self.username, self.quota = AGENTS[self.number % len(AGENTS)]
        sign_in(self.client, self.username)
        form = self.client.get(f"/enrollments/new/?quota={self.quota}", name="enrollment form")
        self.token = CSRF.search(form.text)[1]
        signed_in(self)

    @task
    def enroll(self) -> None:
        serial = next(_serials)
        # A unique, structurally valid NIK: district 32.14.16, a birth date in 1970-1999, serial 0001-9999.
        nik = f"3214{16 + serial // 9999 % 80:02d}{random.randint(1, 28):02d}{random.randint(1, 12):02d}{random.randint(70, 99):02d}{serial % 9999 + 1:04d}"
        with self.client.post(
            "/enrollments/new/",
            data={
                "csrfmiddlewaretoken": self.token,
                "quota": self.quota,
                "nik": nik,
                "full_name": f"Pekerja {serial}",
                "phone": "0812 3456 7890",
                "address": "Kp. Cibodas",
                "occupation": "petani",
                "monthly_income": "1500000",
                "heir_name": "Ahli Waris",
                "heir_relationship": "spouse",
                "not_hospitalised": "on",
                "consent": "on",
                "add_another": "1",
            },
            headers={"HX-Request": "true", "Referer": self.host},
            name="enrollment submit",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or "alert-success" not in response.text:
                response.failure(f"not saved: HTTP {response.status_code}")


_official_numbers = itertools.count()
ENROLLMENT_LINK = re.compile(r'href="/enrollments/(\d+)/"')
LATER_PAGE = re.compile(r'href="\?(before=\d+)"')  # the list's keyset link (?page= is not read)


class Official(FastHttpUser):
    fixed_count = len(OFFICIALS)

    def on_start(self) -> None:
        sign_in(self.client, OFFICIALS[next(_official_numbers) % len(OFFICIALS)])
        self.enrollment = None
        signed_in(self)

    def _page(self, url: str, name: str):
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            return response

    @task
    def browse(self) -> None:
        listing = self._page("/enrollments/", "official: enrollment list")
        self._page("/enrollments/?status=registered", "official: enrollment list, status filter")
        if later := LATER_PAGE.search(listing.text or ""):
            self._page(f"/enrollments/?{later[1]}", "official: enrollment list, a later page")
        found = ENROLLMENT_LINK.search(listing.text or "")
        if found:
            self._page(f"/enrollments/{found[1]}/", "official: enrollment detail")
        self._page("/enrollments/review/", "official: review queue")
        self._page(f"/campaigns/{CAMPAIGN}/", "official: campaign")
        self._page(f"/campaigns/{CAMPAIGN}/quotas/", "official: quota table")

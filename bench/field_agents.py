"""Village agents entering sign-ups over HTTP from threads, for the drills (failover_drill.py,
two_servers.py): each remembers what the server acknowledged, so that a drill can count what was
acknowledged and then lost. Lighter than locust and with the one thing locust does not keep: the NIK
of every acknowledged entry.

A client-side balancer stands in for the load balancer: an agent sends to its server and, when the
server does not answer (connection refused or reset), to the next one, as a load balancer that
checks /healthz would. An entry whose answer never came is not acknowledged: the agent types it
again (a second try of the same NIK finds it saved, or saves it).
"""

from __future__ import annotations

import itertools
import random
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import requests

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_serials = itertools.count(1)
_lock = threading.Lock()


def a_nik(serial: int) -> str:
    """A unique, structurally valid NIK of Kab. Purwakarta, born 1970-1999 (as bench/locustfile.py)."""
    return (
        f"3214{16 + serial // 9999 % 80:02d}{random.randint(1, 28):02d}"
        f"{random.randint(1, 12):02d}{random.randint(70, 99):02d}{serial % 9999 + 1:04d}"
    )


@dataclass
class Tally:
    acknowledged: dict[str, float] = field(default_factory=dict)  # NIK -> when the answer came
    failures: Counter = field(default_factory=Counter)
    served_by: Counter = field(default_factory=Counter)

    def ack(self, nik: str, host: str) -> None:
        with _lock:
            self.acknowledged[nik] = time.time()
            self.served_by[host] += 1

    def fail(self, reason: str) -> None:
        with _lock:
            self.failures[reason] += 1


class FieldAgent(threading.Thread):
    def __init__(
        self, username: str, password: str, quota: int, hosts: list[str], tally: Tally, stop: threading.Event
    ):
        super().__init__(daemon=True)
        self.username, self.password, self.quota = username, password, quota
        self.hosts, self.tally, self.stop = hosts, tally, stop
        self.turn = random.randrange(len(hosts))
        self.session = requests.Session()
        self.token = ""

    def host(self) -> str:
        return self.hosts[self.turn % len(self.hosts)]

    def _request(self, method: str, path: str, **kwargs) -> requests.Response:
        """The request on this agent's server, or the next one when it does not answer."""
        for _ in range(len(self.hosts)):
            try:
                return self.session.request(method, self.host() + path, timeout=15, **kwargs)
            except requests.ConnectionError:
                self.tally.fail("no answer: sent to the next server")
                self.turn += 1
        raise requests.ConnectionError("no server answers")

    def sign_in(self) -> None:
        page = self._request("GET", "/accounts/login/")
        self._request(
            "POST",
            "/accounts/login/",
            data={
                "username": self.username,
                "password": self.password,
                "csrfmiddlewaretoken": CSRF.search(page.text)[1],
            },
            headers={"Referer": self.host()},
        )
        form = self._request("GET", f"/enrollments/new/?quota={self.quota}")
        self.token = CSRF.search(form.text)[1]

    def enter(self, nik: str, serial: int) -> bool:
        try:
            response = self._request(
                "POST",
                "/enrollments/new/",
                data={
                    "csrfmiddlewaretoken": self.token, "quota": self.quota, "nik": nik,
                    "full_name": f"Pekerja {serial}", "phone": "0812 3456 7890", "address": "Kp. Cibodas",
                    "occupation": "petani", "monthly_income": "1500000", "heir_name": "Ahli Waris",
                    "heir_relationship": "spouse", "not_hospitalised": "on", "consent": "on", "add_another": "1",
                },
                headers={"HX-Request": "true", "Referer": self.host()},
            )  # fmt: skip
        except requests.RequestException as error:
            self.tally.fail(type(error).__name__)
            return False
        if response.status_code == 200 and (
            "alert-success" in response.text or "sudah terdaftar" in response.text
        ):
            self.tally.ack(nik, self.host())
            return True
        self.tally.fail(f"HTTP {response.status_code}")
        return False

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.sign_in()
                break
            except (requests.RequestException, TypeError):
                time.sleep(0.5)
        while not self.stop.is_set():
            serial = next(_serials)
            nik = a_nik(serial)
            while not self.stop.is_set() and not self.enter(nik, serial):
                time.sleep(0.2)  # the server or its database is away: type it again in a moment

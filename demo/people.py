"""Who the demo is about: its users, and fictional workers with names of their region and NIKs issued there."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from accounts.models import User

PASSWORD = "desa100-demo"

# username, name, role, region codes, superuser
USERS = [
    ("admin", "Admin Desa100", "", [], True),
    ("pejabat.jabar", "Disnaker Jawa Barat", User.Role.OFFICIAL, ["32"], False),
    ("pejabat.purwakarta", "Disnaker Purwakarta", User.Role.OFFICIAL, ["32.14"], False),
    ("pejabat.sijunjung", "DPMN Sijunjung", User.Role.OFFICIAL, ["13.03"], False),
    ("pejabat.muaraenim", "Disnaker Muara Enim", User.Role.OFFICIAL, ["16.03"], False),
    ("agen.tanjungsari", "Agen Tanjungsari", User.Role.AGENT, ["32.14.16.2005"], False),
    ("agen.krajan", "Agen Perisai Krajan", User.Role.AGENT, ["33.11.11.2004"], False),
]
REGIONS = ["32", "32.14", "13.03", "16.03", "33.11.11.2004"]

FIRST = {
    "sunda": [
        "Asep",
        "Ujang",
        "Dedi",
        "Euis",
        "Iis",
        "Cucu",
        "Neneng",
        "Dadang",
        "Yayat",
        "Entin",
        "Aep",
        "Enok",
    ],
    "minang": ["Rosmaini", "Yusnidar", "Syafril", "Zulkifli", "Nurhayati", "Afrizal", "Desmawati", "Erizal"],
    "jawa": ["Sutarno", "Suparmi", "Wagiman", "Sri", "Tukiyem", "Paidi", "Sumarni", "Joko", "Wartini"],
    "palembang": ["Kemas", "Nyimas", "Rusdi", "Yuliana", "Hendra", "Marlina", "Sapri", "Juwita"],
}
LAST = {
    "sunda": ["Saepudin", "Suryana", "Supriatna", "Rohaeti", "Komalasari", "Hidayat", "Sumarna"],
    "minang": ["Chaniago", "Piliang", "Tanjung", "Koto", "Sikumbang", "Caniago"],
    "jawa": ["Wibowo", "Lestari", "Rahayu", "Purnomo", "Sutrisno", "Handayani"],
    "palembang": ["Saputra", "Rahmawati", "Effendi", "Apriani", "Syahputra"],
}
FARMING = ["petani", "buruh_tani", "pedagang", "ojek", "buruh_harian", "tukang", "guru_ngaji", "nelayan"]
VILLAGE_SERVICE = ["rt_rw", "bpd", "bumdes", "linmas", "kader_posyandu", "kader_pkk", "perangkat_desa"]


@dataclass
class People:
    """Fictional workers of one district: names of the region, NIKs issued there."""

    district: str  # 32.14.16
    names: str
    serial: int = 0

    def next(self, rng: random.Random, today: dt.date) -> tuple[str, str, str]:
        self.serial += 1
        woman = rng.random() < 0.45
        born = dt.date(rng.randint(today.year - 60, today.year - 20), rng.randint(1, 12), rng.randint(1, 28))
        day = born.day + (40 if woman else 0)
        nik = f"{self.district.replace('.', '')}{day:02d}{born:%m%y}{self.serial:04d}"
        return nik, self.name(rng), "P" if woman else "L"

    def name(self, rng: random.Random) -> str:
        return f"{rng.choice(FIRST[self.names])} {rng.choice(LAST[self.names])}"

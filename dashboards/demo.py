"""Demo data that tells the real stories of ../shared/DOMAIN.md, so a newcomer signs in to a living
program: West Java's "1 Desa 100 Perlindungan" in Kab. Purwakarta, Sijunjung's "Satu Nagari 100
Pekerja Rentan", Muara Enim's three-month regency campaign of 2020, and Desa Krajan's own campaign.

The workers are fictional, with NIKs that pass the checks and whose prefix is their district. Every
write goes through the services the pages use (bulk entry, verify, activate, reject, cancel, monthly
payments, claims, sign-off), so the counters, history and dashboards agree as they would in use;
only the dates are moved back afterwards, to spread the entries over the campaign's months.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from campaigns.models import Campaign, FundingSource, Quota, add_months, month_of
from campaigns.services import quota_allocate
from coverage.claims import claim_decide, claim_record
from coverage.models import Contribution
from coverage.services import contributions_record_month
from dashboards.services import workforce_estimate_set
from enrollment.bulk import Entry, enrollment_register_many
from enrollment.models import Enrollment
from enrollment.services import enrollment_activate, enrollment_cancel, enrollment_reject, enrollment_verify
from imports.models import ImportBatch
from imports.services import import_check, import_commit, import_upload
from regions.models import Region
from reports.services import signoff_advance

PASSWORD = "desa100-demo"
PROVINCE_SLUG = "1-desa-100-perlindungan-2025-jawa-barat"

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


def load(stdout=None) -> dict[str, User]:
    """Create (or leave as they are) the users, campaigns and workers of the stories."""
    say = stdout.write if stdout else (lambda text: None)
    missing = [code for code in REGIONS if not Region.objects.filter(code=code).exists()]
    if missing:
        raise RuntimeError(f"regions {missing} are missing: run `manage.py import_regions` first")
    users = _users()
    if Campaign.objects.filter(slug=PROVINCE_SLUG).exists():
        say("The demo data is there already; the users' passwords are reset.\n")
        return users
    rng = random.Random(2025)
    # One transaction for the whole demo: each service call's own becomes a savepoint, and SQLite
    # writes its journal to disk once rather than at each of some 1,700 commits (31 s -> 24 s here).
    with transaction.atomic():
        _west_java(users, rng)
        _sijunjung(users, rng)
        _muara_enim(users, rng)
        _krajan(users, rng)
    return users


def _users() -> dict[str, User]:
    users = {}
    for username, name, role, codes, superuser in USERS:
        user, _created = User.objects.get_or_create(username=username)
        user.first_name, user.role, user.is_active = name, role, True
        user.is_superuser = user.is_staff = superuser
        user.set_password(PASSWORD)
        user.save()
        user.regions.set(Region.objects.filter(code__in=codes))
        users[username] = user
    return users


def _campaign(by: User, organizer: str, **fields) -> Campaign:
    return Campaign.objects.create(organizer=Region.objects.get(code=organizer), created_by=by, **fields)


def _open(campaign: Campaign, *, by: User) -> None:
    """Activated as the service does, dated a week before the campaign starts (not when the demo loads)."""
    campaign.activate(by=by)
    opened = timezone.make_aware(dt.datetime.combine(campaign.starts_on - dt.timedelta(days=7), dt.time(10)))
    Campaign.objects.filter(pk=campaign.pk).update(activated_at=opened)


def _enroll(campaign, by, village, people, rng, count, occupations, source=None, entered_on=None):
    """`count` workers signed up in `village` through the bulk entry service, entered on a day of the
    campaign (moved back after saving)."""
    today = timezone.localdate()
    entries = []
    for _n in range(count):
        nik, name, _sex = people.next(rng, today)
        entries.append(
            Entry(
                village=village,
                nik=nik,
                declaration={
                    "full_name": name,
                    "phone": f"+628{rng.randint(1100000000, 5999999999)}",
                    "address": f"RT {rng.randint(1, 9):02d}/RW {rng.randint(1, 6):02d}",
                    "occupation": rng.choice(occupations),
                    "monthly_income": rng.choice([800_000, 1_000_000, 1_200_000, 1_500_000, 2_000_000]),
                    "declared_not_hospitalised": True,
                },
                heir={"name": people.name(rng), "relationship": "spouse"},
                funding_source=source,
            )
        )
    with transaction.atomic():
        enrolled = [
            e
            for e in enrollment_register_many(
                campaign=campaign, entries=entries, entered_by=by, reserve_if_full=True
            )
            if e
        ]
    if entered_on:
        moment = timezone.make_aware(dt.datetime.combine(entered_on, dt.time(9, rng.randint(0, 59))))
        Enrollment.objects.filter(pk__in=[e.pk for e in enrolled]).update(
            entered_at=moment, consent_given_at=moment
        )
        # The entry's history says it was created when it was entered, not when the demo was loaded.
        Enrollment.history.filter(id__in=[e.pk for e in enrolled], history_type="+").update(
            history_date=moment, entered_at=moment, consent_given_at=moment
        )
    return enrolled


def _activate(enrollments, by, starts: dt.date, kpj_from: int) -> None:
    for n, enrollment in enumerate(enrollments):  # the service reads each afresh, under its lock
        enrollment_activate(
            enrollment=enrollment, by=by, kpj_number=f"{kpj_from + n:011d}", coverage_starts=starts
        )


def _jkm_paid(enrollment: Enrollment, died: dt.date, by: User) -> None:
    """The JKM death benefit, Rp 42,000,000, claimed with the usual documents and paid to the heir."""
    claim = claim_record(
        enrollment=enrollment,
        kind="jkm_death",
        event_on=died,
        amount=42_000_000,
        heir=enrollment.heirs.first(),
        documents=["death_certificate", "id_cards", "heir_letter", "membership_card"],
        by=by,
    )
    claim_decide(claim=claim, paid=True, by=by, on=died + dt.timedelta(days=21))


def open_a_year() -> dt.date:
    """An end date that keeps a demo campaign taking entries whenever the demo is loaded."""
    return max(dt.date(2026, 12, 31), timezone.localdate() + dt.timedelta(days=365))


def _pay(campaign, region, by, first: dt.date, last: dt.date) -> None:
    month = month_of(first)
    while month <= last:
        contributions_record_month(
            campaign=campaign, region=region, month=month, paid_on=month + dt.timedelta(days=9), by=by
        )
        month = add_months(month, 1)


def _west_java(users: dict[str, User], rng: random.Random) -> None:
    """Launched in Desa Tanjungsari on 21 November 2025: Rp 25 billion from the province for a million
    workers, 100 per desa; 19,200 slots in Purwakarta's 192 villages, 300 more paid by PT Taekwang's
    CSR; coverage of Purwakarta's informal workers from about 65% to 70%."""
    today = timezone.localdate()
    province, regency = users["pejabat.jabar"], users["pejabat.purwakarta"]
    launch = dt.date(2025, 11, 21)
    campaign = _campaign(
        province,
        "32",
        name="1 Desa 100 Perlindungan 2025 — Jawa Barat",
        slug=PROVINCE_SLUG,
        description="Perlindungan JKK dan JKM bagi pekerja informal, 100 orang per desa.",
        starts_on=launch,
        ends_on=open_a_year(),
        budget=25_000_000_000,
    )
    apbd = FundingSource.objects.create(
        campaign=campaign, name="APBD Provinsi Jawa Barat 2025", kind=FundingSource.Kind.APBD_PROVINCE,
        amount=25_000_000_000, workers=1_000_000,
    )  # fmt: skip
    csr = FundingSource.objects.create(
        campaign=campaign, name="CSR PT Taekwang", kind=FundingSource.Kind.CSR, workers=300
    )
    quota_allocate(campaign=campaign, user=province, region=Region.objects.get(code="32.14"), target=100)
    _open(campaign, by=province)
    # Workers already covered before the campaign: 40 a village, 52 in Tanjungsari.
    Quota.objects.filter(campaign=campaign).update(baseline=40)
    Quota.objects.filter(campaign=campaign, village__code="32.14.16.2005").update(baseline=52)
    baseline = 191 * 40 + 52
    workforce = round(baseline / 0.65)  # 65% covered before
    workforce_estimate_set(
        region=Region.objects.get(code="32.14"),
        informal_workers=workforce,
        source="BPS Sakernas 2025",
        by=regency,
    )
    tanjungsari = Region.objects.get(code="32.14.16.2005")
    pondoksalam = People("32.14.16", "sunda")
    # The launch: 17 workers of Tanjungsari enrolled on the day, active from December.
    launched = _enroll(
        campaign, users["agen.tanjungsari"], tanjungsari, pondoksalam, rng, 17, FARMING, apbd, launch
    )
    _activate(launched, regency, dt.date(2025, 12, 1), 25_011_000_001)
    # Then village by village over the year: enough active workers to reach about 70%.
    wanted_active = round(workforce * 0.70) - baseline - len(launched)
    villages = list(
        Region.objects.filter(code__startswith="32.14.", level=Region.Level.VILLAGE)
        .exclude(pk=tanjungsari.pk)
        .order_by("code")
    )[::4]
    people: dict[str, People] = {}
    active: list[Enrollment] = []
    kpj = 25_012_000_001
    for index, village in enumerate(villages):
        district = village.code[:8]
        people.setdefault(district, People(district, "sunda"))
        entered = launch + dt.timedelta(days=14 + (index * 7) % 300)
        if entered >= today:
            entered = today - dt.timedelta(days=3)
        source = csr if index % 8 == 0 else apbd
        if index == 1:  # a village of 15 slots: its last sign-ups wait on the reserve list
            Quota.objects.filter(campaign=campaign, village=village).update(target=15)
        batch = _enroll(campaign, regency, village, people[district], rng, 20, FARMING, source, entered)
        batch = [e for e in batch if e.status == Enrollment.Status.REGISTERED]  # reserves wait
        starts = add_months(month_of(entered), 1)  # cover from the month after the sign-up
        take = min(len(batch) - 6, max(0, wanted_active - len(active)))
        _activate(batch[:take], regency, starts, kpj)
        kpj += take
        active += batch[:take]
        rest = batch[take:]
        for enrollment in rest[:2]:
            enrollment_verify(enrollment=enrollment, by=regency)
        if len(rest) > 3:
            enrollment_reject(enrollment=rest[3], by=regency, reason="NIK tidak sesuai KTP")
        if len(rest) > 4:
            enrollment_cancel(enrollment=rest[4], by=regency, reason="Pindah domisili")
    # Tanjungsari's own sign-ups since, and its reserve list once its 100 slots are taken.
    agent = users["agen.tanjungsari"]
    _enroll(campaign, agent, tanjungsari, pondoksalam, rng, 8, FARMING, apbd, today - dt.timedelta(days=2))
    _enroll(campaign, agent, tanjungsari, pondoksalam, rng, 4, FARMING, apbd)  # this morning's
    _musdes_import(campaign, regency)
    # Contributions, month by month, paid by the province; Kec. Campaka (32.14.02) paid only until
    # four months ago (its workers have lapsed), Kec. Jatiluhur (32.14.03) until two months ago.
    last_month = add_months(month_of(today), -1)
    for paying in Region.objects.filter(code__startswith="32.14.", level=Region.Level.DISTRICT):
        stop = {"32.14.02": add_months(last_month, -4), "32.14.03": add_months(last_month, -2)}.get(
            paying.code, last_month
        )
        _pay(campaign, paying, regency, dt.date(2025, 12, 1), stop)
    # The first village's list: signed by the village head, approved by the district and by the
    # regency. (Not Tanjungsari's: a signed list is closed to its agent, who would find no way in.)
    # Its district has no official of its own: the province's approves for it, since whoever typed
    # in the village head's signature may not approve it too.
    quota = Quota.objects.get(campaign=campaign, village=villages[0])
    signoff_advance(
        quota=quota, by=regency, village_head="H. Dedi Supriadi", signed_on=today - dt.timedelta(days=20)
    )
    signoff_advance(quota=Quota.objects.get(pk=quota.pk), by=province)
    signoff_advance(quota=Quota.objects.get(pk=quota.pk), by=regency)
    # A JKM claim: a launch worker died in the spring; the heir was paid Rp 42,000,000.
    deceased = Enrollment.objects.get(pk=launched[0].pk)
    _jkm_paid(deceased, dt.date(2026, 4, 12), regency)
    # An overlap: Purwakarta's own regency programme also covers one of the province's workers.
    _overlap(users, active[0])


def _musdes_import(campaign: Campaign, regency: User) -> None:
    """Desa Salammulya's village meeting list, imported by the regency: checked (a NIK typed twice, one
    too short), then its ten good rows saved. Its problems stay on the import's page."""
    people = People("32.14.16", "sunda", serial=500)  # serials clear of Tanjungsari's workers
    rng = random.Random(500)  # its own draws: the stories after it keep theirs
    rows = []
    for _n in range(10):
        nik, name, _sex = people.next(rng, timezone.localdate())
        rows.append(f"{nik};{name};32.14.16.2006;{rng.choice(['Petani', 'Buruh tani', 'Pedagang'])}")
    rows += [rows[0].replace(rows[0].split(";")[1], "Ganda"), "32141612345;Salah Ketik;32.14.16.2006;Petani"]
    data = ("nik;nama;kode_desa;pekerjaan\n" + "\n".join(rows) + "\n").encode()
    batch = import_upload(
        kind=ImportBatch.Kind.SIGNUPS,
        campaign=campaign,
        data=data,
        file_name="musdes-salammulya.csv",
        by=regency,
    )
    import_commit(import_check(batch), by=regency)


def _overlap(users, worker_enrollment: Enrollment) -> None:
    regency = users["pejabat.purwakarta"]
    today = timezone.localdate()
    campaign = _campaign(
        regency,
        "32.14",
        name="Perlindungan Pekerja Rentan Purwakarta 2026",
        slug="pekerja-rentan-purwakarta-2026",
        starts_on=dt.date(2026, 1, 1),
        ends_on=max(dt.date(2026, 12, 31), today + dt.timedelta(days=30)),
        budget=300_000_000,
    )
    FundingSource.objects.create(
        campaign=campaign, name="APBD Kabupaten Purwakarta 2026", kind=FundingSource.Kind.APBD_REGENCY
    )
    village = worker_enrollment.village
    quota_allocate(campaign=campaign, user=regency, region=village, target=50)
    _open(campaign, by=regency)
    with transaction.atomic():
        enrollment_register_many(
            campaign=campaign,
            entries=[Entry(village=village, nik=worker_enrollment.worker.nik or "", declaration={
                "full_name": worker_enrollment.full_name, "occupation": worker_enrollment.occupation,
                "monthly_income": worker_enrollment.monthly_income, "declared_not_hospitalised": True,
            })],
            entered_by=regency,
            reserve_if_full=False,
        )  # fmt: skip


def _sijunjung(users, rng) -> None:
    """Satu Nagari 100 Pekerja Rentan, 2023: each nagari pays from its own budget (APB Nagari);
    30,000 vulnerable workers targeted of 48,838, across 61 nagari."""
    official = users["pejabat.sijunjung"]
    campaign = _campaign(
        official,
        "13.03",
        name="Satu Nagari 100 Pekerja Rentan — Sijunjung",
        slug="satu-nagari-100-pekerja-rentan-sijunjung",
        description="Iuran dibayar dari APB Nagari masing-masing.",
        starts_on=dt.date(2023, 1, 1),
        ends_on=open_a_year(),
        budget=30_000 * 16_800 * 12,
    )
    source = FundingSource.objects.create(
        campaign=campaign, name="APB Nagari", kind=FundingSource.Kind.VILLAGE, workers=30_000
    )
    nagari = list(
        Region.objects.filter(code__startswith="13.03.", level=Region.Level.VILLAGE).order_by("code")[:61]
    )
    Quota.objects.bulk_create(
        [
            Quota(campaign=campaign, village=village, target=492 if n < 60 else 480)
            for n, village in enumerate(nagari)
        ]
    )  # 60 x 492 + 480 = 30,000
    _open(campaign, by=official)
    workforce_estimate_set(
        region=Region.objects.get(code="13.03"),
        informal_workers=48_838,
        source="Pendataan DPMN 2023",
        by=official,
    )
    for n, village in enumerate(nagari[:12]):
        entered = dt.date(2026, 1, 10) + dt.timedelta(days=9 * n)
        enrolled = _enroll(
            campaign, official, village, People(village.code[:8], "minang"), rng, 25, FARMING, source, entered
        )
        starts = add_months(month_of(entered), 1)
        _activate(enrolled[:20], official, starts, 13_030_000_001 + 100 * n)
        # Each nagari pays its own workers month by month; the last one stopped paying in the summer.
        last = add_months(month_of(timezone.localdate()), -1 if n < 11 else -4)
        _pay(campaign, village, official, starts, last)


def _muara_enim(users, rng) -> None:
    """Kab. Muara Enim paid JKK and JKM for 100 workers for three months, October to December 2020."""
    official = users["pejabat.muaraenim"]
    today = timezone.localdate()
    campaign = _campaign(
        official,
        "16.03",
        name="Perlindungan Pekerja Rentan Muara Enim 2020",
        slug="pekerja-rentan-muara-enim-2020",
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=90),
        coverage_months=3,
        budget=100 * 16_800 * 3,
    )
    source = FundingSource.objects.create(
        campaign=campaign,
        name="APBD Kabupaten Muara Enim 2020",
        kind=FundingSource.Kind.APBD_REGENCY,
        workers=100,
    )
    villages = list(
        Region.objects.filter(code__startswith="16.03.02.", level=Region.Level.VILLAGE).order_by("code")[:5]
    )
    for village in villages:
        Quota.objects.create(campaign=campaign, village=village, target=20)
    _open(campaign, by=official)
    people = People("16.03.02", "palembang")  # one for the district: its NIK serials run on
    enrolled = []
    for village in villages:
        enrolled += _enroll(campaign, official, village, people, rng, 20, FARMING, source)
    _activate(enrolled, official, today, 16_030_000_001)
    # The campaign ran in 2020: move its dates back, then close it.
    shift = today - dt.date(2020, 9, 21)
    started = dt.date(2020, 10, 1)
    Campaign.objects.filter(pk=campaign.pk).update(
        starts_on=started, ends_on=dt.date(2020, 12, 31), activated_at=F("activated_at") - shift
    )
    months = [started, add_months(started, 1), add_months(started, 2)]
    Enrollment.objects.filter(campaign=campaign).update(
        entered_at=F("entered_at") - shift, consent_given_at=F("consent_given_at") - shift,
        verified_at=F("verified_at") - shift, activated_at=F("activated_at") - shift,
        coverage_starts=started, coverage_ends=add_months(started, 3), paid_through=months[-1],
    )  # fmt: skip
    # The three months, paid by the regency each month (recorded as they were, in 2020).
    Contribution.objects.bulk_create(
        Contribution(
            enrollment=enrollment,
            month=month,
            amount=16_800,
            funding_source=source,
            paid_on=month + dt.timedelta(days=9),
            recorded_by=official,
        )
        for enrollment in enrolled
        for month in months
    )
    Campaign.objects.get(pk=campaign.pk).close(by=official)
    closed = timezone.make_aware(dt.datetime(2021, 1, 5, 10))
    Campaign.objects.filter(pk=campaign.pk).update(closed_at=closed)


def _krajan(users, rng) -> None:
    """Desa Krajan, Kec. Gatak, Sukoharjo: the village's own campaign, a target of 1,000, 350 registered
    through its agen Perisai, among them RT/RW heads, BPD, BUMDes, Linmas, Posyandu and PKK cadres;
    two JKM claims paid, Rp 84,000,000 in all."""
    agent = users["agen.krajan"]
    village = Region.objects.get(code="33.11.11.2004")
    official = users["admin"]
    campaign = _campaign(
        official,
        "33.11.11.2004",
        name="Desa Krajan Terlindungi",
        slug="desa-krajan-terlindungi",
        description="Program desa: perangkat, kader dan pekerja rentan Desa Krajan.",
        starts_on=dt.date(2025, 7, 1),
        ends_on=open_a_year(),
        budget=1_000 * 16_800 * 12,
    )
    source = FundingSource.objects.create(
        campaign=campaign, name="APB Desa Krajan", kind=FundingSource.Kind.VILLAGE, workers=1_000
    )
    Quota.objects.create(campaign=campaign, village=village, target=1_000)
    _open(campaign, by=official)
    people = People("33.11.11", "jawa")
    enrolled = []
    for month in range(7):
        enrolled += _enroll(
            campaign, agent, village, people, rng, 50, VILLAGE_SERVICE + FARMING, source, dt.date(2025, 7, 5) + dt.timedelta(days=30 * month)
        )  # fmt: skip
    _activate(enrolled[:300], official, dt.date(2026, 2, 1), 33_110_000_001)
    _pay(campaign, village, official, dt.date(2026, 2, 1), add_months(month_of(timezone.localdate()), -1))
    for enrollment, died in ((enrolled[3], dt.date(2026, 6, 2)), (enrolled[40], dt.date(2026, 9, 18))):
        _jkm_paid(Enrollment.objects.get(pk=enrollment.pk), died, official)

"""The real stories of ../shared/DOMAIN.md, one function each."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from billing.bills import bills_issue
from billing.models import BillLine, Payer, Payment
from billing.services import payment_record
from campaigns.models import Campaign, FundingSource, Quota, add_months, month_of
from campaigns.services import quota_allocate
from coverage.models import Contribution
from dashboards.services import workforce_estimate_set
from enrollment.bulk import Entry, enrollment_register_many
from enrollment.models import Enrollment
from enrollment.services import enrollment_cancel, enrollment_reject, enrollment_verify
from imports import registered
from imports.models import ImportBatch
from imports.services import import_check, import_commit, import_upload
from regions.models import Region
from reports.services import signoff_advance

from .build import activate, enroll, jkm_paid, new_campaign, open_a_year, open_campaign, pay
from .people import FARMING, VILLAGE_SERVICE, People

PROVINCE_SLUG = "1-desa-100-perlindungan-2025-jawa-barat"


def west_java(users: dict[str, User], rng: random.Random) -> None:
    """Launched in Desa Tanjungsari on 21 November 2025: Rp 25 billion from the province for a million
    workers, 100 per desa; 19,200 slots in Purwakarta's 192 villages, 300 more paid by PT Taekwang's
    CSR; coverage of Purwakarta's informal workers from about 65% to 70%."""
    today = timezone.localdate()
    province, regency = users["pejabat.jabar"], users["pejabat.purwakarta"]
    launch = dt.date(2025, 11, 21)
    campaign = new_campaign(
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
    open_campaign(campaign, by=province)
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
    launched = enroll(
        campaign, users["agen.tanjungsari"], tanjungsari, pondoksalam, rng, 17, FARMING, apbd, launch
    )
    activate(launched, regency, dt.date(2025, 12, 1), 25_011_000_001)
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
        batch = enroll(campaign, regency, village, people[district], rng, 20, FARMING, source, entered)
        batch = [e for e in batch if e.status == Enrollment.Status.REGISTERED]  # reserves wait
        starts = add_months(month_of(entered), 1)  # cover from the month after the sign-up
        take = min(len(batch) - 6, max(0, wanted_active - len(active)))
        activate(batch[:take], regency, starts, kpj)
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
    enroll(campaign, agent, tanjungsari, pondoksalam, rng, 8, FARMING, apbd, today - dt.timedelta(days=2))
    enroll(campaign, agent, tanjungsari, pondoksalam, rng, 4, FARMING, apbd)  # this morning's
    musdes_import(campaign, regency)
    # Contributions, month by month, paid by the province; Kec. Campaka (32.14.02) paid only until
    # four months ago (its workers have lapsed), Kec. Jatiluhur (32.14.03) until two months ago.
    # PT Taekwang (CSR) pays its own workers; its last two months came in one transfer, split by the
    # bills (oldest first) over both.
    last_month = add_months(month_of(today), -1)
    for paying in Region.objects.filter(code__startswith="32.14.", level=Region.Level.DISTRICT):
        stop = {"32.14.02": add_months(last_month, -4), "32.14.03": add_months(last_month, -2)}.get(
            paying.code, last_month
        )
        pay(campaign, paying, regency, dt.date(2025, 12, 1), stop, kinds=(Payer.Kind.REGION,))
        pay(
            campaign,
            paying,
            regency,
            dt.date(2025, 12, 1),
            add_months(last_month, -2),
            kinds=(Payer.Kind.COMPANY,),
        )
    csr_two_months(campaign, province, last_month)  # the payer belongs to the organizer's area
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
    jkm_paid(deceased, dt.date(2026, 4, 12), regency)
    # An overlap: Purwakarta's own regency programme also covers one of the province's workers.
    overlap(users, active[0])


def musdes_import(campaign: Campaign, regency: User) -> None:
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


def csr_two_months(campaign: Campaign, by: User, last_month: dt.date) -> None:
    """The company's bills of the two months before this one, paid with one transfer."""
    for month in (add_months(last_month, -1), last_month):
        bills_issue(month=month, campaigns=Campaign.objects.filter(pk=campaign.pk), by=by)
    company = Payer.objects.get(campaign=campaign, kind=Payer.Kind.COMPANY)
    owed = sum(BillLine.objects.filter(bill__payer=company).open().values_list("amount", flat=True))
    payment_record(
        payer=company, channel=Payment.Channel.TRANSFER, reference=f"TKW-{last_month:%Y%m}-0001",
        amount=owed, paid_on=last_month + dt.timedelta(days=12), by=by,
    )  # fmt: skip


def overlap(users, worker_enrollment: Enrollment) -> None:
    regency = users["pejabat.purwakarta"]
    today = timezone.localdate()
    campaign = new_campaign(
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
    open_campaign(campaign, by=regency)
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


def sijunjung(users, rng) -> None:
    """Satu Nagari 100 Pekerja Rentan, 2023: each nagari pays from its own budget (APB Nagari);
    30,000 vulnerable workers targeted of 48,838, across 61 nagari."""
    official = users["pejabat.sijunjung"]
    campaign = new_campaign(
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
    open_campaign(campaign, by=official)
    workforce_estimate_set(
        region=Region.objects.get(code="13.03"),
        informal_workers=48_838,
        source="Pendataan DPMN 2023",
        by=official,
    )
    for n, village in enumerate(nagari[:12]):
        entered = dt.date(2026, 1, 10) + dt.timedelta(days=9 * n)
        enrolled = enroll(
            campaign, official, village, People(village.code[:8], "minang"), rng, 25, FARMING, source, entered
        )
        starts = add_months(month_of(entered), 1)
        activate(enrolled[:20], official, starts, 13_030_000_001 + 100 * n)
        # Each nagari pays its own workers month by month (the last one stopped three months ago);
        # the last two months are billed below.
        last = add_months(month_of(timezone.localdate()), -2 if n < 11 else -3)
        pay(campaign, village, official, starts, last)
    nagari_bills(campaign, official, nagari[:12])


def nagari_bills(campaign: Campaign, official: User, nagari: list[Region]) -> None:
    """Last month's and this month's bills, one per nagari. Nine paid last month's before it was due,
    one ten days late; two have not paid, and the workers of the one silent longest lapse at the end
    of this month unless it pays."""
    this_month = month_of(timezone.localdate())
    last_month = add_months(this_month, -1)
    bills = [
        bill
        for month in (last_month, this_month)
        for bill in bills_issue(month=month, campaigns=Campaign.objects.filter(pk=campaign.pk), by=official)
    ]
    # Nine paid before the due date: the official matched Bank Nagari's statement to their bills (a
    # tenth row, a transfer for something else, stays unmatched). The tenth paid ten days late, at
    # the teller, recorded by hand.
    rows = ["Tanggal;Keterangan;No. Referensi;Kredit"]
    for n, village in enumerate(nagari[:9]):
        bill = next(b for b in bills if b.month == last_month and b.payer.region_id == village.pk)
        paid_on = bill.due_on - dt.timedelta(days=3)
        rows.append(
            f"{paid_on:%d/%m/%Y};SETORAN IURAN BPU {bill.number};BN-{last_month:%Y%m}-{n + 1:04d};{bill.total}"
        )
    rows.append(
        f"{last_month.replace(day=20):%d/%m/%Y};TRANSFER MASUK DARI KOPERASI;BN-{last_month:%Y%m}-9001;250000"
    )
    statement = import_upload(
        kind=ImportBatch.Kind.STATEMENT, campaign=campaign, data="\n".join(rows).encode(),
        file_name=f"rekening-bank-nagari-{last_month:%Y-%m}.csv", by=official,
        region=Region.objects.get(code="13.03"),
    )  # fmt: skip
    registered.commit(registered.check(statement), by=official)
    late = next(b for b in bills if b.month == last_month and b.payer.region_id == nagari[9].pk)
    payment_record(
        payer=late.payer, channel=Payment.Channel.TELLER, reference=f"BN-{last_month:%Y%m}-0010",
        amount=late.total, paid_on=late.due_on + dt.timedelta(days=10), by=official,
    )  # fmt: skip


def muara_enim(users, rng) -> None:
    """Kab. Muara Enim paid JKK and JKM for 100 workers for three months, October to December 2020."""
    official = users["pejabat.muaraenim"]
    today = timezone.localdate()
    campaign = new_campaign(
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
    open_campaign(campaign, by=official)
    people = People("16.03.02", "palembang")  # one for the district: its NIK serials run on
    enrolled = []
    for village in villages:
        enrolled += enroll(campaign, official, village, people, rng, 20, FARMING, source)
    activate(enrolled, official, today, 16_030_000_001)
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


def krajan(users, rng) -> None:
    """Desa Krajan, Kec. Gatak, Sukoharjo: the village's own campaign, a target of 1,000, 350 registered
    through its agen Perisai, among them RT/RW heads, BPD, BUMDes, Linmas, Posyandu and PKK cadres;
    two JKM claims paid, Rp 84,000,000 in all."""
    agent = users["agen.krajan"]
    village = Region.objects.get(code="33.11.11.2004")
    official = users["admin"]
    campaign = new_campaign(
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
    open_campaign(campaign, by=official)
    people = People("33.11.11", "jawa")
    enrolled = []
    for month in range(7):
        enrolled += enroll(
            campaign, agent, village, people, rng, 50, VILLAGE_SERVICE + FARMING, source, dt.date(2025, 7, 5) + dt.timedelta(days=30 * month)
        )  # fmt: skip
    activate(enrolled[:300], official, dt.date(2026, 2, 1), 33_110_000_001)
    pay(campaign, village, official, dt.date(2026, 2, 1), add_months(month_of(timezone.localdate()), -1))
    for enrollment, died in ((enrolled[3], dt.date(2026, 6, 2)), (enrolled[40], dt.date(2026, 9, 18))):
        jkm_paid(Enrollment.objects.get(pk=enrollment.pk), died, official)

"""The demo's target lists: Sijunjung's DTSEN round for its nagari (how much of desil 1-4 the campaign
covers), and Desa Tanjungsari's list that its agent works through on the phone.

The lists come in as files through the import pages' code (target_list_upload, then the dry run and
the confirmation), so the demo's lists are read exactly as an official's would be.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from accounts.models import User
from campaigns.models import Campaign, Strictness
from enrollment.models import Enrollment
from enrollment.services import enrollment_register
from imports import registered
from imports.models import ImportBatch
from regions.models import Region
from targeting.duplicates import find_near_duplicates
from targeting.models import TargetList, TargetPerson
from targeting.preview import eligibility_count
from targeting.services import target_list_upload, visit_record

from .people import People

HEADER = "NIK;No KK;Desil;Nama;Jenis Kelamin;Kode Desa;RT;RW"


def _row(nik: str, kk: str, desil: int, name: str, sex: str, village: str, rng: random.Random) -> str:
    return f"{nik};{kk};{desil};{name};{sex};{village};{rng.randint(1, 9):03d};{rng.randint(1, 5):03d}"


def _households(village: Region, people: People, rng: random.Random, count: int, desils: range) -> list[str]:
    """`count` people of the village in households of one to three, each household one decile."""
    rows: list[str] = []
    today = timezone.localdate()
    while len(rows) < count:
        kk = f"{village.code[:8].replace('.', '')}{rng.randint(10, 28):02d}{rng.randint(1, 12):02d}{rng.randint(10, 24)}{rng.randint(1, 9999):04d}"
        desil = rng.choice(desils)
        for _member in range(rng.randint(1, 3)):
            nik, name, sex = people.next(rng, today)
            chance = rng.random()
            if chance < 0.06:  # born in 1955: past most campaigns' age limit
                nik = f"{nik[:10]}55{nik[12:]}"
            elif chance < 0.12:  # moved in: a NIK issued by another district
                nik = f"{'130302' if nik.startswith('130301') else '130301'}{nik[6:]}"
            rows.append(_row(nik, kk, desil, name, sex, village.code, rng))
    return rows[:count]


def _enrolled_rows(village: Region, rng: random.Random, count: int, desils: range) -> list[str]:
    """Some of the village's enrolled workers, on the list as DTSEN would name them."""
    rows = []
    enrolled = Enrollment.objects.filter(village=village).select_related("worker").order_by("pk")[:count]
    for enrollment in enrolled:
        worker = enrollment.worker
        if not worker.nik:
            continue  # erased
        kk = f"{worker.nik[:6]}{rng.randint(100000, 999999)}{rng.randint(1000, 9999)}"
        rows.append(
            _row(worker.nik, kk, rng.choice(desils), enrollment.full_name, worker.sex, village.code, rng)
        )
    return rows


def _confirm(area: str, by: User, rows: list[str], **handover) -> TargetList:
    target_list = target_list_upload(
        target_list=TargetList(region=Region.objects.get(code=area), **handover),
        data=("\n".join([HEADER, *rows]) + "\n").encode(),
        file_name=f"desil-{area}.csv",
        by=by,
    )
    batch = ImportBatch.objects.get(pk=target_list.batch_id)
    registered.check(batch)
    registered.commit(batch, by=by)
    target_list.refresh_from_db()
    return target_list


def sijunjung_dtsen(users: dict[str, User], rng: random.Random) -> None:
    """DTSEN's third-quarter round for Kab. Sijunjung, handed over by the social affairs office: the
    first twelve nagari (those enrolling), with their enrolled workers among desil 1-4 and many more
    still to reach."""
    rows: list[str] = []
    nagari = Region.objects.filter(code__startswith="13.03.", level=Region.Level.VILLAGE).order_by("code")
    for n, village in enumerate(nagari[:12]):
        people = People(village.code[:8], "minang", serial=5000 + 70 * n)  # after the enrolled workers'
        rows += _enrolled_rows(village, rng, 8, range(1, 5))
        rows += _households(village, people, rng, 60, range(1, 11))
    campaign = Campaign.objects.get(slug="satu-nagari-100-pekerja-rentan-sijunjung")
    campaign.desil_rule, campaign.max_desil, campaign.target_rule = Strictness.WARN, 4, Strictness.WARN
    campaign.save(update_fields=["desil_rule", "max_desil", "target_rule"])
    _confirm(
        "13.03", users["pejabat.sijunjung"], rows,
        source=TargetList.Source.DTSEN, round="DTSEN triwulan III 2026",
        given_by="Dinas Sosial Kab. Sijunjung", given_on=timezone.localdate() - dt.timedelta(days=20),
        document_number="BA/045/DINSOS-SJJ/2026",
    )  # fmt: skip
    eligibility_count(campaign)  # the preview ready when the demo opens (a worker counts it later on)


def tanjungsari_worklist(users: dict[str, User], rng: random.Random) -> None:
    """Desa Tanjungsari's list from its village meeting (musdes) and DTSEN: some already enrolled, the
    rest on the agent's worklist; one of them, the agent found, moved away."""
    village = Region.objects.get(code="32.14.16.2005")
    rows = _enrolled_rows(village, rng, 10, range(1, 5))
    rows += _households(village, People("32.14.16", "sunda", serial=6000), rng, 24, range(1, 7))
    _confirm(
        village.code, users["pejabat.purwakarta"], rows,
        source=TargetList.Source.MUSDES, round="Musdes Tanjungsari 2026",
        given_by="Pemerintah Desa Tanjungsari", given_on=timezone.localdate() - dt.timedelta(days=10),
        document_number="BA-MUSDES/07/2026",
    )  # fmt: skip
    agent = users["agen.tanjungsari"]
    moved = TargetPerson.objects.for_user(agent).worklist().last()
    if moved:
        visit_record(person=moved, outcome="moved", reason="Pindah kerja ke Batam sejak Agustus", by=agent)


def twice_entered(users: dict[str, User]) -> None:
    """Two people entered twice under a mistyped NIK, waiting for an official's review: in Tanjungsari
    an agent swapped two digits of a worker already enrolled by the province's campaign; in a
    Sijunjung nagari a worker's serial was typed one digit off in the village's own list."""
    for code, official in (("32.14.16.2005", "pejabat.purwakarta"), ("13.03", "pejabat.sijunjung")):
        first = (
            Enrollment.objects.filter(village__code__startswith=code, status=Enrollment.Status.REGISTERED)
            .select_related("worker", "campaign", "village")
            .order_by("pk")
            .first()
        )
        if first is None:
            continue
        nik = first.worker.nik or ""
        typo = (
            f"{nik[:-2]}{nik[-1]}{nik[-2]}" if nik[-1] != nik[-2] else f"{nik[:-1]}{(int(nik[-1]) + 1) % 10}"
        )
        other = (
            Campaign.objects.filter(status=Campaign.Status.ACTIVE, quotas__village=first.village)
            .exclude(pk=first.campaign_id)
            .first()
        )
        enrollment_register(
            campaign=other or first.campaign, village=first.village, nik=typo,
            declaration={name: getattr(first, name) for name in Enrollment.DECLARED},
            heirs=[], funding_source=None, entered_by=users[official],
        )  # fmt: skip
    find_near_duplicates()

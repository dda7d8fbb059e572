"""The URL walk's world (tests/test_url_walk.py): two regencies, each with its officials, agent,
campaign, entries, claim and import; a provincial campaign over both; and the database compared
before and after each request."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.base import ContentFile

from accounts.models import User
from billing.bills import bills_issue
from billing.models import Bill, BillLine, Message, Payer, PayerChange, PayerContact, Payment, Settlement
from campaigns.models import Campaign, FundingSource, Quota, month_of
from coverage.models import Claim, Contribution
from dashboards.models import WorkforceEstimate
from enrollment.models import Enrollment, Erasure, Heir, Worker
from enrollment.services import enrollment_activate, enrollment_register
from imports import registered
from imports.models import ImportBatch
from imports.services import import_check, import_upload
from regions.models import Region
from reports.models import BranchLayout, ExportLog, SignoffStep
from targeting.models import NearDuplicate, TargetList, TargetPerson, Visit
from targeting.services import target_list_upload
from tests.factories import (
    TODAY,
    AdminFactory,
    AgentFactory,
    CampaignFactory,
    OfficialFactory,
    declaration,
    quota,
)

IN, OUT = "32.14", "32.15"  # the world's two regencies: Purwakarta and Karawang
SHARED = "32"  # a provincial campaign with a quota in each: visible to everyone, changed by no regency
VILLAGE = {IN: "32.14.16.2005", OUT: "32.15.01.1001"}


@dataclass
class World:
    users: dict[str, User | None]
    campaign: dict[str, Campaign]
    next_campaign: Campaign
    quota: dict[str, Quota]
    shared_quota: dict[str, Quota]
    enrollment: dict[str, Enrollment]
    active: dict[str, Enrollment]
    agent: dict[str, User]
    signature: dict[str, SignoffStep]
    claim: dict[str, Claim]
    batch: dict[str, ImportBatch]
    payer: dict[str, Payer]
    bill: dict[str, Bill]
    contact: dict[str, PayerContact]
    target_list: dict[str, TargetList]
    target_person: dict[str, TargetPerson]
    near_duplicate: dict[str, NearDuplicate]
    layout: dict[str, BranchLayout]


def _enroll(campaign, code, n, by, status=None) -> Enrollment:
    enrollment = enrollment_register(
        campaign=campaign,
        village=Region.objects.get(code=code),
        nik=f"{code[:2]}{code[3:5]}{code[6:8]}150895{n:04d}",
        declaration=declaration(full_name=f"Pekerja {n}"),
        heirs=[{"name": "Euis", "relationship": "spouse", "nik": ""}],
        funding_source=None,
        entered_by=by,
    )
    if status == "reserve":
        Enrollment.objects.filter(pk=enrollment.pk).update(status="reserve")
        Quota.objects.count_move(
            campaign_id=campaign.pk,
            village_id=enrollment.village_id,
            old="registered",
            new="reserve",
            slot=-1,
        )
    return enrollment


def build_world() -> World:
    """Built inside each test (the `world` fixture of tests/test_url_walk.py), after the regions."""
    official, other_official = OfficialFactory(regions=[IN]), OfficialFactory(regions=[OUT])
    agent, other_agent = AgentFactory(regions=[VILLAGE[IN]]), AgentFactory(regions=[VILLAGE[OUT]])
    admin = AdminFactory()
    campaigns, quotas, enrollments, actives = {}, {}, {}, {}
    for side, officer, entering in ((IN, official, agent), (OUT, other_official, other_agent)):
        campaign = CampaignFactory(
            organizer=Region.objects.get(code=side), created_by=officer, status=Campaign.Status.ACTIVE
        )
        FundingSource.objects.create(campaign=campaign, kind="csr", name="CSR", workers=10)
        campaigns[side], quotas[side] = campaign, quota(campaign, VILLAGE[side], target=10)
        enrollments[side] = _enroll(campaign, VILLAGE[side], 1, entering)
        actives[side] = enrollment_activate(
            enrollment=_enroll(campaign, VILLAGE[side], 2, entering),
            by=officer,
            kpj_number=f"2501{side[3:]}0001",
            coverage_starts=TODAY,
        )
        _enroll(campaign, VILLAGE[side], 3, entering, status="reserve")
    following = CampaignFactory(organizer=Region.objects.get(code=SHARED), status=Campaign.Status.ACTIVE)
    shared_quotas = {side: quota(following, VILLAGE[side]) for side in (IN, OUT)}
    signatures = {}
    for side, signed in shared_quotas.items():  # signed lists, with the scan of the signed page
        Quota.objects.filter(pk=signed.pk).update(signoff=Quota.Signoff.SIGNED)
        signatures[side] = SignoffStep(
            quota=signed, action="sign", stage=1, by=admin, village_head="H. Dedi", signed_on=TODAY, workers=0
        )
        signatures[side].scan.save("signed.pdf", ContentFile(b"%PDF-1.4 walk"), save=True)
    campaigns[SHARED] = following
    users = {
        "anonymous": None,
        "agent": agent,
        "other_agent": other_agent,
        "official": official,
        "other_official": other_official,
        "admin": admin,
    }
    agents = {IN: agent, OUT: other_agent}
    claims = {
        side: Claim.objects.create(
            enrollment=actives[side],
            worker=actives[side].worker,
            kind="jkm_death",
            event_on=TODAY,
            amount=42_000_000,
            recorded_by=admin,
        )
        for side in (IN, OUT)
    }
    batches = {}
    for side, officer in ((IN, official), (OUT, other_official)):  # a checked sign-up file, not saved
        data = f"nik;nama;kode_desa;pekerjaan\n{VILLAGE[side][:2]}{VILLAGE[side][3:5]}{VILLAGE[side][6:8]}1508950009;Walk;{VILLAGE[side]};petani\n"
        batches[side] = import_check(
            import_upload(
                kind="signups", campaign=campaigns[side], data=data.encode(), file_name="walk.csv", by=officer
            )
        )
    bills = {  # this month's bill of each campaign's payer (the regency), for its active worker
        side: bills_issue(month=month_of(TODAY), campaigns=Campaign.objects.filter(pk=campaigns[side].pk))[0]
        for side in (IN, OUT)
    }
    contacts = {
        side: PayerContact.objects.create(
            payer=bills[side].payer, role="treasurer", name="Bendahara", phone="+6281234567890"
        )
        for side in (IN, OUT)
    }
    target_lists = {
        side: _target_list(side, officer) for side, officer in ((IN, official), (OUT, other_official))
    }
    return World(
        users,
        campaigns,
        following,
        quotas,
        shared_quotas,
        enrollments,
        actives,
        agents,
        signatures,
        claims,
        batches,
        {side: bill.payer for side, bill in bills.items()},
        bills,
        contacts,
        target_lists,
        {
            side: TargetPerson.objects.get(target_list=target_list)
            for side, target_list in target_lists.items()
        },
        {  # the side's two workers, as the nightly search would pair them
            side: NearDuplicate.objects.create(
                first=enrollments[side].worker,
                second=actives[side].worker,
                reason="digit",
                village=Region.objects.get(code=VILLAGE[side]),
            )
            for side in (IN, OUT)
        },
        {
            side: BranchLayout.objects.create(
                name=f"BPJS {side}",
                region=Region.objects.get(code=side),
                columns=[["nik", "NIK"]],
                saved_by=officer,
            )
            for side, officer in ((IN, official), (OUT, other_official))
        },
    )


def _target_list(side: str, officer: User) -> TargetList:
    """A current target list of one person in the side's village."""
    village = VILLAGE[side]
    nik = f"{village[:2]}{village[3:5]}{village[6:8]}1508950031"
    target_list = target_list_upload(
        target_list=TargetList(
            region=Region.objects.get(code=side), source="dtsen", round="DTSEN walk",
            given_by="Dinsos", given_on=TODAY,
        ),
        data=f"nik;no_kk;desil;nama;kode_desa\n{nik};{nik};1;Sasaran;{village}\n".encode(),
        file_name="desil.csv", by=officer,
    )  # fmt: skip
    batch = ImportBatch.objects.get(pk=target_list.batch_id)
    registered.check(batch)
    registered.commit(batch, by=officer)
    target_list.refresh_from_db()
    return target_list


# What each pattern is about: (the object's side → URL kwargs), whether the page is for officials
# only, and whether it takes only POST. `None` for patterns without an object.


# ---- the database, before and after ------------------------------------------------------------


def _areas(obj) -> list[str]:
    """The region codes a row belongs to: a user may change it only if they reach all of them."""
    if isinstance(obj, Enrollment):
        return [obj.village.code]
    if isinstance(obj, Heir):
        return [obj.enrollment.village.code]
    if isinstance(obj, Quota):
        return [obj.village.code]
    if isinstance(obj, Campaign):
        return [obj.organizer.code]
    if isinstance(obj, FundingSource):
        return [obj.campaign.organizer.code]
    if isinstance(obj, Worker):
        return [e.village.code for e in obj.enrollments.all()]
    if isinstance(obj, WorkforceEstimate):
        return [obj.region.code]
    if isinstance(obj, User):
        return list(obj.regions.values_list("code", flat=True)) or ["(no region)"]
    if isinstance(obj, Claim | Contribution):
        return [obj.enrollment.village.code]
    if isinstance(obj, SignoffStep):
        return [obj.quota.village.code]
    if isinstance(obj, ImportBatch):  # a batch belongs to the area of its rows, or of who uploaded it
        return [obj.region.code] if obj.region else _areas(obj.uploaded_by)
    if isinstance(obj, ExportLog):  # the area exported (none: the whole country, an administrator's)
        return list(obj.regions.values_list("code", flat=True))
    if isinstance(obj, Erasure):
        return [e.village.code for e in obj.enrollments.all()]
    if isinstance(obj, Payer):
        return [obj.region.code]
    if isinstance(obj, PayerContact | Bill | Payment | Message):
        return [obj.payer.region.code]
    if isinstance(obj, BillLine | PayerChange):
        return [obj.enrollment.village.code]
    if isinstance(obj, Settlement):
        return [obj.payment.payer.region.code]
    if isinstance(obj, TargetList | BranchLayout):
        return [obj.region.code]
    if isinstance(obj, TargetPerson | Visit | NearDuplicate):
        return [obj.village.code]
    return ["(unknown)"]


# Every table a user can change from a page: a write outside their reach shows up here.
WATCHED = (
    Enrollment, Heir, Quota, Campaign, FundingSource, Worker, User, Region, WorkforceEstimate,
    Claim, Contribution, SignoffStep, ImportBatch, ExportLog, Erasure,
    Payer, PayerContact, PayerChange, Bill, BillLine, Payment, Settlement, Message,
    TargetList, TargetPerson, Visit, NearDuplicate, BranchLayout,
)  # fmt: skip


def snapshot() -> dict:
    rows = {}
    for model in WATCHED:
        for row in model.objects.values():
            row.pop("last_login", None)
            rows[(model, row["id"] if "id" in row else row["code"])] = row
    return rows


def changed_outside(user: User | None, before: dict, after: dict) -> list[str]:
    problems = []
    for key in set(before) | set(after):
        if before.get(key) == after.get(key):
            continue
        model, pk = key
        if user is not None and model is User and pk == user.pk:
            continue  # one's own row (password change, language)
        obj = model.objects.filter(pk=pk).first() if model is not Region else None
        if obj is None and model is Heir:  # erased heirs are deleted: their enrollment says where
            obj = Enrollment.objects.get(pk=before[key]["enrollment_id"])
        if obj is None and model is PayerContact:  # a removed contact: its payer says where
            obj = Payer.objects.get(pk=before[key]["payer_id"])
        if obj is None and model in (Quota, TargetPerson):  # removed: its village says where
            obj = Enrollment(village=Region.objects.get(pk=before[key]["village_id"]))
        areas = _areas(obj) if obj is not None else ["(deleted)"]
        reaches = user is not None and all(
            user.is_superuser or any(code.startswith(mine) for mine in user.region_codes) for code in areas
        )
        if not reaches:
            problems.append(f"{model.__name__} {pk} ({', '.join(areas)})")
    return problems

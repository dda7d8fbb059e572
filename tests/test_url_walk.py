"""Every URL the resolver knows, as every kind of user, with objects inside and outside their reach.

The walk is built from the URL resolver, so a new page is covered the day it is written: a pattern
with no entry in OBJECTS below fails `test_every_pattern_is_walked`. For each pattern it asserts:
anonymous users are sent to sign in; an object outside the user's reach is a 404 (or a 403 where the
whole page is for officials); pages the user may use answer; no request, GET or POST, ever changes a
row outside the user's reach (the database is compared before and after); and nothing answers 5xx.

POSTs carry what the page itself offers (the form as an administrator sees it) plus valid values for
the action, so that a missing area check would really change someone else's row and be seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.contrib.admin.sites import site as admin_site
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import User
from campaigns.models import Campaign, FundingSource, Quota
from coverage.models import Claim, Contribution
from dashboards.models import WorkforceEstimate
from enrollment.models import Enrollment, Erasure, Heir, Worker
from enrollment.services import enrollment_activate, enrollment_register
from imports.models import ImportBatch
from imports.services import import_check, import_upload
from regions.models import Region
from reports.models import ExportLog, SignoffStep
from tests.factories import (
    TODAY,
    AdminFactory,
    AgentFactory,
    CampaignFactory,
    OfficialFactory,
    declaration,
    quota,
)

pytestmark = pytest.mark.django_db

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


@pytest.fixture
def world(purwakarta) -> World:
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
    )


# What each pattern is about: (the object's side → URL kwargs), whether the page is for officials
# only, and whether it takes only POST. `None` for patterns without an object.
def _enrollment(w, side):
    return {"pk": w.enrollment[side].pk}


def _active(w, side):
    return {"pk": w.active[side].pk}


def _campaign(w, side):
    return {"slug": w.campaign[side].slug}


def _village_of_shared(w, side):
    """A village in the provincial campaign: its officials and agent see it, others get 404."""
    return {"slug": w.next_campaign.slug, "code": VILLAGE[side]}


def _village_list(w, side):
    return {"slug": w.campaign[side].slug, "code": VILLAGE[side]}


def _batch(w, side):
    return {"pk": w.batch[side].pk}


OBJECTS = {
    "home": None,
    "accounts:login": None,
    "accounts:logout": None,
    "accounts:password_change": None,
    "accounts:password_change_done": None,
    "accounts:agent_list": None,
    "accounts:agent_create": None,
    "accounts:agent_edit": lambda w, side: {"pk": w.agent[side].pk},
    "accounts:agent_password": lambda w, side: {"pk": w.agent[side].pk},
    "accounts:agent_active": lambda w, side: {"pk": w.agent[side].pk},
    "regions:region_list": None,
    "regions:region_search": None,
    "regions:village_picker": None,
    "regions:region_detail": lambda w, side: {"code": side},  # the region tree is public knowledge
    "campaigns:campaign_list": None,
    "campaigns:campaign_create": None,
    "campaigns:campaign_detail": _campaign,
    "campaigns:campaign_edit": _campaign,
    "campaigns:campaign_activate": _campaign,
    "campaigns:campaign_close": _campaign,
    "campaigns:quota_list": _campaign,
    "campaigns:quota_allocate": _campaign,
    "campaigns:quota_upload": _campaign,
    # In the provincial campaign both officials see the campaign; each may change only their quota.
    "campaigns:quota_edit": lambda w, side: {"slug": w.next_campaign.slug, "pk": w.shared_quota[side].pk},
    "campaigns:quota_remove": lambda w, side: {"slug": w.next_campaign.slug, "pk": w.shared_quota[side].pk},
    "enrollment:enrollment_list": None,
    "enrollment:enrollment_create": None,
    "enrollment:nik_check": None,
    "enrollment:quota_picker": None,
    "enrollment:review_queue": None,
    "enrollment:review_bulk": None,
    "enrollment:expiring_list": None,
    "enrollment:renew_bulk": None,
    "enrollment:quota_promote": lambda w, side: {"pk": w.quota[side].pk},
    "enrollment:enrollment_detail": _enrollment,
    "enrollment:enrollment_edit": _enrollment,
    "enrollment:enrollment_cancel": _enrollment,
    "enrollment:enrollment_reject": _enrollment,
    "enrollment:enrollment_verify": _enrollment,
    "enrollment:enrollment_activate": _enrollment,
    "enrollment:enrollment_card": _active,
    "enrollment:enrollment_renew": _active,
    "enrollment:enrollment_erase": _enrollment,
    "dashboards:campaign_dashboard": _campaign,
    "dashboards:workforce_estimates": None,
    # A village's figures in the provincial campaign: its officials and agent see them, others get 404.
    "dashboards:campaign_region_dashboard": _village_of_shared,
    "dashboards:campaign_money": _campaign,
    "dashboards:progress_export": _campaign,
    "dashboards:realisation_export": _campaign,
    "dashboards:campaign_region_money": _village_of_shared,
    "dashboards:region_progress_export": _village_of_shared,
    "dashboards:region_realisation_export": _village_of_shared,
    "coverage:payment_record": None,
    "coverage:payment_upload": None,
    "coverage:behind_list": None,
    "coverage:claim_list": None,
    "coverage:claim_create": _active,
    "coverage:claim_decide": lambda w, side: {"pk": w.claim[side].pk},
    "reports:enrollment_export": None,
    "reports:export_log": None,
    "reports:village_recap": _village_list,
    "reports:recap_sign_off": _village_list,
    # The provincial campaign's quotas are signed: their village's agent or official may reopen them.
    "reports:recap_reopen": _village_of_shared,
    "reports:signoff_scan": lambda w, side: {"pk": w.signature[side].pk},
    "set_language": None,
    "healthz": None,
    "service_worker": None,
    "imports:list": None,
    "imports:new": None,
    "imports:template": None,
    "imports:detail": _batch,
    "imports:mapping": _batch,
    "imports:check_again": _batch,
    "imports:commit": _batch,
    "imports:discard": _batch,
    "imports:undo": _batch,
    "imports:errors": _batch,
}
PUBLIC = {"accounts:login", "set_language", "accounts:logout", "healthz", "service_worker"}
OFFICIALS_ONLY = {
    "accounts:agent_list",
    "accounts:agent_create",
    "accounts:agent_edit",
    "accounts:agent_password",
    "accounts:agent_active",
    "regions:village_picker",
    "dashboards:workforce_estimates",
    "dashboards:campaign_money",
    "dashboards:campaign_region_money",
    "dashboards:realisation_export",
    "dashboards:region_realisation_export",
    "reports:export_log",
    "coverage:payment_record",
    "coverage:payment_upload",
    "coverage:claim_list",
    "coverage:claim_create",
    "coverage:claim_decide",
    "campaigns:campaign_create",
    "campaigns:campaign_edit",
    "campaigns:campaign_activate",
    "campaigns:campaign_close",
    "campaigns:quota_allocate",
    "campaigns:quota_upload",
    "campaigns:quota_edit",
    "campaigns:quota_remove",
    "enrollment:review_queue",
    "enrollment:review_bulk",
    "enrollment:expiring_list",
    "enrollment:renew_bulk",
    "enrollment:enrollment_reject",
    "enrollment:enrollment_verify",
    "enrollment:enrollment_activate",
    "enrollment:enrollment_card",
    "enrollment:enrollment_renew",
}
# Settings and status belong to officials over the organizing region: a campaign they only see
# (the provincial one, through a quota) answers 403.
ORGANIZER_ONLY = {"campaigns:campaign_edit", "campaigns:campaign_activate", "campaigns:campaign_close"}
# In reach, yet not theirs to do: these answer 403 (with the check's reason) to these roles, and every
# other page in reach must answer, so that a page that wrongly refuses fails the walk.
REFUSED_IN_REACH: dict[str, set[str]] = {
    # Erasing a worker's data on request (UU 27/2022) is an official's decision, not an agent's.
    "enrollment:enrollment_erase": {"agent", "other_agent"},
    # An import is its uploader's: the area's officials and administrators see it, only they act on it.
    **{
        f"imports:{action}": {"admin", "agent", "other_agent"}
        for action in ("mapping", "check_again", "commit", "discard", "undo", "errors")
    },
}
# Pages that answer a signed-in GET with a redirect (the language is set, then back).
REDIRECTS = {"set_language"}
SHOW_ONLY = {"accounts:password_change_done"}  # a page that only shows: a POST is 405
POST_ONLY = {
    "campaigns:quota_remove",
    "enrollment:nik_check",
    "accounts:logout",
    "accounts:agent_active",
    "enrollment:review_bulk",
    "enrollment:renew_bulk",
    "coverage:claim_decide",
    "coverage:payment_upload",
    "enrollment:quota_promote",
    "enrollment:enrollment_verify",
    "enrollment:enrollment_activate",
    "enrollment:enrollment_card",
    "enrollment:enrollment_renew",
    "reports:recap_sign_off",
    "reports:recap_reopen",
    "imports:mapping",
    "imports:check_again",
    "imports:commit",
    "imports:discard",
    "imports:undo",
}


def post_data(name: str, w: World, side: str) -> dict:
    """Valid values for the action, so that a missing check would really change the row."""
    today = timezone.localdate().isoformat()
    if side == SHARED:
        side = OUT  # in the provincial campaign, aim at the other regency's villages
    return {
        "accounts:agent_active": {"active": "0"},
        "accounts:agent_password": {"new_password1": "Walk-the-urls-9", "new_password2": "Walk-the-urls-9"},
        "accounts:agent_edit": {"first_name": "Diubah"},
        "campaigns:campaign_edit": {"name": "Diubah", "budget": "1"},
        "campaigns:quota_edit": {"target": "9", "baseline": "3"},
        "dashboards:workforce_estimates": {"save": "1", "region": VILLAGE[side], "informal_workers": "500"},
        "campaigns:quota_allocate": {"region": VILLAGE[side][:8], "target": "7"},
        "campaigns:quota_upload": {"file": _csv(f"{VILLAGE[IN]},8\n{VILLAGE[OUT]},8\n")},
        "enrollment:review_bulk": {
            "action": "verify",
            "selected": [w.enrollment[IN].pk, w.enrollment[OUT].pk],
            "kpj_1": "25019990002",
        },
        "enrollment:enrollment_edit": {"full_name": "Diubah", "heir_name": "Diubah"},
        "enrollment:enrollment_cancel": {"reason": "walk"},
        "reports:recap_sign_off": {"village_head": "H. Walk", "signed_on": today, "stage": "1"},
        "reports:recap_reopen": {"reason": "walk", "stage": "1", "to": "0"},
        "coverage:claim_create": {"kind": "jkm_death", "event_on": today},
        "coverage:claim_decide": {"decision": "paid"},
        # The month the world's active worker is covered in, for the campaign and village of `side`.
        "coverage:payment_record": {
            "campaign": w.campaign[side].pk,
            "region": VILLAGE[side],
            "month": today[:7],
            "paid_on": today,
            "record": "1",
        },
        "enrollment:enrollment_reject": {"reason": "walk"},
        "enrollment:enrollment_erase": {"reason": "walk"},
        "enrollment:enrollment_activate": {"kpj_number": "25019990001", "coverage_starts": today},
        "enrollment:enrollment_card": {"handed_over_on": today},
        "enrollment:enrollment_renew": {"campaign": w.next_campaign.pk},
        "enrollment:renew_bulk": {
            "campaign": w.next_campaign.pk,
            "selected": [w.active[IN].pk, w.active[OUT].pk],
        },
        "enrollment:enrollment_create": {
            "quota": w.quota[side].pk,
            "nik": f"{VILLAGE[side][:2]}{VILLAGE[side][3:5]}{VILLAGE[side][6:8]}150895{9:04d}",
            "full_name": "Baru",
            "occupation": "petani",
            "monthly_income": "1000000",
            "heir_name": "Ahli",
            "heir_relationship": "spouse",
            "not_hospitalised": "on",
            "consent": "on",
        },
    }.get(name, {})


def _csv(text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("quotas.csv", text.encode(), content_type="text/csv")


class _FormReader(HTMLParser):
    """The fields of the page's own POST form, as a browser would submit them."""

    def __init__(self, action: str):
        super().__init__()
        self.action, self.inside, self.done, self.select = action, False, False, None
        self.data: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self.done and (a.get("method") or "").lower() == "post":
            self.inside = a.get("action") in (None, "", self.action)
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.setdefault(name, []).append(
                a.get("value") or ("on" if a.get("type") == "checkbox" else "")
            )
        elif tag == "select" and name:
            self.select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self.select and ("selected" in a or not self.data[self.select]):
            value = a.get("value", "")
            self.data[self.select] = [value] if "selected" in a else (self.data[self.select] or [value])
        elif tag == "textarea" and name:
            self.data[name] = [""]
            self.textarea = name

    def handle_data(self, data):
        if self.inside and getattr(self, "textarea", None):
            self.data[self.textarea] = [self.data[self.textarea][0] + data]

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        if tag == "textarea":
            self.textarea = None
        if tag == "form" and self.inside:
            self.inside, self.done = False, True


def page_form(client, admin: User, url: str) -> dict:
    client.force_login(admin)
    response = client.get(url)
    client.logout()
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return {}
    reader = _FormReader(url)
    reader.feed(response.content.decode())
    return {k: v if len(v) > 1 else v[0] for k, v in reader.data.items() if k != "csrfmiddlewaretoken"}


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
    return ["(unknown)"]


# Every table a user can change from a page: a write outside their reach shows up here.
WATCHED = (
    Enrollment, Heir, Quota, Campaign, FundingSource, Worker, User, Region, WorkforceEstimate,
    Claim, Contribution, SignoffStep, ImportBatch, ExportLog, Erasure,
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
        if obj is None and model is Quota:  # a removed quota: its village says where
            obj = Enrollment(village=Region.objects.get(pk=before[key]["village_id"]))
        areas = _areas(obj) if obj is not None else ["(deleted)"]
        reaches = user is not None and all(
            user.is_superuser or any(code.startswith(mine) for mine in user.region_codes) for code in areas
        )
        if not reaches:
            problems.append(f"{model.__name__} {pk} ({', '.join(areas)})")
    return problems


# ---- the walk -----------------------------------------------------------------------------------


def app_patterns() -> list[str]:
    """Every named URL of the project outside the admin, from the resolver."""
    names = []

    def walk(patterns, namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.app_name == "admin":
                    continue
                walk(p.url_patterns, f"{namespace}{p.namespace}:" if p.namespace else namespace)
            elif isinstance(p, URLPattern) and p.name:
                names.append(f"{namespace}{p.name}")

    walk(get_resolver().url_patterns)
    return sorted(set(names))


def test_every_pattern_is_walked():
    assert set(app_patterns()) == set(OBJECTS)


def reach(user: User | None, side: str | None) -> bool:
    if user is None or side is None or user.is_superuser or side == SHARED:
        return user is not None
    return any(VILLAGE[side].startswith(code) or code.startswith(side) for code in user.region_codes)


def expected(name: str, role: str, user: User | None, side: str | None, method: str) -> set[int]:
    if user is None:
        if name in PUBLIC:
            return {405} if method == "GET" and name in POST_ONLY else {200, 302}
        return {302}
    if name in OFFICIALS_ONLY and not user.acts_as_official:
        return {403}
    if method == "GET" and name in POST_ONLY:
        return {405}
    if side is not None and not reach(user, side) and name != "regions:region_detail":
        return {404}
    if name in ORGANIZER_ONLY and side == SHARED and not user.is_superuser:
        return {403}
    if role in REFUSED_IN_REACH.get(name, ()):
        return {403}
    # Inside reach the page answers: a GET shows it, a POST shows the form again (200, with what was
    # wrong) or does it and redirects. A page that only shows answers a POST with 405.
    if method == "GET":
        return {302} if name in REDIRECTS else {200}
    return {405} if name in SHOW_ONLY else {200, 302}


@pytest.mark.parametrize("name", app_patterns())
def test_walk(client, world, name):
    sides = (IN, OUT) if OBJECTS.get(name) else (None,)
    if OBJECTS.get(name) is _campaign:
        sides = (IN, OUT, SHARED)
    # Pages whose object comes in the POST (a quota chosen in the form): post each side's, and the
    # page itself is no one's.
    posted_sides = (IN, OUT) if name in ("enrollment:enrollment_create",) else (None,)
    checked = 0
    for side, posted in [(side, posted) for side in sides for posted in posted_sides]:
        kwargs = OBJECTS[name](world, side) if side else {}
        url = reverse(name, kwargs=kwargs)
        form = page_form(client, world.users["admin"], url) if name not in POST_ONLY else {}
        for role, user in world.users.items():
            for method in ("GET", "POST"):
                with transaction.atomic():
                    client.logout()
                    if user is not None:
                        client.force_login(user)
                    before = snapshot()
                    if method == "GET":
                        response = client.get(url)
                    else:
                        response = client.post(url, {**form, **post_data(name, world, side or posted or IN)})
                    outside = changed_outside(user, before, snapshot())  # read before the rollback
                    transaction.set_rollback(True)
                where = f"{method} {url} as {role}"
                assert response.status_code < 500, where
                assert response.status_code in expected(name, role, user, side, method), (
                    f"{where}: {response.status_code}"
                )
                if response.status_code == 302 and user is None and name not in PUBLIC:
                    assert reverse("accounts:login") in response["Location"], where
                assert outside == [], where
                checked += 1
    assert checked == len(sides) * len(posted_sides) * 6 * 2


def admin_urls(world: World) -> list[tuple[str, str]]:
    """Every admin page of every registered model, with an existing object where one is needed."""
    urls = [("admin:index", reverse("admin:index"))]
    for model in admin_site._registry:
        info = model._meta.app_label, model._meta.model_name
        urls.append((f"{info} changelist", reverse("admin:{}_{}_changelist".format(*info))))
        urls.append((f"{info} add", reverse("admin:{}_{}_add".format(*info))))
        obj = model.objects.first()
        if obj is not None:
            for action in ("change", "history", "delete"):
                urls.append(
                    (f"{info} {action}", reverse(f"admin:{info[0]}_{info[1]}_{action}", args=[obj.pk]))
                )
    return urls


def test_the_admin_is_for_administrators_only(client, world):
    for label, url in admin_urls(world):
        for role, user in world.users.items():
            client.logout()
            if user is not None:
                client.force_login(user)
            response = client.get(url)
            if role == "admin":
                assert response.status_code in (200, 302, 403), f"{label} {response.status_code}"
                continue
            assert response.status_code == 302 and "/admin/login/" in response["Location"], f"{label} {role}"
            # A POST (a change, a delete confirmation) by anyone but an administrator changes nothing.
            before = snapshot()
            posted = client.post(url, {"post": "yes", "name": "Diubah", "target": "1"})
            assert posted.status_code == 302 and "/admin/login/" in posted["Location"], f"POST {label} {role}"
            assert snapshot() == before, f"POST {label} {role}"

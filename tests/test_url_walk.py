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

import pytest
from django.contrib.admin.sites import site as admin_site
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import User
from tests.walk_forms import page_form, post_data
from tests.walk_world import IN, OUT, SHARED, VILLAGE, World, build_world, changed_outside, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(purwakarta) -> World:
    return build_world()


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
    "accounts:two_factor_verify": None,
    "accounts:two_factor_setup": None,
    "accounts:two_factor_account": None,
    "accounts:two_factor_recovery_codes": None,
    "accounts:two_factor_off": None,
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
    "enrollment:enrollment_reminders": _active,
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
    "billing:months_paid": None,
    "billing:months_file": None,
    "coverage:behind_list": None,
    "coverage:claim_list": None,
    "coverage:claim_create": _active,
    "coverage:claim_decide": lambda w, side: {"pk": w.claim[side].pk},
    "billing:payer_list": None,
    "billing:bills_issue": None,
    "billing:arrears_list": None,
    "billing:outbox": None,
    "billing:delivery_receipt": None,
    "billing:payer_detail": lambda w, side: {"pk": w.payer[side].pk},
    "billing:payment_create": lambda w, side: {"pk": w.payer[side].pk},
    "billing:contact_remove": lambda w, side: {"pk": w.contact[side].pk},
    "billing:bill_detail": lambda w, side: {"pk": w.bill[side].pk},
    "billing:bill_correct": lambda w, side: {"pk": w.bill[side].pk},
    "billing:bill_lines": lambda w, side: {"pk": w.bill[side].pk},
    "billing:enrollment_bills": _active,
    "reports:enrollment_export": None,
    "reports:export_log": None,
    "reports:village_recap": _village_list,
    "reports:recap_sign_off": _village_list,
    # The provincial campaign's quotas are signed: their village's agent or official may reopen them.
    "reports:recap_reopen": _village_of_shared,
    "reports:signoff_scan": lambda w, side: {"pk": w.signature[side].pk},
    "set_language": None,
    "healthz": None,
    "metrics": None,
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
    "targeting:list_list": None,
    "targeting:list_new": None,
    "targeting:list_detail": lambda w, side: {"pk": w.target_list[side].pk},
    "targeting:list_withdraw": lambda w, side: {"pk": w.target_list[side].pk},
    "targeting:worklist": None,
    "targeting:worklist_data": None,
    "targeting:visit_new": lambda w, side: {"pk": w.target_person[side].pk},
    "targeting:campaign_eligibility": _campaign,
    "targeting:near_duplicate_list": None,
    "reports:branch_layout_list": None,
    "reports:branch_layout_new": None,
    "reports:branch_layout_edit": lambda w, side: {"pk": w.layout[side].pk},
    "reports:branch_file": None,
    "targeting:near_duplicate_decide": lambda w, side: {"pk": w.near_duplicate[side].pk},
}
PUBLIC = {"accounts:login", "set_language", "accounts:logout", "healthz", "service_worker"}
# Called by machines, not people: the gateway's delivery receipts need its token, which the walk does
# not have, so every POST is a 404 (as with receipts switched off) and a GET a 405, whoever asks.
MACHINES = {"billing:delivery_receipt"}
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
    "billing:months_paid",
    "billing:months_file",
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
    "billing:payer_list",
    "billing:bills_issue",
    "billing:arrears_list",
    "billing:outbox",
    "billing:payer_detail",
    "billing:payment_create",
    "billing:contact_remove",
    "billing:bill_detail",
    "billing:bill_correct",
    "billing:bill_lines",
    "billing:enrollment_bills",
    "targeting:list_list",
    "targeting:list_new",
    "targeting:list_detail",
    "targeting:list_withdraw",
    "targeting:campaign_eligibility",
    "targeting:near_duplicate_list",
    "targeting:near_duplicate_decide",
    "reports:branch_layout_list",
    "reports:branch_layout_new",
    "reports:branch_layout_edit",
    "reports:branch_file",
}
# Settings and status belong to officials over the organizing region: a campaign they only see
# (the provincial one, through a quota) answers 403.
ORGANIZER_ONLY = {"campaigns:campaign_edit", "campaigns:campaign_activate", "campaigns:campaign_close"}
# Shown to every official who sees the campaign; saved only by its organizer's (a POST answers 403).
ORGANIZER_WRITES = {"targeting:campaign_eligibility"}
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
    # What a phone keeps for offline entry is an agent's village only: an official's reach is too large.
    "targeting:worklist_data": {"admin", "official", "other_official"},
}
# Pages that answer a signed-in GET with a redirect (the language is set, then back; the sign-in code
# of a user without an authenticator goes to setting one up).
REDIRECTS = {"set_language", "accounts:two_factor_verify"}
SHOW_ONLY = {
    "accounts:password_change_done",
    "targeting:worklist_data",
}  # a page that only shows: a POST is 405
POST_ONLY = {
    "billing:delivery_receipt",
    "billing:bill_correct",
    "billing:bills_issue",
    "billing:contact_remove",
    "campaigns:quota_remove",
    "enrollment:nik_check",
    "accounts:logout",
    "accounts:two_factor_recovery_codes",
    "accounts:two_factor_off",
    "accounts:agent_active",
    "enrollment:review_bulk",
    "enrollment:renew_bulk",
    "coverage:claim_decide",
    "billing:months_file",
    "enrollment:quota_promote",
    "enrollment:enrollment_verify",
    "enrollment:enrollment_activate",
    "enrollment:enrollment_card",
    "enrollment:enrollment_renew",
    "enrollment:enrollment_reminders",
    "reports:recap_sign_off",
    "reports:recap_reopen",
    "imports:mapping",
    "imports:check_again",
    "imports:commit",
    "imports:discard",
    "imports:undo",
    "targeting:list_withdraw",
    "targeting:visit_new",
    "targeting:near_duplicate_decide",
}


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
    if name == "metrics":  # the operator's: an administrator (or its token), and no one else learns it exists
        return {405} if method == "POST" else {200} if user is not None and user.is_superuser else {404}
    if name in MACHINES:
        return {405} if method == "GET" else {404}
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
    if name in ORGANIZER_WRITES and side == SHARED and method == "POST" and not user.is_superuser:
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

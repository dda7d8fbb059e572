"""What the URL walk posts: the form as an administrator sees it, plus valid values for the action."""

from __future__ import annotations

from html.parser import HTMLParser

from django.utils import timezone

from accounts.models import User
from tests.walk_world import IN, OUT, SHARED, VILLAGE, World


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
        "targeting:list_withdraw": {"reason": "walk"},
        "targeting:visit_new": {"outcome": "moved", "reason": "walk"},
        "targeting:near_duplicate_decide": {"decision": "different"},
        "reports:branch_file": {
            "campaign": w.campaign[side].pk,
            "layout": w.layout[side].pk,
            "purpose": "walk",
        },
        **{
            name: {
                "name": "BPJS walk",
                "region": side,
                "date_format": "%d/%m/%Y",
                "file_format": "csv",
                "column-TOTAL_FORMS": "1",
                "column-INITIAL_FORMS": "0",
                "column-0-field": "nik",
                "column-0-header": "NIK",
            }
            for name in ("reports:branch_layout_new", "reports:branch_layout_edit")
        },
        "targeting:campaign_eligibility": {
            "residence_rule": "refuse",
            "overlap_rule": "warn",
            "target_rule": "off",
            "desil_rule": "off",
            "occupation_rule": "off",
        },
        "billing:bills_issue": {"campaign": w.campaign[side].pk},
        "billing:payer_detail": {"role": "head", "name": "Kepala Desa", "phone": "0812 3456 7891"},
        "billing:payment_create": {
            "channel": "teller",
            "reference": f"WALK-{side}",
            "amount": "16800",
            "paid_on": today,
            "record": "1",
        },
        # The month the world's active worker is covered in, for the campaign and village of `side`.
        "billing:months_paid": {
            "campaign": w.campaign[side].pk,
            "region": VILLAGE[side],
            "month": today[:7],
            "paid_on": today,
            "channel": "transfer",
            "reference": f"WALK-MONTH-{side}",
            "record": "1",
        },
        "enrollment:enrollment_reject": {"reason": "walk"},
        "billing:bill_correct": {"reason": "walk"},
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

"""Workers told before their own cover lapses, only on a channel they agreed to (given at entry, changed
on their page), and the gateway's delivery receipts marking what arrived."""

import datetime as dt
import json
import zoneinfo

import pytest
from django.urls import reverse

from billing.bills import bills_issue
from billing.models import Message, ReminderRule
from billing.reminders import outbox_send, reminders_write
from campaigns.models import Campaign, add_months
from enrollment.models import Enrollment
from enrollment.services import enrollment_reminders_set
from tests.billing.conftest import THIS_MONTH
from tests.factories import TODAY, nik_for

pytestmark = pytest.mark.django_db
WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
MONTH_END = add_months(THIS_MONTH, 1) - dt.timedelta(days=1)
NOON = dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(12), WIB)


@pytest.fixture
def at_the_cliff(campaign, village_funded, official):
    """Tanjungsari's four workers billed and unpaid since three months ago: their cover lapses at the
    end of this month. The first agreed to SMS, the second to WhatsApp only, the others to nothing."""
    for months_ago in (3, 2, 1):
        Campaign.objects.filter(pk=campaign.pk).update(starts_on=add_months(THIS_MONTH, -months_ago))
    tanjungsari = [w.pk for w in village_funded[:4]]
    Enrollment.objects.filter(pk__in=tanjungsari).update(
        coverage_starts=add_months(THIS_MONTH, -3), paid_through=add_months(THIS_MONTH, -3)
    )
    for months_ago in (2, 1):
        bills_issue(
            month=add_months(THIS_MONTH, -months_ago), campaigns=Campaign.objects.filter(pk=campaign.pk)
        )
    enrollment_reminders_set(enrollment=village_funded[0], sms=True, whatsapp=False, by=official)
    enrollment_reminders_set(enrollment=village_funded[1], sms=False, whatsapp=True, by=official)
    ReminderRule.objects.exclude(kind="worker_lapse").update(active=False)
    return village_funded[:4]


def test_a_worker_who_agreed_hears_a_week_before_the_lapse_on_their_channel_only(at_the_cliff):
    assert reminders_write(MONTH_END - dt.timedelta(days=8)) == 0  # not yet
    assert reminders_write(MONTH_END - dt.timedelta(days=7)) == 1  # the SMS rule: the first worker only
    message = Message.objects.get()
    assert (message.enrollment_id, message.to, message.channel) == (
        at_the_cliff[0].pk,
        "+6281234567890",
        "sms",
    )
    assert message.text.startswith("Desa100: Pekerja 1, perlindungan BPJS Ketenagakerjaan Anda berakhir")
    assert "Pemerintah Desa Tanjungsari" in message.text
    assert nik_for(1) not in message.text and "2501" not in message.text and "http" not in message.text
    assert reminders_write(MONTH_END - dt.timedelta(days=2)) == 0  # once a month
    ReminderRule.objects.filter(kind="worker_lapse").update(channel="whatsapp")
    assert reminders_write(MONTH_END - dt.timedelta(days=2)) == 1
    assert Message.objects.get(channel="whatsapp").enrollment_id == at_the_cliff[1].pk


def test_a_withdrawn_consent_stops_the_reminders(client, at_the_cliff, agent, other_official):
    url = reverse("enrollment:enrollment_reminders", args=[at_the_cliff[0].pk])
    client.force_login(other_official)
    assert client.post(url, {}).status_code == 404
    client.force_login(agent)
    assert client.post(url, {}).status_code == 302  # both boxes unticked
    assert not Enrollment.objects.get(pk=at_the_cliff[0].pk).remind_by_sms
    assert reminders_write(MONTH_END - dt.timedelta(days=7)) == 0
    page = client.get(reverse("enrollment:enrollment_detail", args=[at_the_cliff[0].pk])).content.decode()
    history = " ".join(page.split("pengingat lewat SMS", 1)[1][:300].split())
    assert "ya → tidak" in history.lower()  # the withdrawal, in the enrollment's history


def test_the_entry_form_asks_for_each_channel(client, agent, campaign):
    from campaigns.models import Quota
    from tests.enrollment.test_entry import entry

    tanjungsari_quota = Quota.objects.get(campaign=campaign, village__code="32.14.16.2005")

    client.force_login(agent)
    client.post(reverse("enrollment:enrollment_create"), entry(tanjungsari_quota, remind_by_whatsapp="on"))
    enrollment = Enrollment.objects.get()
    assert (enrollment.remind_by_sms, enrollment.remind_by_whatsapp) == (False, True)


def test_workers_messages_are_not_held_by_their_payers_daily_cap(at_the_cliff, gateway, settings):
    settings.MESSAGES_DAILY_CAP = 0
    Enrollment.objects.filter(pk__in=[w.pk for w in at_the_cliff]).update(remind_by_sms=True)
    reminders_write(MONTH_END - dt.timedelta(days=7))
    assert outbox_send(NOON)["sent"] == 4


@pytest.fixture
def sent(at_the_cliff, gateway, settings):
    settings.MESSAGES_CALLBACK_TOKEN = "kunci-balik"
    reminders_write(MONTH_END - dt.timedelta(days=7))
    outbox_send(NOON)
    return Message.objects.get()


def _receipt(client, body, token="kunci-balik", content_type="application/json"):
    data = json.dumps(body) if content_type == "application/json" else body
    return client.post(
        reverse("billing:delivery_receipt"),
        data,
        content_type=content_type,
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_a_delivery_receipt_marks_the_message_delivered(client, sent):
    assert sent.gateway_id == "gw-1"
    assert _receipt(client, {"id": "gw-1", "status": "DELIVERED"}).status_code == 204
    sent.refresh_from_db()
    assert sent.status == "delivered"
    assert _receipt(client, {"id": "gw-1", "status": "failed"}).status_code == 204
    sent.refresh_from_db()
    assert sent.status == "delivered"  # a late failure does not move a delivered message back


def test_a_failed_receipt_keeps_the_gateways_reason(client, sent):
    assert (
        _receipt(client, {"id": "gw-1", "status": "undelivered", "error": "nomor tidak aktif"}).status_code
        == 204
    )
    sent.refresh_from_db()
    assert (sent.status, sent.answer) == ("failed", "undelivered: nomor tidak aktif")


@pytest.mark.parametrize(
    ("body", "token", "status"),
    [
        ({"id": "gw-1", "status": "delivered"}, "salah", 403),
        ({"id": "gw-404", "status": "delivered"}, "kunci-balik", 404),
        ({"id": "gw-1", "status": "entah"}, "kunci-balik", 404),
        ([1, 2], "kunci-balik", 400),
    ],
)
def test_receipts_that_do_not_fit_change_nothing(client, sent, body, token, status):
    assert _receipt(client, body, token).status_code == status
    sent.refresh_from_db()
    assert sent.status == "sent"


def test_a_receipt_that_is_not_json_is_refused_and_receipts_are_off_without_a_token(client, sent, settings):
    response = client.post(
        reverse("billing:delivery_receipt"), b"{not json\x00", content_type="application/json",
        HTTP_AUTHORIZATION="Bearer kunci-balik",
    )  # fmt: skip
    assert response.status_code == 400
    form = client.post(
        reverse("billing:delivery_receipt"), {"id": "gw-1", "status": "delivered"},
        HTTP_AUTHORIZATION="Bearer kunci-balik",
    )  # fmt: skip
    assert form.status_code == 204  # gateways that post a form are read too
    settings.MESSAGES_CALLBACK_TOKEN = ""
    assert _receipt(client, {"id": "gw-1", "status": "delivered"}).status_code == 404

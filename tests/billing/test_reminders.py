"""Reminders before the cliff: written once per event by the rules, in Indonesian, with no NIK, KPJ
or link; held through the quiet hours and past a payer's daily cap; sent through the real HTTP path to
a gateway stand-in on loopback, with its refusals and timeouts retried and finally marked failed."""

import datetime as dt
import zoneinfo

import pytest

from billing.bills import bills_issue
from billing.models import Message, PayerContact, ReminderRule
from billing.reminders import (
    MAX_ATTEMPTS,
    UnsafeMessage,
    after_quiet_hours,
    outbox_send,
    reminders_write,
    safe_text,
)
from campaigns.models import Campaign, add_months
from enrollment.models import Enrollment
from tests.billing.conftest import LAST_MONTH, THIS_MONTH
from tests.factories import TODAY, nik_for

pytestmark = pytest.mark.django_db

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
# Tomorrow: after the messages are written (now), whatever day the suite runs.
TOMORROW = TODAY + dt.timedelta(days=1)
NOON = dt.datetime.combine(TOMORROW, dt.time(12), WIB)


@pytest.fixture
def reminded(campaign, village_funded):
    """Last month's bills issued, each village with a treasurer to tell."""
    bills = bills_issue(month=LAST_MONTH, campaigns=Campaign.objects.filter(pk=campaign.pk))
    for n, bill in enumerate(bills):
        PayerContact.objects.create(
            payer=bill.payer, role="treasurer", name=f"Bendahara {n}", phone=f"+62812345678{n:02d}"
        )
    return bills


def test_a_bill_issued_tells_each_contact_once_in_indonesian_without_numbers_or_links(reminded, gateway):
    assert reminders_write(LAST_MONTH) == 2
    assert reminders_write(LAST_MONTH) == 0  # the same event is never written twice
    message = Message.objects.get(recipient="Bendahara 0")
    assert message.text.startswith("Desa100: tagihan TAG/") and "Rp" in message.text
    for text in Message.objects.values_list("text", flat=True):
        assert nik_for(1) not in text and "http" not in text and "2501" not in text
    assert outbox_send(NOON)["sent"] == 2
    assert {r["msisdn"] for r in gateway.received} == {"+6281234567800", "+6281234567801"}
    assert gateway.received[0]["auth"] == "Bearer rahasia"
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}


def test_a_text_with_a_nik_or_a_link_is_never_written():
    for text in (f"NIK {nik_for(1)}", "bayar di https://bpjs.example", "KPJ 25010000001", "lihat www.x.id"):
        with pytest.raises(UnsafeMessage):
            safe_text(text)
    assert (
        safe_text("Desa100: tagihan TAG/202612/0000001 Rp67.200")
        == "Desa100: tagihan TAG/202612/0000001 Rp67.200"
    )


def test_nothing_is_sent_in_the_quiet_hours(reminded, gateway):
    reminders_write(LAST_MONTH)
    late = dt.datetime.combine(TOMORROW, dt.time(22, 30), WIB)
    assert outbox_send(late) == {"sent": 0, "held": 2, "failed": 0, "retry": 0}
    morning = dt.datetime.combine(TOMORROW + dt.timedelta(days=1), dt.time(7), WIB)
    assert set(Message.objects.values_list("not_before", flat=True)) == {morning}
    assert gateway.received == []
    assert after_quiet_hours(dt.datetime.combine(THIS_MONTH, dt.time(6, 59), WIB)).time() == dt.time(7)
    assert after_quiet_hours(NOON) == NOON


def test_a_payer_gets_at_most_its_daily_cap(reminded, gateway, settings):
    settings.MESSAGES_DAILY_CAP = 1
    bill = reminded[0]
    PayerContact.objects.create(payer=bill.payer, role="head", name="Kepala Desa", phone="+6281299990000")
    reminders_write(LAST_MONTH)
    done = outbox_send(NOON)
    assert (done["sent"], done["held"]) == (2, 1)  # one per payer today; the third waits for tomorrow
    held = Message.objects.get(status="queued")
    assert held.not_before == dt.datetime.combine(NOON.date() + dt.timedelta(days=1), dt.time(7), WIB)


def test_a_refusing_or_silent_gateway_is_retried_with_backoff_then_failed_with_its_answer(reminded, gateway):
    reminders_write(LAST_MONTH)
    Message.objects.exclude(recipient="Bendahara 0").delete()
    gateway.answers = [(500, 0), (200, 2)]  # refused, then too slow (the timeout is 1 s)
    first = outbox_send(NOON)
    message = Message.objects.get()
    assert first["retry"] == 1 and "HTTP 500" in message.answer and "quota exceeded" in message.answer
    assert message.not_before == NOON + dt.timedelta(minutes=1)
    second = outbox_send(NOON + dt.timedelta(minutes=1))
    message.refresh_from_db()
    assert second["retry"] == 1 and "timed out" in message.answer
    assert message.not_before == NOON + dt.timedelta(minutes=3)
    gateway.answers = [(503, 0)] * MAX_ATTEMPTS
    moment = NOON
    while message.status == "queued":
        moment += dt.timedelta(hours=1)
        outbox_send(moment)
        message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", MAX_ATTEMPTS) and "HTTP 503" in message.answer


def test_the_payer_and_the_agents_hear_of_workers_at_the_cliff_two_weeks_before(reminded, agent):
    agent.phone = "+6281311112222"
    agent.save()
    tanjungsari = [w.pk for w in Enrollment.objects.filter(village__code="32.14.16.2005")]
    Enrollment.objects.filter(pk__in=tanjungsari).update(paid_through=add_months(THIS_MONTH, -3))
    ReminderRule.objects.exclude(kind="cliff").update(active=False)
    month_end = add_months(THIS_MONTH, 1) - dt.timedelta(days=1)
    assert reminders_write(month_end - dt.timedelta(days=15)) == 0  # not yet
    assert reminders_write(month_end - dt.timedelta(days=14)) == 2  # the treasurer and the agent
    (text,) = set(Message.objects.values_list("text", flat=True))
    assert text.startswith(
        "Desa100: 4 pekerja yang dibayar Pemerintah Desa Tanjungsari kehilangan perlindungan BPJS"
    )
    treasurer = PayerContact.objects.get(payer__region__code="32.14.16.2005").name
    assert set(Message.objects.values_list("recipient", flat=True)) == {treasurer, str(agent)}
    assert reminders_write(month_end - dt.timedelta(days=3)) == 0  # once per month and person


def test_a_paid_bill_is_not_reminded(reminded, official):
    from billing.services import payment_record

    bill = reminded[0]
    payment_record(
        payer=bill.payer, channel="va", reference="VA-9", amount=bill.total, paid_on=THIS_MONTH, by=official
    )
    ReminderRule.objects.exclude(kind="due_today").update(active=False)
    assert reminders_write(bill.due_on) == 1  # only the other village's
    assert Message.objects.get().payer_id != bill.payer_id


def test_officials_see_the_outbox_of_their_area_with_masked_numbers(
    client, reminded, official, other_official
):
    from django.urls import reverse

    reminders_write(LAST_MONTH)
    client.force_login(official)
    page = client.get(reverse("billing:outbox")).content.decode()
    assert "Bendahara 0" in page and "0812****7800" in page and "+6281234567800" not in page
    client.force_login(other_official)
    assert list(client.get(reverse("billing:outbox")).context["page"]) == []

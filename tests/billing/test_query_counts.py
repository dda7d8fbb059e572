"""Every billing page reads a fixed number of queries, however many bills, lines, payments and messages
its area holds: counted on a small area, then again after the area has more of each."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing.arrears import arrears_refresh
from billing.bills import bills_issue
from billing.models import Bill, Payer, PayerContact
from billing.reminders import reminders_write
from billing.services import payment_record
from campaigns.models import Campaign
from tests.billing.conftest import LAST_MONTH, THIS_MONTH
from tests.factories import SIGNED_IN, TODAY

pytestmark = pytest.mark.django_db

# The queries each page reads besides the session and the signed-in user (tests.factories.SIGNED_IN),
# the menu included.
PINNED = {
    "payers": 3,
    "payers in arrears": 3,
    "arrears": 4,
    "arrears csv": 1,
    "outbox": 2,
    "payer": 6,
    "payment form": 1,
    "bill": 3,
    "worker's bills": 7,
    "months paid": 2,
}


def _pages(payer, bill, worker):
    return {
        "payers": reverse("billing:payer_list"),
        "payers in arrears": reverse("billing:payer_list") + "?overdue=on",
        "arrears": reverse("billing:arrears_list"),
        "arrears csv": reverse("billing:arrears_list") + "?format=csv",
        "outbox": reverse("billing:outbox"),
        "payer": reverse("billing:payer_detail", args=[payer.pk]),
        "payment form": reverse("billing:payment_create", args=[payer.pk]),
        "bill": reverse("billing:bill_detail", args=[bill.pk]),
        "worker's bills": reverse("billing:enrollment_bills", args=[worker.pk]),
        "months paid": reverse("billing:months_paid"),
    }


def _counts(client, pages):
    counts = {}
    for name, url in pages.items():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, name
        counts[name] = len(queries)
    return counts


def test_each_billing_page_reads_a_fixed_number_of_queries(client, campaign, village_funded, official):
    bills_issue(month=LAST_MONTH, campaigns=Campaign.objects.filter(pk=campaign.pk))
    payer = Payer.objects.get(region__code="32.14.16.2005")
    PayerContact.objects.create(payer=payer, role="treasurer", name="Bendahara", phone="+6281234567800")
    bill = Bill.objects.get(payer=payer)
    payment_record(payer=payer, channel="va", reference="VA-1", amount=16_800, paid_on=TODAY, by=official)
    reminders_write(TODAY)
    arrears_refresh(TODAY)
    client.force_login(official)
    pages = _pages(payer, bill, village_funded[0])
    small = _counts(client, pages)

    # More of everything: a second month's bills, payments, contacts and their messages.
    PayerContact.objects.create(payer=payer, role="head", name="Kepala Desa", phone="+6281234567801")
    bills_issue(month=THIS_MONTH, campaigns=Campaign.objects.filter(pk=campaign.pk))
    payment_record(payer=payer, channel="va", reference="VA-2", amount=16_800 * 5, paid_on=TODAY, by=official)
    reminders_write(TODAY)
    arrears_refresh(TODAY)
    large = _counts(client, pages)

    assert large == small  # no page reads more as its area grows
    assert small == {page: 1 + SIGNED_IN + queries for page, queries in PINNED.items()}

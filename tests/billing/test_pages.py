"""The billing pages as an official uses them: the payers, the printed bill, a payment shown before
it is recorded, the payers in arrears, a worker's months; query counts pinned."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing.arrears import arrears_refresh
from billing.bills import bills_issue
from billing.models import Payer, Payment
from campaigns.models import Campaign
from tests.billing.conftest import LAST_MONTH, THIS_MONTH
from tests.factories import TODAY, AdminFactory, nik_for

pytestmark = pytest.mark.django_db

RATE = 16_800


@pytest.fixture
def billed(campaign, village_funded):
    return bills_issue(month=LAST_MONTH, campaigns=Campaign.objects.filter(pk=campaign.pk))


def _tanjungsari(billed):
    return next(b for b in billed if b.workers == 4)


def test_the_bill_prints_as_a_letter_with_masked_niks_and_the_total_in_words(client, official, billed):
    bill = _tanjungsari(billed)
    client.force_login(official)
    page = client.get(reverse("billing:bill_detail", args=[bill.pk])).content.decode()
    assert "Surat tagihan iuran" in page and bill.number in page
    assert "Pemerintah Desa Tanjungsari" in page and "Rp67.200" in page
    assert "Enam puluh tujuh ribu dua ratus rupiah" in page
    assert nik_for(1) not in page and "3214********0001" in page  # masked, as on every list


def test_a_payment_shows_what_it_settles_before_it_is_recorded(client, official, billed):
    bill = _tanjungsari(billed)
    client.force_login(official)
    url = reverse("billing:payment_create", args=[bill.payer_id])
    data = {
        "channel": "teller",
        "reference": "BRI-778899",
        "amount": str(2 * RATE),
        "paid_on": TODAY.isoformat(),
    }
    preview = client.post(url, data).content.decode()
    assert "2 bulan-pekerja lunas" in preview and "2 tetap belum dibayar" in preview
    assert "Pekerja 3" in preview and Payment.objects.count() == 0
    done = client.post(url, {**data, "record": "1"}, follow=True).content.decode()
    assert "Tercatat: 2 bulan-pekerja lunas. 2 tetap belum dibayar." in done
    again = client.post(url, {**data, "record": "1"}).content.decode()
    assert "Referensi BRI-778899 sudah tercatat" in again and Payment.objects.count() == 1


def test_a_proof_that_is_not_a_scan_is_refused_and_nothing_recorded(client, official, billed):
    bill = _tanjungsari(billed)
    client.force_login(official)
    fake = SimpleUploadedFile("bukti.pdf", b"MZ not a pdf", content_type="application/pdf")
    data = {
        "channel": "teller",
        "reference": "X1",
        "amount": "16800",
        "paid_on": TODAY.isoformat(),
        "record": "1",
    }
    page = client.post(reverse("billing:payment_create", args=[bill.payer_id]), {**data, "proof": fake})
    assert "bukan berkas PDF, JPG atau PNG" in page.content.decode() and Payment.objects.count() == 0


@pytest.mark.parametrize("amount", ["0", "-5", "99999999999999999999", "abc", "16800\x00"])
def test_a_bad_amount_gets_a_message_not_an_error_page(client, official, billed, amount):
    bill = _tanjungsari(billed)
    client.force_login(official)
    data = {
        "channel": "teller",
        "reference": "X1",
        "amount": amount,
        "paid_on": TODAY.isoformat(),
        "record": "1",
    }
    response = client.post(reverse("billing:payment_create", args=[bill.payer_id]), data)
    assert response.status_code == 200 and Payment.objects.count() == 0


def test_the_arrears_list_names_payers_past_due_and_the_workers_at_the_cliff(client, official, billed):
    from campaigns.models import add_months
    from enrollment.models import Enrollment

    # Last month's bills fell due on its 15th. Tanjungsari's four have paid nothing for two months
    # since: on the first of next month they are three behind, and lapse.
    cliff = add_months(THIS_MONTH, -3)
    Enrollment.objects.filter(village__code="32.14.16.2005").update(paid_through=cliff)
    client.force_login(official)
    assert list(client.get(reverse("billing:arrears_list")).context["page"]) == []  # not counted yet
    assert arrears_refresh(TODAY) == 2  # the background worker's count
    page = client.get(reverse("billing:arrears_list"))
    rows = {
        row.payer.name: (row.amount, row.workers, row.months, row.lapsing, row.lapsing_next)
        for row in page.context["page"]
    }
    assert rows == {  # Salammulya's two, unpaid since last month, lapse at the end of next month
        "Pemerintah Desa Tanjungsari": (4 * RATE, 4, 4, 4, 0),
        "Pemerintah Desa Salammulya": (2 * RATE, 2, 2, 0, 2),
    }
    assert next(row.payer.name for row in page.context["page"]) == "Pemerintah Desa Tanjungsari"  # most owed
    csv = client.get(reverse("billing:arrears_list"), {"format": "csv"}).content.decode()
    assert "Pemerintah Desa Tanjungsari" in csv and str(4 * RATE) in csv

    # The administrator's list reads every count as it is: no IN over every payer of the country.
    client.force_login(AdminFactory())
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("billing:arrears_list"), {"sort": "-lapsing"})
    assert [row.payer.name for row in page.context["page"]] == list(rows)  # the cliff first
    assert page.context["summary"].payers == 2
    assert not any('FROM "billing_payer"' in q["sql"].split("FROM", 1)[-1] and "IN (SELECT" in q["sql"]
                   for q in queries.captured_queries)  # fmt: skip


def test_a_payment_counts_its_payers_arrears_again_at_once(client, official, billed):
    from billing.models import Arrears
    from billing.services import payment_record

    arrears_refresh(TODAY)
    tanjungsari = _tanjungsari(billed)
    payment_record(
        payer=tanjungsari.payer,
        channel="va",
        reference="VA-77",
        amount=tanjungsari.total,
        paid_on=TODAY,
        by=official,
    )
    assert list(Arrears.objects.values_list("payer__name", flat=True)) == ["Pemerintah Desa Salammulya"]


def test_the_payer_list_shows_what_each_owed_when_last_counted(client, official, billed):
    client.force_login(official)
    arrears_refresh(TODAY)
    page = client.get(reverse("billing:payer_list"))
    assert [p.name for p in page.context["page"]] == [  # by name
        "Pemerintah Desa Salammulya",
        "Pemerintah Desa Tanjungsari",
    ]
    assert "Rp67.200" in page.content.decode() and "Rp33.600" in page.content.decode()
    overdue = client.get(reverse("billing:payer_list"), {"overdue": "on", "q": "tanjung"})
    assert [p.name for p in overdue.context["page"]] == ["Pemerintah Desa Tanjungsari"]


def test_an_official_issues_this_months_bills_once(client, official, campaign, village_funded):
    client.force_login(official)
    first = client.post(
        reverse("billing:bills_issue"), {"campaign": campaign.pk}, follow=True
    ).content.decode()
    assert "2 tagihan diterbitkan." in first
    again = client.post(
        reverse("billing:bills_issue"), {"campaign": campaign.pk}, follow=True
    ).content.decode()
    assert "0 tagihan diterbitkan." in again


def test_a_contact_is_added_with_a_checked_phone_and_shown_masked(client, official, billed):
    payer = _tanjungsari(billed).payer
    client.force_login(official)
    url = reverse("billing:payer_detail", args=[payer.pk])
    bad = client.post(url, {"role": "treasurer", "name": "Bu Euis", "phone": "12"}).content.decode()
    assert "nomor HP Indonesia yang benar" in bad and not payer.contacts.exists()
    client.post(url, {"role": "treasurer", "name": "Bu Euis", "phone": "0812 3456 7890"})
    page = client.get(url).content.decode()
    assert "Bu Euis" in page and "0812****7890" in page and "081234567890" not in page


def test_a_workers_page_shows_each_month_billed_and_what_paid_it(client, official, billed, village_funded):
    from billing.services import payment_record

    bill = _tanjungsari(billed)
    payment_record(payer=bill.payer, channel="va", reference="VA-1", amount=RATE, paid_on=TODAY, by=official)
    client.force_login(official)
    first = client.get(reverse("billing:enrollment_bills", args=[village_funded[0].pk])).content.decode()
    second = client.get(reverse("billing:enrollment_bills", args=[village_funded[1].pk])).content.decode()
    assert "VA-1" in first and "Belum dibayar" not in first
    assert "Belum dibayar" in second and bill.number in second


def test_outsiders_see_no_payer_and_agents_no_billing(client, other_official, agent, billed):
    payer = Payer.objects.first()
    client.force_login(other_official)
    assert client.get(reverse("billing:payer_detail", args=[payer.pk])).status_code == 404
    assert list(client.get(reverse("billing:payer_list")).context["page"]) == []
    client.force_login(agent)
    assert client.get(reverse("billing:payer_list")).status_code == 403


def test_the_officials_home_warns_of_payers_in_arrears_and_workers_at_the_cliff(client, official, billed):
    from campaigns.models import add_months
    from enrollment.models import Enrollment

    Enrollment.objects.filter(village__code="32.14.16.2005").update(paid_through=add_months(THIS_MONTH, -3))
    arrears_refresh(TODAY)
    client.force_login(official)
    page = client.get(reverse("home")).content.decode()
    assert "2 pembayar menunggak tagihan: Rp100.800 lewat jatuh tempo." in page
    assert "4 pekerja kehilangan perlindungan di akhir bulan ini bila tidak dibayar." in page


def test_a_bill_too_long_for_its_letter_attaches_its_workers_as_a_download(
    client, official, billed, monkeypatch
):
    from billing import views
    from reports.models import ExportLog

    monkeypatch.setattr(views, "LETTER_LINES", 3)
    bill = _tanjungsari(billed)
    client.force_login(official)
    letter = client.get(reverse("billing:bill_detail", args=[bill.pk])).content.decode()
    assert "Lampiran: daftar 4 pekerja, per desa." in letter and "Pekerja 1" not in letter
    response = client.get(reverse("billing:bill_lines", args=[bill.pk]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.count("Pekerja ") == 4 and nik_for(1) not in text and "32.14.16.2005" in text
    log = ExportLog.objects.get()
    assert (log.kind, log.row_count, log.filters) == ("bill", 4, {"bill": [bill.number]})


def test_the_campaign_dashboard_names_the_payers_in_arrears_to_officials(
    client, official, agent, campaign, billed
):
    from campaigns.models import add_months
    from enrollment.models import Enrollment

    Enrollment.objects.filter(village__code="32.14.16.2005").update(paid_through=add_months(THIS_MONTH, -3))
    arrears_refresh(TODAY)
    url = reverse("dashboards:campaign_region_dashboard", args=[campaign.slug, "32.14.16"])
    client.force_login(official)
    page = client.get(url).content.decode()
    assert "2 pembayar menunggak tagihan: Rp100.800 lewat jatuh tempo." in page
    village = reverse("dashboards:campaign_region_dashboard", args=[campaign.slug, "32.14.16.2006"])
    assert "1 pembayar menunggak tagihan: Rp33.600" in client.get(village).content.decode()
    client.force_login(agent)
    assert (
        "menunggak"
        not in client.get(
            reverse("dashboards:campaign_region_dashboard", args=[campaign.slug, "32.14.16.2005"])
        ).content.decode()
    )

"""Issue 24's journeys: an official brings in a DTSEN list and sees what a campaign's rules keep of
it; an agent works through the village's worklist on a phone, one person without a connection."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from campaigns.models import Campaign, Quota
from enrollment.models import Enrollment, Heir
from regions.models import Region
from targeting.models import TargetList, TargetPerson
from tests.browser.conftest import sign_in, type_worker
from tests.factories import PASSWORD, TODAY, CampaignFactory, enroll, nik_for, quota
from tests.targeting.world import confirmed, dtsen_csv, five_people

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def campaign(purwakarta, official):
    campaign = CampaignFactory(
        organizer=Region.objects.get(code="32.14"), status=Campaign.Status.ACTIVE, created_by=official
    )
    quota(campaign, "32.14.16.2005", target=100)
    quota(campaign, "32.14.16.2006", target=100)
    return campaign


def test_an_official_brings_in_a_dtsen_list_and_previews_the_campaigns_rules(
    live_server, desktop, official, campaign, tmp_path
):
    sign_in(desktop, live_server.url, official.username, PASSWORD)
    desktop.goto(live_server.url + reverse("targeting:list_list"))
    desktop.get_by_role("link", name="Tambah daftar sasaran").click()
    desktop.get_by_label("Wilayah daftar (kode)").fill("32.14")
    desktop.get_by_label("Sumber").select_option("dtsen")
    desktop.get_by_label("Putaran pemutakhiran").fill("DTSEN triwulan III 2026")
    desktop.get_by_label("Diserahkan oleh").fill("Dinas Sosial Kab. Purwakarta")
    desktop.get_by_label("Diserahkan pada").fill((TODAY - dt.timedelta(days=7)).isoformat())
    desktop.get_by_label("Nomor berita acara").fill("BA/12/DINSOS/2026")
    file = tmp_path / "desil.csv"
    file.write_bytes(dtsen_csv(five_people()))
    desktop.get_by_label("Berkas").set_input_files(str(file))
    desktop.get_by_role("button", name="Unggah dan periksa").click()

    expect(desktop.locator("main")).to_contain_text("Baru pada putaran ini")
    assert not TargetPerson.objects.exists()  # nothing is used before the confirmation
    desktop.get_by_role("button", name="Berlakukan daftar 5 orang").click()
    expect(desktop.locator("main")).to_contain_text("Diberlakukan pada")
    assert TargetList.objects.get().state == TargetList.State.CURRENT

    desktop.goto(live_server.url + reverse("targeting:campaign_eligibility", args=[campaign.slug]))
    desktop.get_by_label("Desil kesejahteraan dalam daftar sasaran").select_option("refuse")
    desktop.get_by_label("Desil tertinggi").fill("2")
    desktop.get_by_role("button", name="Simpan aturan").click()
    row = desktop.locator("#eligibility-preview tbody tr").filter(has_text="Tanjungsari")
    # Four listed in Tanjungsari, two of decile 1: kept by the rule that refuses above decile 2.
    expect(row.locator("td").nth(1)).to_have_text("4")
    expect(row.locator("td").nth(6)).to_have_text("2")


def test_an_agent_enrolls_from_the_worklist_on_a_phone_one_person_offline(
    live_server, phone, official, agent, campaign
):
    confirmed(official, five_people())
    sign_in(phone, live_server.url, agent.username, PASSWORD)
    phone.goto(live_server.url + reverse("enrollment:enrollment_create"))
    phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
    phone.reload()  # the service worker now controls the pages and keeps the entry page
    phone.wait_for_timeout(1000)
    phone.goto(live_server.url + reverse("targeting:worklist"))  # kept too
    for _try in range(50):  # the worklist's people, fetched and kept by worklist.js (no eval under the CSP)
        if phone.evaluate(f"localStorage.getItem('desa100:worklist:{agent.pk}') !== null"):
            break
        phone.wait_for_timeout(100)
    expect(phone.locator(".worklist-person")).to_have_count(4)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    phone.context.set_offline(True)
    phone.goto(live_server.url + reverse("targeting:worklist"))  # from the phone
    phone.locator(".worklist-person").filter(has_text="Euis Komariah").get_by_role(
        "link", name="Daftarkan"
    ).click()
    expect(phone.get_by_role("heading", name="Daftarkan pekerja")).to_be_visible()
    expect(phone.get_by_label("NIK").first).to_have_value(nik_for(101))  # filled from the list, offline
    expect(phone.get_by_label("Nama lengkap")).to_have_value("Euis Komariah")
    phone.locator("#id_occupation").select_option("petani")
    phone.get_by_label("Penghasilan per bulan (Rp)").fill("1000000")
    phone.locator("#id_heir_name").fill("Ujang")
    phone.get_by_label("Pekerja menyatakan tidak sedang dirawat").check()
    phone.get_by_label("Pekerja setuju datanya diproses").check()
    phone.get_by_role("button", name="Simpan dan tambah lagi").click()
    expect(phone.locator("#queue-count")).to_have_text("1")
    assert not Enrollment.objects.exists()

    phone.context.set_offline(False)
    expect(phone.locator("#queue-list li").filter(has_text="Euis")).to_contain_text("Tersimpan")
    enrollment = Enrollment.objects.get()
    assert (enrollment.worker.nik, enrollment.kk_number) == (nik_for(101), "3214161201150004")
    assert Quota.objects.get(village__code="32.14.16.2005").filled == 1
    phone.goto(live_server.url + reverse("targeting:worklist"))
    expect(phone.locator(".worklist-person")).to_have_count(3)  # Euis is off the worklist

    phone.locator("[data-bs-toggle=offcanvas]").first.click()
    phone.get_by_role("button", name="Keluar").click()
    assert phone.evaluate("Object.keys(localStorage).filter((key) => key.startsWith('desa100:'))") == []


def test_a_mistyped_nik_is_caught_at_entry_and_merged_by_the_official(
    live_server, phone, desktop, official, agent, campaign
):
    enroll(campaign, agent, 1, code="32.14.16.2005", full_name="Asep Saepudin")  # in the regency's campaign
    other = CampaignFactory(
        organizer=Region.objects.get(code="32.14"), status=Campaign.Status.ACTIVE, created_by=official
    )
    quota(other, "32.14.16.2005", target=10)
    sign_in(phone, live_server.url, agent.username, PASSWORD)
    phone.goto(live_server.url + reverse("enrollment:enrollment_create") + f"?quota={other.quotas.get().pk}")
    type_worker(phone, 10, "Asep Saepudin")  # …0010: two digits of …0001 swapped
    near = phone.locator("#nik-check [data-near]")
    expect(near).to_contain_text("Mungkin orang yang sama dengan Asep Saepudin")
    expect(near).to_contain_text("3214********0001")  # masked, before anything is saved
    phone.get_by_role("button", name="Simpan", exact=True).click()
    expect(phone.get_by_role("heading", name="Asep Saepudin")).to_be_visible()
    assert Enrollment.objects.count() == 2  # a warning: the agent may be right

    call_command("find_near_duplicates", "--region", "32.14", stdout=io.StringIO())
    sign_in(desktop, live_server.url, official.username, PASSWORD)
    desktop.goto(live_server.url + reverse("targeting:near_duplicate_list"))
    card = desktop.locator(".card").filter(has_text="3214********0010")
    expect(card).to_contain_text("dua angka NIK yang bersebelahan tertukar")
    card.get_by_role("button", name="Orang yang sama: gabungkan ke yang dicentang").click()
    expect(desktop.get_by_role("alert").first).to_contain_text("Digabung: 1 pendaftaran")
    kept = Enrollment.objects.get(campaign=campaign).worker
    assert kept.nik == nik_for(1)
    assert set(Enrollment.objects.values_list("worker", flat=True)) == {kept.pk}
    assert Heir.objects.count() == 2  # each enrollment keeps its heir


def test_a_branch_file_in_a_saved_layout_and_the_branchs_reply_reconciled(
    live_server, desktop, official, campaign, tmp_path
):
    from enrollment.services import enrollment_verify

    for n in (1, 2):
        enrollment_verify(enrollment=enroll(campaign, official, n, full_name=f"Pekerja {n}"), by=official)
    sign_in(desktop, live_server.url, official.username, PASSWORD)
    desktop.goto(live_server.url + reverse("reports:branch_layout_new"))
    desktop.get_by_label("Kantor cabang").fill("BPJS Ketenagakerjaan Cabang Purwakarta")
    desktop.get_by_label("Wilayah layanannya (kode)").fill("32.14")
    desktop.get_by_label("Tanggal ditulis seperti").select_option("%Y-%m-%d")
    desktop.get_by_label("Berkas").select_option("csv")
    desktop.locator("#id_column-0-header").fill("NO_KTP")  # the branch's own header for the NIK
    desktop.get_by_role("button", name="Simpan format").click()
    expect(desktop.get_by_role("alert").first).to_contain_text("disimpan")

    desktop.goto(live_server.url + reverse("reports:branch_file") + f"?campaign={campaign.pk}")
    with desktop.expect_download() as download:
        desktop.get_by_role("button", name="Unduh berkasnya").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    header, *rows = text.splitlines()
    assert header.split(",")[:3] == ["NO_KTP", "NAMA LENGKAP", "TGL LAHIR"]
    assert [row.split(",")[:3] for row in rows] == [
        [nik_for(1), "Pekerja 1", "1995-08-15"],
        [nik_for(2), "Pekerja 2", "1995-08-15"],
    ]

    reply = tmp_path / "balasan-bpjs.csv"
    reply.write_text("NIK,Nama,No KPJ\n" + "".join(f"{nik_for(n)},Pekerja {n},2501000{n}\n" for n in (1, 2)))
    desktop.goto(live_server.url + reverse("imports:new") + "?kind=branch_list")
    desktop.get_by_label("Kampanye").select_option(str(campaign.pk))
    desktop.get_by_label("Wilayah daftar (kode)").fill("32.14")
    desktop.get_by_label("Berkas").set_input_files(str(reply))
    desktop.get_by_role("button", name="Unggah dan periksa").click()
    desktop.get_by_role("button", name="Aktifkan 2 pendaftaran terverifikasi dan yang dicentang").click()
    expect(desktop.locator("main")).to_contain_text("2 pendaftaran diaktifkan")
    assert sorted(Enrollment.objects.values_list("worker__kpj_number", flat=True)) == ["25010001", "25010002"]

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from campaigns.models import Campaign, Quota
from enrollment.models import Enrollment
from enrollment.services import enrollment_register
from regions.models import Region
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, CampaignFactory, declaration, quota

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agent_enrolls_a_worker_on_a_phone_with_birth_date_and_sex_from_the_nik(live_server, phone, agent):
    campaign = CampaignFactory(organizer=Region.objects.get(code="32.14"), status=Campaign.Status.ACTIVE)
    quota(campaign, "32.14.16.2005", target=100, filled=52)
    sign_in(phone, live_server.url, "agen.tanjungsari", PASSWORD)

    phone.get_by_text("Daftarkan pekerja").first.click()
    phone.wait_for_load_state("load")  # htmx listens to the NIK input only once its script has run
    phone.get_by_label("NIK").first.fill("3214165508950001")
    expect(phone.locator("#nik-check")).to_contain_text("Lahir 15 Agu 1995")
    assert phone.locator("#id_birth_date").input_value() == "1995-08-15"
    assert phone.locator("#id_sex").input_value() == "P"
    phone.get_by_label("Nama lengkap").fill("Euis Suryani")
    phone.locator("#id_occupation").select_option("pedagang")
    phone.get_by_label("Penghasilan per bulan (Rp)").fill("1200000")
    phone.locator("#id_heir_name").fill("Dadang")
    phone.get_by_label("Pekerja menyatakan tidak sedang dirawat").check()
    phone.get_by_label("Pekerja setuju datanya diproses").check()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.get_by_role("button", name="Simpan dan tambah lagi").click()

    expect(phone.get_by_role("alert").first).to_contain_text("Desa Tanjungsari: 53 dari 100 terisi.")
    assert phone.get_by_label("NIK").first.input_value() == ""
    assert phone.get_by_label("Nama lengkap").input_value() == ""
    assert not phone.get_by_label("Pekerja setuju datanya diproses").is_checked()

    # The next worker, straight away, in the emptied form.
    phone.get_by_label("NIK").first.fill("3214161203800002")
    expect(phone.locator("#nik-check")).to_contain_text("Lahir 12 Mar 1980")
    phone.get_by_label("Nama lengkap").fill("Ujang Supriatna")
    phone.locator("#id_occupation").select_option("nelayan")
    phone.get_by_label("Penghasilan per bulan (Rp)").fill("1000000")
    phone.locator("#id_heir_name").fill("Iis")
    phone.get_by_label("Pekerja menyatakan tidak sedang dirawat").check()
    phone.get_by_label("Pekerja setuju datanya diproses").check()
    phone.get_by_role("button", name="Simpan dan tambah lagi").click()
    expect(phone.get_by_role("alert").first).to_contain_text("Desa Tanjungsari: 54 dari 100 terisi.")
    workers = {e.full_name: e.worker.sex for e in Enrollment.objects.select_related("worker")}
    assert workers == {"Euis Suryani": "P", "Ujang Supriatna": "L"}
    assert Quota.objects.get(campaign=campaign).filled == 54
    assert reverse("enrollment:enrollment_create") in phone.url


def test_a_returning_workers_details_are_filled_in_from_the_agents_earlier_entry(live_server, phone, agent):
    earlier = CampaignFactory(organizer=Region.objects.get(code="32.14"), status=Campaign.Status.ACTIVE)
    quota(earlier, "32.14.16.2005")
    enrollment_register(
        campaign=earlier,
        village=Region.objects.get(code="32.14.16.2005"),
        nik="3214165508950001",
        declaration=declaration(full_name="Euis Suryani", occupation="pedagang", monthly_income=1_200_000),
        heirs=[{"name": "Dadang", "relationship": "spouse", "nik": ""}],
        funding_source=None,
        entered_by=agent,
    )
    Campaign.objects.filter(pk=earlier.pk).update(status=Campaign.Status.CLOSED)
    current = CampaignFactory(organizer=Region.objects.get(code="32.14"), status=Campaign.Status.ACTIVE)
    quota(current, "32.14.16.2005")
    sign_in(phone, live_server.url, "agen.tanjungsari", PASSWORD)
    phone.goto(live_server.url + reverse("enrollment:enrollment_create"))

    phone.get_by_label("NIK").first.fill("3214 1655 0895 0001")

    expect(phone.locator("#returning-note")).to_contain_text("Pernah terdaftar")
    assert phone.get_by_label("Nama lengkap").input_value() == "Euis Suryani"
    assert phone.locator("#id_occupation").input_value() == "pedagang"
    assert phone.locator("#id_heir_name").input_value() == "Dadang"
    phone.get_by_label("Pekerja menyatakan tidak sedang dirawat").check()
    phone.get_by_label("Pekerja setuju datanya diproses").check()
    phone.get_by_role("button", name="Simpan", exact=True).click()
    expect(phone.locator("h1")).to_contain_text("Euis Suryani")
    assert Enrollment.objects.get(campaign=current).full_name == "Euis Suryani"

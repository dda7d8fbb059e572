"""The agent's phone on a weak or absent connection (issue 13): nothing typed is lost, nothing twice."""

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from playwright.sync_api import expect

from campaigns.models import Campaign, Quota
from enrollment.models import Enrollment
from enrollment.services import enrollment_register
from regions.models import Region
from tests.browser.conftest import sign_in, type_worker
from tests.factories import PASSWORD, AgentFactory, CampaignFactory, declaration, nik_for, quota

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def campaign(purwakarta):
    campaign = CampaignFactory(organizer=Region.objects.get(code="32.14"), status=Campaign.Status.ACTIVE)
    quota(campaign, "32.14.16.2005", target=100, filled=52)
    return campaign


def _entry_page(phone, live_server, agent):
    sign_in(phone, live_server.url, agent.username, PASSWORD)
    phone.goto(live_server.url + reverse("enrollment:enrollment_create"))
    expect(phone.locator("#quota-" + str(Quota.objects.get().pk))).to_be_checked()


def test_a_double_tap_saves_one_worker_and_says_saved(live_server, phone, agent, campaign):
    _entry_page(phone, live_server, agent)
    type_worker(phone, 1, "Asep Saepudin")
    phone.get_by_role("button", name="Simpan dan tambah lagi").dblclick()
    expect(phone.get_by_role("alert").first).to_contain_text("Asep Saepudin terdaftar")
    phone.wait_for_timeout(500)  # a second request, if one went, has had its answer
    assert Enrollment.objects.count() == 1
    expect(phone.get_by_role("alert").first).to_contain_text("53 dari 100 terisi")
    expect(phone.locator(f"#slots-{Quota.objects.get().pk}")).to_have_text("47 slot tersisa")


def test_three_workers_typed_offline_are_sent_in_order_when_the_network_returns(
    live_server, phone, agent, official, campaign
):
    _entry_page(phone, live_server, agent)
    phone.context.set_offline(True)
    # NIKs two digits apart: neighbours (one digit off) would each be named "perhaps the same person".
    for queued, (n, name) in enumerate(((1, "Asep"), (24, "Budi"), (47, "Cucu")), start=1):
        type_worker(phone, n, name)
        phone.get_by_role("button", name="Simpan dan tambah lagi").click()
        expect(phone.locator("#queue-count")).to_have_text(str(queued))
    assert phone.get_by_label("NIK").first.input_value() == ""  # ready for the next worker
    assert not Enrollment.objects.exists()
    # Meanwhile the official enrolls Budi at the district office.
    enrollment_register(
        campaign=campaign,
        village=Region.objects.get(code="32.14.16.2005"),
        nik=nik_for(24),
        declaration=declaration(full_name="Budi"),
        heirs=[],
        funding_source=None,
        entered_by=official,
    )

    phone.context.set_offline(False)

    queue = phone.locator("#queue-list li")
    expect(queue.filter(has_text="Asep")).to_contain_text("Tersimpan")
    expect(queue.filter(has_text="Cucu")).to_contain_text("Tersimpan")
    expect(queue.filter(has_text="Budi")).to_contain_text("sudah terdaftar di kampanye ini")
    expect(phone.locator("#queue-count")).to_have_text("1")  # Budi stays on the phone, to fix
    saved = list(
        Enrollment.objects.filter(entered_by=agent).order_by("pk").values_list("full_name", flat=True)
    )
    assert saved == ["Asep", "Cucu"]
    assert Quota.objects.get().filled == 55
    expect(phone.locator(f"#slots-{Quota.objects.get().pk}")).to_have_text("45 slot tersisa")
    queue.filter(has_text="Budi").get_by_role("button").click()
    assert phone.get_by_label("Nama lengkap").input_value() == "Budi"  # back in the form to fix


def test_nothing_typed_is_lost_when_the_session_ends_mid_entry(live_server, phone, agent, campaign):
    _entry_page(phone, live_server, agent)
    type_worker(phone, 1, "Asep Saepudin")
    Session.objects.all().delete()  # the session ends while the agent is typing

    phone.get_by_role("button", name="Simpan dan tambah lagi").click()

    expect(phone.locator("#queue-sign-in")).to_be_visible()
    expect(phone.locator("#entry-form")).to_be_visible()  # never the sign-in page inside the form
    assert not Enrollment.objects.exists()
    # Half of the next worker is typed when the agent goes to sign in again.
    phone.get_by_label("NIK").first.fill(nik_for(2))
    phone.get_by_label("Nama lengkap").fill("Budi Setengah")
    phone.locator("#queue-sign-in").get_by_role("link").click()
    phone.get_by_label("Nama pengguna").fill(agent.username)
    phone.get_by_label("Sandi").fill(PASSWORD)
    phone.get_by_role("button", name="Masuk").click()

    expect(phone.locator("#queue-list li").filter(has_text="Asep Saepudin")).to_contain_text("Tersimpan")
    assert Enrollment.objects.get().full_name == "Asep Saepudin"
    assert phone.get_by_label("Nama lengkap").input_value() == "Budi Setengah"  # the form as it was
    assert phone.get_by_label("NIK").first.input_value() == nik_for(2)


def test_an_entry_the_phone_can_tell_is_wrong_is_not_queued(live_server, phone, agent, campaign):
    _entry_page(phone, live_server, agent)
    phone.context.set_offline(True)
    type_worker(phone, 1, "Asep")
    phone.get_by_label("NIK").first.fill("3214169908950001")  # day 99: no birth date
    phone.get_by_role("button", name="Simpan dan tambah lagi").click()
    expect(phone.locator("#entry-messages")).to_contain_text("NIK")
    assert phone.locator("#queue-count").text_content() == "0"
    assert phone.get_by_label("Nama lengkap").input_value() == "Asep"  # kept to fix


def test_the_village_choice_reads_fully_at_360_px_and_a_full_campaign_is_not_preselected(
    live_server, phone, agent, campaign
):
    other = CampaignFactory(
        name="Satu Desa Penuh", organizer=Region.objects.get(code="32.14"), status=Campaign.Status.ACTIVE
    )
    quota(other, "32.14.16.2005", target=10, filled=10)
    sign_in(phone, live_server.url, agent.username, PASSWORD)
    phone.goto(live_server.url + reverse("enrollment:enrollment_create"))
    full = phone.locator(f"#quota-{Quota.objects.get(campaign=other).pk}")
    expect(full).not_to_be_checked()
    expect(phone.locator(f"#quota-{Quota.objects.get(campaign=campaign).pk}")).to_be_checked()
    expect(
        phone.locator("label", has=phone.locator(f"#slots-{Quota.objects.get(campaign=other).pk}"))
    ).to_contain_text("0 slot tersisa")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_another_agents_queue_is_not_shown_on_the_same_phone(live_server, phone, agent, campaign):
    _entry_page(phone, live_server, agent)
    phone.context.set_offline(True)
    type_worker(phone, 1, "Asep")
    phone.get_by_role("button", name="Simpan dan tambah lagi").click()
    expect(phone.locator("#queue-count")).to_have_text("1")
    phone.context.clear_cookies()  # signed out, the entry still on the phone
    phone.context.set_offline(False)
    AgentFactory(username="agen.kedua", regions=["32.14.16.2005"])
    sign_in(phone, live_server.url, "agen.kedua", PASSWORD)
    phone.goto(live_server.url + reverse("enrollment:enrollment_create"))
    expect(phone.locator("#entry-queue")).to_be_hidden()
    assert "Asep" not in phone.content()


def test_the_page_opens_without_a_connection_once_opened_with_one(live_server, phone, agent, campaign):
    _entry_page(phone, live_server, agent)
    phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
    phone.reload()  # the worker now controls the page and keeps it
    phone.wait_for_timeout(1000)
    phone.context.set_offline(True)

    phone.goto(live_server.url + reverse("enrollment:enrollment_create"))

    expect(phone.get_by_role("heading", name="Daftarkan pekerja")).to_be_visible()
    type_worker(phone, 1, "Asep")
    phone.get_by_role("button", name="Simpan dan tambah lagi").click()
    expect(phone.locator("#queue-count")).to_have_text("1")
    phone.context.set_offline(False)
    expect(phone.locator("#queue-list li").filter(has_text="Asep")).to_contain_text("Tersimpan")
    assert Enrollment.objects.get().full_name == "Asep"

"""Two-factor sign-in: officials and administrators type a code from an authenticator app after their
password (when TWO_FACTOR_REQUIRED), agents may choose to; recovery codes; the administrator's reset;
a fresh code for whole numbers and erasures."""

import datetime as dt

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from tests.factories import PASSWORD, AdminFactory, enroll

pytestmark = pytest.mark.django_db


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def code_now(user) -> str:
    device = TOTPDevice.objects.get(user=user)
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def sign_in(client, user, **follow):
    return client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD}, **follow)


def with_authenticator(user) -> list[str]:
    device = two_factor.authenticator_start(user)
    return two_factor.authenticator_confirm(user, device, code_now(user))


def next_step() -> time_machine.travel:
    """Half a minute on: the app shows a new code (a code is taken once)."""
    return time_machine.travel(timezone.now() + dt.timedelta(seconds=31), tick=False)


def test_an_official_sets_up_an_authenticator_at_first_sign_in(client, official, required):
    response = sign_in(client, official, follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("accounts:two_factor_setup"))
    page = response.content.decode()
    assert "<svg" in page  # the QR code, inline
    assert client.get(reverse("home")).status_code == 302  # nothing else until the code

    wrong = client.post(reverse("accounts:two_factor_setup"), {"code": "000000"})
    assert "Kode ini salah" in wrong.content.decode()

    with time_machine.travel(
        timezone.now() + dt.timedelta(seconds=2), tick=False
    ):  # a wrong code: a second's wait
        codes = client.post(reverse("accounts:two_factor_setup"), {"code": code_now(official), "next": "/"})
    shown = codes.content.decode()
    assert "Kode pemulihan" in shown
    assert sum(code in shown for code in codes.context["codes"]) == 10
    assert client.get(reverse("home")).status_code == 200


def test_a_signed_up_official_types_the_code_after_the_password(client, official, required):
    with_authenticator(official)
    target = reverse("enrollment:enrollment_list")

    response = client.post(
        reverse("accounts:login") + f"?next={target}",
        {"username": official.username, "password": PASSWORD, "next": target},
        follow=True,
    )
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:two_factor_verify"))
    assert client.get(target).status_code == 302

    with next_step():
        wrong = client.post(reverse("accounts:two_factor_verify"), {"code": "123456", "next": target})
        assert "sudah dipakai" in wrong.content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=62), tick=False):
        right = client.post(
            reverse("accounts:two_factor_verify"), {"code": code_now(official), "next": target}
        )
    assert right.status_code == 302 and right["Location"] == target
    assert client.get(target).status_code == 200


def test_a_recovery_code_signs_in_once(client, official, required):
    codes = with_authenticator(official)
    sign_in(client, official)

    assert client.post(reverse("accounts:two_factor_verify"), {"code": codes[0]}).status_code == 302
    assert client.get(reverse("home")).status_code == 200

    client.logout()
    sign_in(client, official)
    again = client.post(reverse("accounts:two_factor_verify"), {"code": codes[0]})
    assert again.status_code == 200 and client.get(reverse("home")).status_code == 302


def test_agents_are_not_forced_but_one_who_turned_it_on_is_asked(client, agent, required):
    sign_in(client, agent)
    assert client.get(reverse("home")).status_code == 200

    client.logout()
    with_authenticator(agent)
    sign_in(client, agent)
    assert client.get(reverse("home")).status_code == 302


def test_without_the_requirement_an_official_without_an_authenticator_signs_in_with_the_password(
    client, official
):
    response = sign_in(client, official, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")


def test_an_administrator_resets_a_lost_phone_and_it_is_logged(client, official, required):
    with_authenticator(official)
    admin_user = AdminFactory()
    client.force_login(admin_user)
    with_authenticator(admin_user)
    with next_step():
        client.post(reverse("accounts:two_factor_verify"), {"code": code_now(admin_user)})

    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [official.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert not two_factor.uses_two_factor(official)
    entry = LogEntry.objects.get(object_id=str(official.pk))
    assert entry.user == admin_user and "verifikasi dua langkah" in entry.get_change_message().lower()


def test_whole_numbers_ask_for_a_fresh_code(client, official, agent, campaign, required):
    enroll(campaign, agent, 1)
    with_authenticator(official)
    client.force_login(official)
    with next_step():
        client.post(reverse("accounts:two_factor_verify"), {"code": code_now(official)})
    export = reverse("reports:enrollment_export")
    data = {
        "file_format": "csv",
        "columns": ["nik", "name"],
        "whole": "on",
        "purpose": "Cocokkan dengan BPJS",
    }

    refused = client.post(export, data)
    assert refused.status_code == 200 and "Ketik kode" in refused.content.decode()

    with time_machine.travel(timezone.now() + dt.timedelta(seconds=62), tick=False):
        sent = client.post(export, {**data, "code": code_now(official)})
    assert sent["Content-Type"].startswith("text/csv")


def test_an_erasure_asks_for_a_fresh_code(client, official, agent, campaign, required):
    entry = enroll(campaign, agent, 1, full_name="Ujang Sumarna")
    with_authenticator(official)
    client.force_login(official)
    with next_step():
        client.post(reverse("accounts:two_factor_verify"), {"code": code_now(official)})
    url = reverse("enrollment:enrollment_erase", args=[entry.pk])

    refused = client.post(url, {"reason": "Permintaan pekerja"})
    assert refused.status_code == 200
    entry.refresh_from_db()
    assert entry.full_name == "Ujang Sumarna"

    with time_machine.travel(timezone.now() + dt.timedelta(seconds=62), tick=False):
        client.post(url, {"reason": "Permintaan pekerja", "code": code_now(official)})
    entry.refresh_from_db()
    assert entry.full_name != "Ujang Sumarna"


def test_after_wrong_codes_the_official_is_told_to_wait(client, official, required):
    with_authenticator(official)
    sign_in(client, official)
    with next_step():
        client.post(reverse("accounts:two_factor_verify"), {"code": "123456"})
        right_too_soon = client.post(reverse("accounts:two_factor_verify"), {"code": code_now(official)})

    assert "Tunggu sebentar" in right_too_soon.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_the_branch_registration_file_of_whole_niks_asks_for_a_fresh_code(
    client, official, campaign, required
):
    from reports.models import BranchLayout

    layout = BranchLayout.objects.create(
        name="KCP Purwakarta",
        region=official.regions.get(),
        saved_by=official,
        columns=[["full_name", "NAMA"], ["nik", "NIK"]],
    )
    with_authenticator(official)
    client.force_login(official)
    with next_step():
        client.post(reverse("accounts:two_factor_verify"), {"code": code_now(official)})
    data = {"campaign": campaign.pk, "layout": layout.pk, "region": "", "purpose": "Pendaftaran ke BPJS"}

    refused = client.post(reverse("reports:branch_file"), data)
    assert refused.status_code == 200 and "Ketik kode" in refused.content.decode()

    with time_machine.travel(timezone.now() + dt.timedelta(seconds=62), tick=False):
        sent = client.post(reverse("reports:branch_file"), {**data, "code": code_now(official)})
    assert sent["Content-Disposition"].startswith("attachment")

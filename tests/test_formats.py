"""One way to write a date and one way to write a number in each language, on the pages themselves."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation

from campaigns.templatetags.money import capped, num, rupiah
from enrollment.models import Enrollment
from tests.factories import enroll


@pytest.mark.parametrize(
    ("language", "number", "money"),
    [("id", "19.115", "Rp25.000.000.000"), ("en", "19,115", "Rp25,000,000,000")],
)
def test_numbers_and_rupiah_group_digits_the_way_the_language_does(language, number, money):
    with translation.override(language):
        assert num(19115) == number
        assert rupiah(25_000_000_000) == money


def test_a_count_past_its_cap_reads_as_the_cap_and_more():
    with translation.override("id"):
        assert (capped(1001, 1000), capped(1000, 1000), capped(7, 1000)) == ("1.000+", "1.000", "7")


def test_a_budget_in_english_groups_with_commas_like_every_other_number(client, official, campaign):
    client.force_login(official)
    client.post(reverse("set_language"), {"language": "en"})

    page = client.get(reverse("campaigns:campaign_detail", args=[campaign.slug])).content.decode()

    amounts = re.findall(r"Rp[\d.,]+\d", page)
    assert amounts, "the campaign page shows its budget"
    assert not [amount for amount in amounts if re.search(r"\.\d{3}", amount)], amounts


@pytest.mark.parametrize(
    ("language", "born", "stamp", "wrong"),
    [
        ("id", "15 Agu 1995", "5 Des 2025 09.30", ["Agu.", "Des.", "Desember 2025", "Agustus"]),
        ("en", "15 Aug 1995", "5 Dec 2025 09:30", ["Aug.", "Dec.", "December 2025", "August"]),
    ],
)
def test_the_enrollment_page_writes_every_date_one_way(
    client, official, agent, campaign, language, born, stamp, wrong
):
    enrollment = enroll(campaign, agent)
    entered = dt.datetime(2025, 12, 5, 2, 30, tzinfo=dt.UTC)  # 09.30 in Jakarta
    Enrollment.objects.filter(pk=enrollment.pk).update(entered_at=entered, consent_given_at=entered)
    client.force_login(official)
    client.post(reverse("set_language"), {"language": language})

    page = client.get(reverse("enrollment:enrollment_detail", args=[enrollment.pk])).content.decode()

    assert page.count(stamp) >= 2  # entered, and consent given
    assert born in page
    for spelling in wrong:
        assert spelling not in page

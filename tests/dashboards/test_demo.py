"""The demo data: the stories of DOMAIN.md, consistent as the services keep them, loaded once."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from campaigns.models import Campaign, Quota
from coverage.models import Claim
from dashboards.rollups import Row, with_workforce
from enrollment.integrity import integrity_problems
from enrollment.models import Enrollment
from imports.models import ImportBatch
from regions.models import Region
from tests.conftest import load_regions

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # the demo loads in some 25 s


@pytest.fixture
def demo():
    load_regions("32.14", "13.03", "16.03", "33.11")
    out = StringIO()
    call_command("load_demo", "--force", stdout=out)
    return out.getvalue()


def test_the_stories_are_there_and_add_up(demo):
    assert "agen.krajan" in demo and "desa100-demo" in demo
    assert integrity_problems() == []
    west_java = Campaign.objects.get(slug="1-desa-100-perlindungan-2025-jawa-barat")
    assert west_java.budget == 25_000_000_000 and west_java.quotas.count() == 192
    assert {source.name for source in west_java.funding_sources.all()} >= {"CSR PT Taekwang"}
    tanjungsari = Quota.objects.get(campaign=west_java, village__code="32.14.16.2005")
    assert tanjungsari.baseline == 52 and tanjungsari.signoff == Quota.Signoff.OPEN  # its agent still enrolls
    assert Quota.objects.filter(campaign=west_java, signoff=Quota.Signoff.REGENCY).count() == 1
    launched = Enrollment.objects.filter(
        campaign=west_java, village=tanjungsari.village, entered_at__date="2025-11-21"
    )
    assert launched.count() == 17
    statuses = set(Enrollment.objects.filter(campaign=west_java).values_list("status", flat=True))
    assert statuses == {"reserve", "registered", "verified", "active", "rejected", "cancelled"}
    assert Enrollment.objects.filter(campaign=west_java).with_overlap().filter(overlap=True).exists()
    sijunjung = Campaign.objects.get(slug="satu-nagari-100-pekerja-rentan-sijunjung")
    assert sijunjung.quotas.count() == 61 and sijunjung.quotas.totals().target == 30_000
    assert Campaign.objects.get(slug="pekerja-rentan-muara-enim-2020").status == Campaign.Status.CLOSED
    krajan = Campaign.objects.get(slug="desa-krajan-terlindungi")
    assert krajan.quotas.get().target == 1_000 and krajan.quotas.get().filled == 350
    occupations = set(Enrollment.objects.filter(campaign=krajan).values_list("occupation", flat=True))
    assert {"rt_rw", "bpd", "bumdes", "linmas", "kader_posyandu", "kader_pkk"} <= occupations
    paid = {
        c.enrollment.campaign.slug: c.amount
        for c in Claim.objects.filter(status="paid").select_related("enrollment__campaign")
    }
    assert paid["1-desa-100-perlindungan-2025-jawa-barat"] == 42_000_000
    assert sum(c.amount for c in Claim.objects.filter(enrollment__campaign=krajan)) == 84_000_000
    # A village meeting's list imported by the regency: its ten good rows saved, its two problems kept.
    imported = ImportBatch.objects.get(kind="signups")
    assert (imported.state, imported.enrolled, len(imported.problems)) == ("done", 10, 2)
    # Purwakarta's coverage of informal workers reads about 65% before and 70% after.
    quotas = Quota.objects.filter(campaign__slug="1-desa-100-perlindungan-2025-jawa-barat")
    row = Row.summing(quotas.within(Region.objects.get(code="32.14")).totals(), code="32.14")
    with_workforce([row], ["32.14"])
    assert round(row.coverage_before) == 65 and round(row.coverage) == 70


def test_each_demo_user_signs_in_and_a_second_run_changes_nothing(demo):
    # What each demo user's home page shows of the stories: real numbers, not empty pages.
    homes = {
        "admin": ["Desa Krajan Terlindungi", "350 dari 1.000 terisi", "100 dari 100 terisi"],
        "pejabat.jabar": ["1 Desa 100 Perlindungan 2025 — Jawa Barat", "dari 19.115 terisi"],
        "pejabat.purwakarta": ["dari 19.115 terisi", "Perlindungan Pekerja Rentan Purwakarta 2026"],
        "pejabat.sijunjung": ["301 dari 30.000 terisi"],  # with one nagari's worker entered twice
        "pejabat.muaraenim": ["Kampanye yang selesai", "100 dari 100 terisi (100,0%)"],
        "agen.tanjungsari": ["Desa Tanjungsari:", "slot tersisa"],
        "agen.krajan": ["Desa Krajan: 350 dari 1.000 terisi, 650 slot tersisa"],
    }
    for username, shows in homes.items():
        client = Client()
        signed_in = client.post(reverse("accounts:login"), {"username": username, "password": "desa100-demo"})
        assert signed_in.status_code == 302, username
        page = client.get(reverse("home")).content.decode()
        assert [text for text in shows if text not in page] == [], username
    # A second run changes nothing but the passwords.
    before = Enrollment.objects.count()
    User.objects.filter(username="agen.krajan").update(password="")
    call_command("load_demo", "--force", stdout=StringIO())
    assert Enrollment.objects.count() == before
    assert User.objects.get(username="agen.krajan").check_password("desa100-demo")


def test_the_demo_refuses_to_run_without_debug():
    with pytest.raises(CommandError, match="refusing"):
        call_command("load_demo", stdout=StringIO())


def test_sijunjungs_nagari_are_billed_and_two_are_in_arrears(demo):
    """Each nagari pays its own workers: billed monthly, ten paid last month's bill, two have not."""
    from billing.arrears import counted_for
    from billing.models import Bill, Payer
    from campaigns.models import add_months, month_of

    nagari = Payer.objects.filter(campaign__slug="satu-nagari-100-pekerja-rentan-sijunjung")
    assert nagari.count() == 12 and set(nagari.values_list("kind", flat=True)) == {"village"}
    recent = Bill.objects.filter(payer__in=nagari, month__gte=add_months(month_of(timezone.localdate()), -1))
    assert recent.count() == 24  # last month's and this month's, one per nagari
    earlier = Bill.objects.filter(payer__in=nagari).exclude(pk__in=recent)
    assert earlier.exists() and not earlier.filter(lines__settlement__isnull=True).exists()  # all paid
    late = list(counted_for(nagari, "-amount"))
    assert len(late) == 2 and [row.workers for row in late] == [20, 20]
    assert sorted(row.lapsing for row in late) == [0, 20]  # the one silent longest is at the cliff

    statement = ImportBatch.objects.get(kind="statement")  # Bank Nagari's, matched and confirmed
    assert (statement.state, statement.enrolled) == ("done", 9)
    assert statement.summary["counts"]["unknown"] == 1


def test_purwakartas_csr_payer_paid_two_months_with_one_transfer(demo):
    from billing.models import Payment

    payment = Payment.objects.get(payer__kind="company", reference__startswith="TKW-")
    months = sorted(set(payment.settlements.values_list("line__month", flat=True)))
    assert len(months) == 2 and payment.amount == sum(payment.settlements.values_list("amount", flat=True))

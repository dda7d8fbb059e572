import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from campaigns.models import CampaignError, Quota
from campaigns.services import AllocationError, quota_allocate, quota_import_csv
from regions.models import Region
from tests.factories import CampaignFactory, quota

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Services are tested in the source language; the pages are tested in Indonesian."""
    with translation.override("en"):
        yield


@pytest.fixture
def campaign(purwakarta, official):
    return CampaignFactory(slug="purwakarta", organizer=Region.objects.get(code="32.14"), created_by=official)


def test_100_per_village_for_purwakarta_gives_192_quotas_and_19200_slots(campaign, official):
    result = quota_allocate(
        campaign=campaign, user=official, region=Region.objects.get(code="32.14"), target=100
    )

    assert result.created == 192
    totals = Quota.objects.filter(campaign=campaign).totals()
    assert (totals.villages, totals.target, totals.filled) == (192, 19_200, 0)


def test_only_desa_leaves_out_the_kelurahan(campaign, official):
    purwakarta = Region.objects.get(code="32.14")
    kelurahan = Region.objects.villages().below(purwakarta).filter(kind=Region.Kind.KELURAHAN).count()

    result = quota_allocate(campaign=campaign, user=official, region=purwakarta, target=100, only_desa=True)

    assert kelurahan > 0
    assert result.created == 192 - kelurahan
    assert not Quota.objects.filter(campaign=campaign, village__kind=Region.Kind.KELURAHAN).exists()


def test_allocating_again_changes_the_targets_of_existing_quotas(campaign, official):
    pondoksalam = Region.objects.get(code="32.14.16")
    quota_allocate(campaign=campaign, user=official, region=pondoksalam, target=100)

    result = quota_allocate(campaign=campaign, user=official, region=pondoksalam, target=120)

    assert (result.created, result.updated) == (0, 11)
    assert set(Quota.objects.filter(campaign=campaign).values_list("target", flat=True)) == {120}


def test_lowering_below_filled_is_refused_naming_the_village_and_changes_nothing(campaign, official):
    quota(campaign, "32.14.16.2005", target=100, filled=53)

    with pytest.raises(AllocationError, match="Desa Tanjungsari already has 53 enrolled"):
        quota_allocate(
            campaign=campaign, user=official, region=Region.objects.get(code="32.14.16"), target=50
        )

    assert Quota.objects.filter(campaign=campaign).count() == 1
    assert Quota.objects.get(campaign=campaign).target == 100


def test_allocation_never_reaches_villages_outside_the_users_area(campaign, official):
    result = quota_allocate(
        campaign=campaign, user=official, region=Region.objects.get(code="32"), target=100
    )

    assert result.created == 192  # Purwakarta only, not Karawang
    assert not Quota.objects.filter(village__code__startswith="32.15.").exists()


def test_set_target_refuses_to_go_below_filled_and_keeps_who_changed_it(campaign, official):
    tanjungsari = quota(campaign, "32.14.16.2005", target=100, filled=53)

    with pytest.raises(CampaignError, match="53"):
        tanjungsari.set_target(target=52, baseline=0, by=official)

    tanjungsari.set_target(target=53, baseline=52, by=official)
    tanjungsari.refresh_from_db()
    assert (tanjungsari.target, tanjungsari.baseline) == (53, 52)
    record = tanjungsari.history.filter(history_type="~").get()
    assert (record.target, record.baseline, record.history_user) == (53, 52, official)


def test_allocation_and_csv_keep_the_targets_history(campaign, official):
    quota_allocate(campaign=campaign, user=official, region=Region.objects.get(code="32.14.16"), target=80)
    quota_import_csv(campaign=campaign, user=official, text="32.14.16.2005,90\n")

    tanjungsari = Quota.objects.get(campaign=campaign, village__code="32.14.16.2005")
    assert [
        (h.target, h.history_type, h.history_user) for h in tanjungsari.history.order_by("history_id")
    ] == [
        (80, "+", official),
        (90, "~", official),
    ]


def test_a_quota_csv_creates_and_updates(campaign, official):
    quota(campaign, "32.14.16.2006", target=100, baseline=3)

    result = quota_import_csv(
        campaign=campaign,
        user=official,
        text="village_code,target,baseline\n32.14.16.2005,100,52\n32.14.16.2006,80\n",
    )

    assert (result.created, result.updated) == (1, 1)
    rows = dict(Quota.objects.filter(campaign=campaign).values_list("village__code", "baseline"))
    assert rows == {"32.14.16.2005": 52, "32.14.16.2006": 3}
    assert Quota.objects.get(village__code="32.14.16.2006").target == 80


def test_a_bad_quota_csv_lists_every_bad_line_and_writes_nothing(campaign, official):
    quota(campaign, "32.14.16.2005", target=100, filled=53)
    text = (
        "32.14.16.2006,100\n"  # fine
        "32.14.16.2005,40\n"  # below filled
        "32.15.01.1001,100\n"  # Karawang: outside the area
        "32.14.16,100\n"  # a district
        "32.14.16.2007,lots\n"  # not a number
        "32.14.16.2006,90\n"  # duplicate
        "nonsense\n"
    )

    with pytest.raises(AllocationError) as refused:
        quota_import_csv(campaign=campaign, user=official, text=text)

    problems = refused.value.problems
    assert [p.split(":")[0] for p in problems] == [f"line {n}" for n in range(2, 8)]
    assert "Desa Tanjungsari already has 53 enrolled" in problems[0]
    assert "32.15.01.1001 is not a village in your area" in problems[1]
    assert Quota.objects.filter(campaign=campaign).count() == 1
    assert Quota.objects.get(campaign=campaign).target == 100


def test_the_database_refuses_more_filled_than_target(campaign):
    tanjungsari = quota(campaign, "32.14.16.2005", target=1, filled=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        Quota.objects.filter(pk=tanjungsari.pk).update(filled=2, registered_count=2)


def test_the_database_refuses_two_quotas_for_one_village(campaign):
    quota(campaign, "32.14.16.2005")

    with pytest.raises(IntegrityError), transaction.atomic():
        quota(campaign, "32.14.16.2005")


def test_the_typed_sums_hold_every_figure_a_quota_roll_up_adds():
    """A counter added to Quota.rollup but not to QuotaSums would vanish from every dashboard."""
    from dataclasses import fields

    from campaigns.models import QuotaSums

    assert [f.name for f in fields(QuotaSums)] == list(Quota.rollup())

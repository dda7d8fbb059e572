"""Many sign-ups at once: the entry form's rules, a fixed number of queries, never past the target."""

import pytest
from django.db import transaction
from django.utils import translation

from campaigns.models import Quota
from enrollment.bulk import Entry, EntryRefused, enrollment_register_many
from enrollment.models import Enrollment
from regions.models import Region
from tests.factories import declaration, enroll, nik_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def indonesian():
    with translation.override("id"):
        yield


def _entries(count, code="32.14.16.2005", first=1):
    village = Region.objects.get(code=code)
    return [
        Entry(village=village, nik=nik_for(n), declaration=declaration()) for n in range(first, first + count)
    ]


def _register(campaign, user, entries, reserve_if_full=True):
    with transaction.atomic():
        return enrollment_register_many(
            campaign=campaign, entries=entries, entered_by=user, reserve_if_full=reserve_if_full
        )


def test_slots_then_the_reserve_list_in_the_order_given(campaign, official):
    Quota.objects.filter(campaign=campaign, village__code="32.14.16.2005").update(
        target=3, filled=1, registered_count=1
    )
    result = _register(campaign, official, _entries(4))
    assert [e.status for e in result] == ["registered", "registered", "reserve", "reserve"]
    quota = Quota.objects.get(campaign=campaign, village__code="32.14.16.2005")
    assert (quota.filled, quota.registered_count, quota.reserve_count) == (3, 3, 2)


def test_without_the_reserve_list_the_rest_is_left_out(campaign, official):
    Quota.objects.filter(campaign=campaign, village__code="32.14.16.2005").update(target=1)
    result = _register(campaign, official, _entries(3), reserve_if_full=False)
    assert [e and e.status for e in result] == ["registered", None, None]
    assert Enrollment.objects.count() == 1


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("outside", "di luar wilayah Anda"),
        ("enrolled", "sudah terdaftar di kampanye ini"),
        ("twice", "dua kali"),
        ("signed", "ditandatangani"),
    ],
)
def test_a_refused_entry_is_named_and_nothing_is_saved(campaign, official, agent, setup, message):
    user, entries = agent, _entries(3)
    if setup == "outside":
        entries[1].village = Region.objects.get(code="32.14.16.2006")  # a crafted row: not the agent's
    elif setup == "enrolled":
        enroll(campaign, official, 2)
    elif setup == "twice":
        entries[1].nik = entries[0].nik
    else:
        Quota.objects.filter(campaign=campaign, village__code="32.14.16.2005").update(signoff=1)
    with pytest.raises(EntryRefused, match=message) as refused:
        _register(campaign, user, entries)
    assert refused.value.index == (0 if setup == "signed" else 1)
    assert Enrollment.objects.count() == (1 if setup == "enrolled" else 0)


def test_a_few_queries_per_chunk_not_one_per_entry(campaign, official, django_assert_max_num_queries):
    # Twelve on PostgreSQL; SQLite splits each bulk insert at its limit of variables per statement.
    with django_assert_max_num_queries(40):
        _register(campaign, official, _entries(300))
    assert Enrollment.objects.count() == 300
    assert Enrollment.history.count() == 300


def test_a_chunk_never_takes_a_village_past_its_target_even_from_a_stale_read(campaign, monkeypatch):
    """Invariant 1 under a race: on SQLite (no row locks) another writer may fill the village between
    take_many's read and its UPDATE. The UPDATE's own guard then moves nothing, and says so (None)."""
    from campaigns.models import QuotaQuerySet

    village = Quota.objects.get(campaign=campaign, village__code="32.14.16.2005")
    Quota.objects.filter(pk=village.pk).update(target=3, filled=2, registered_count=2)
    stale = [(village.pk, 0, 3)]  # what it read before the other writer took two slots

    class StaleRead:
        def filter(self, *args, **kwargs):
            return self

        def order_by(self, *args):
            return self

        def values_list(self, *args):
            return stale

    monkeypatch.setattr(QuotaQuerySet, "select_for_update", lambda self: StaleRead())
    assert Quota.objects.take_many({village.pk: 3}, reserve_if_full=False) is None
    village.refresh_from_db()
    assert (village.filled, village.registered_count) == (2, 2)

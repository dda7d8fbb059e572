"""Phone numbers as people read them: masked in lists, whole where needed in the way Indonesians write them."""

import pytest

from accounts.phones import mask_phone, national_phone


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+6281234567890", "0812-3456-7890"),
        ("+6285280257425", "0852-8025-7425"),
        ("", ""),
        ("+1555", "+1555"),
    ],
)
def test_a_whole_number_is_written_the_indonesian_way(stored, shown):
    assert national_phone(stored) == shown


def test_a_masked_number_shows_enough_to_recognise_it():
    assert mask_phone("+6281234567890") == "0812****7890"

import pytest

from .world import five_people


@pytest.fixture
def people(purwakarta):
    """Four people of Tanjungsari (two in one household) and one of Cibodas."""
    return five_people()

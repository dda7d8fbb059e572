"""Personal data in transit and at rest: logs, caches."""

import logging
import logging.config

import pytest
from django.conf import settings
from django.urls import reverse

from config.logging import mask

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("line", "hidden"),
    [
        ("POST nik=3214161508950001 refused", "3214161508950001"),
        ("nik 3214 1615 0895 0001", "1615 0895"),
        ("nik 32.14.16.150895.0001", "150895"),
        ("phone +6281234567890 saved", "+6281234567890"),
        ("phone 0812-3456-7890", "3456"),
    ],
)
def test_the_log_filter_masks_niks_and_phones(line, hidden):
    assert hidden not in mask(line)


def test_every_log_handler_masks_personal_data(capsys):
    logging.config.dictConfig(settings.LOGGING)
    logging.getLogger("desa100.test").warning("worker %s phone %s", "3214161508950001", "081234567890")

    err = capsys.readouterr().err
    assert "3214********0001" in err
    assert "3214161508950001" not in err and "081234567890" not in err


def test_signed_in_pages_are_never_cached(client, agent):
    client.force_login(agent)

    response = client.get(reverse("home"))

    assert "no-store" in response["Cache-Control"]

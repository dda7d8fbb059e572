"""Two-factor sign-in: a password and a code from an authenticator app (TOTP, django-otp), with
recovery codes for a lost phone.

Officials and administrators must use it when TWO_FACTOR_REQUIRED is on (production's default): they
can export whole NIKs and erase personal data, so a guessed or phished password must not be enough.
Agents may turn it on for themselves (their phones are often shared and cheap, so it is not forced).
Exports of whole numbers and erasures ask for a fresh code even within a verified session.
"""

from __future__ import annotations

import base64
import logging
import secrets
from typing import TYPE_CHECKING

import segno
from django.conf import settings
from django.db import transaction
from django.utils.safestring import SafeString
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)
RECOVERY_CODES = 10
# Set at sign-in for a user who has an authenticator, so that the check on each page reads the
# session, not the devices table (accounts.middleware).
PENDING_SESSION_KEY = "two_factor_pending"


def must_use(user: User) -> bool:
    """Whether this user may not work without a second factor (by role; no query)."""
    return settings.TWO_FACTOR_REQUIRED and (user.is_superuser or user.is_staff or user.is_official)


def uses_two_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def authenticator_start(user: User) -> TOTPDevice:
    """The authenticator being set up (unconfirmed until its first code), made on first use: the
    same secret while the user scans it and types the code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it when typed: base32 in groups of four."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_code(device: TOTPDevice) -> SafeString:
    """The QR code an authenticator app scans, as inline SVG (nothing fetched, no image library)."""
    return SafeString(segno.make(device.config_url, error="m").svg_inline(scale=4, border=2))


@transaction.atomic
def authenticator_confirm(user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the new authenticator with its first code; it replaces any earlier one, and new
    recovery codes replace the old. The recovery codes, or None when the code is wrong."""
    if not device.verify_token(_digits(code)):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    logger.info("two-factor sign-in set up by user %s", user.pk)
    return recovery_codes_issue(user)


@transaction.atomic
def recovery_codes_issue(user: User) -> list[str]:
    """Ten new single-use recovery codes (the old ones stop working), shown to the user once. The
    database keeps them as django-otp does, like the authenticator's secret: the database and its
    backups are protected as personal data already are."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [secrets.token_hex(4) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def _digits(code: str) -> str:
    return "".join(code.split())[:16]


def code_device(user: User, code: str) -> TOTPDevice | StaticDevice | None:
    """The device that accepts this code: the authenticator's six digits, or a recovery code (used
    up). Throttled by django-otp: each wrong code doubles the wait before the next is tried."""
    code = _digits(code)
    devices = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    for device in devices.objects.filter(user=user, confirmed=True):
        if accepted := verify_token(user, device.persistent_id, code):
            return accepted
    return None


def two_factor_reset(user: User, *, by: User) -> None:
    """An administrator's reset for a lost phone: every authenticator and recovery code of the user
    goes; they set up a new one at their next sign-in. Logged by the caller in Django admin's history."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    logger.warning("two-factor sign-in of user %s reset by administrator %s", user.pk, by.pk)


def waiting(user: User) -> bool:
    """Whether too many wrong codes make the user wait before the next is tried (django-otp)."""
    return any(
        not device.verify_is_allowed()[0] for device in TOTPDevice.objects.filter(user=user, confirmed=True)
    )

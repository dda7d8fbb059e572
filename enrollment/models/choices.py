"""An enrollment's statuses, the groups of them the rules ask about, and the status a user sees."""

from __future__ import annotations

import datetime as dt
from functools import cache

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    RESERVE = "reserve", _("Reserve (cadangan)")
    REGISTERED = "registered", _("Registered")
    VERIFIED = "verified", _("Verified")
    ACTIVE = "active", _("Active")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class Occupation(models.TextChoices):
    # DOMAIN.md: the occupations commonly enrolled, in its order.
    PETANI = "petani", _("Farmer (petani)")
    BURUH_TANI = "buruh_tani", _("Farm labourer (buruh tani)")
    NELAYAN = "nelayan", _("Fisher (nelayan)")
    PEDAGANG = "pedagang", _("Trader (pedagang)")
    BURUH_BANGUNAN = "buruh_bangunan", _("Construction labourer (buruh bangunan)")
    TUKANG = "tukang", _("Craftsman (tukang)")
    OJEK = "ojek", _("Ojek driver (tukang ojek / ojek online)")
    SOPIR = "sopir", _("Driver (sopir)")
    KURIR = "kurir", _("Courier (kurir)")
    GURU_NGAJI = "guru_ngaji", _("Quran teacher (guru ngaji)")
    MARBOT = "marbot", _("Mosque caretaker (marbot)")
    PEMANDI_JENAZAH = "pemandi_jenazah", _("Washer of the dead (pemandi jenazah)")
    PEMULUNG = "pemulung", _("Waste picker (pemulung)")
    SENIMAN = "seniman", _("Artist (seniman)")
    BURUH_HARIAN = "buruh_harian", _("Day labourer (buruh harian lepas)")
    PERANGKAT_DESA = "perangkat_desa", _("Village official (perangkat desa)")
    RT_RW = "rt_rw", _("RT/RW head")
    BPD = "bpd", _("BPD member")
    BUMDES = "bumdes", _("BUMDes staff")
    LINMAS = "linmas", _("Linmas")
    KADER_POSYANDU = "kader_posyandu", _("Posyandu cadre (kader Posyandu)")
    KADER_PKK = "kader_pkk", _("PKK cadre (kader PKK)")
    OTHER = "other", _("Other")


SLOT_HOLDING = (Status.REGISTERED, Status.VERIFIED, Status.ACTIVE)
OPEN = (Status.RESERVE, *SLOT_HOLDING)  # counts as "already in the campaign"
CORRECTABLE = (Status.RESERVE, Status.REGISTERED)  # not yet checked by an official
REJECTABLE = (Status.RESERVE, Status.REGISTERED, Status.VERIFIED)  # not yet a BPJS member

RENEW_WITHIN_DAYS = 30  # cover ending this soon is listed for renewal

# An active enrollment whose cover has ended is shown as such, never as "Active": a claim for an
# accident after that day is refused. Not a stored status: nothing has to run on the day it ends.
COVER_ENDED = "ended"


def shown_status(status: str, coverage_ends: dt.date | None, today: dt.date) -> str:
    """The status users see: the stored one, or COVER_ENDED once an active enrollment's cover is over
    (`coverage_ends` is the first day no longer covered)."""
    if status == Status.ACTIVE and coverage_ends is not None and coverage_ends <= today:
        return COVER_ENDED
    return status


@cache  # the labels are lazy: translated when shown, so one list serves every language
def shown_status_choices() -> list[tuple[str, str | Promise]]:
    """Every status a list can show and be filtered by, "cover ended" after "active"."""
    choices = list(Status.choices)
    at = [value for value, _label in choices].index(Status.ACTIVE) + 1
    return [*choices[:at], (COVER_ENDED, _("Cover ended")), *choices[at:]]


# The colour of each shown status's badge (Enrollment.badge).
BADGES = {
    Status.ACTIVE: "text-bg-success",
    Status.VERIFIED: "text-bg-info",
    Status.REGISTERED: "text-bg-light border",
    Status.RESERVE: "text-bg-warning",
    COVER_ENDED: "text-bg-danger",
}


# Lazy labels, translated when shown: looked up per row of a list, not rebuilt per row (3 ms a page).
OCCUPATION_LABELS = dict(Occupation.choices)
SHOWN_STATUS_LABELS = dict(shown_status_choices())

"""The demo's building blocks, each a call of the services the pages use."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from billing.bills import bills_issue
from billing.models import BillLine, Payer, Payment
from billing.paying import month_pay
from campaigns.models import Campaign, add_months, month_of
from coverage.claims import claim_decide, claim_record
from coverage.services import month_due
from enrollment.bulk import Entry, enrollment_register_many
from enrollment.models import Enrollment
from enrollment.services import enrollment_activate
from regions.models import Region

from .people import PASSWORD, USERS


def make_users() -> dict[str, User]:
    users = {}
    for username, name, role, codes, superuser in USERS:
        user, _created = User.objects.get_or_create(username=username)
        user.first_name, user.role, user.is_active = name, role, True
        user.is_superuser = user.is_staff = superuser
        user.set_password(PASSWORD)
        user.save()
        user.regions.set(Region.objects.filter(code__in=codes))
        users[username] = user
    return users


def new_campaign(by: User, organizer: str, **fields) -> Campaign:
    return Campaign.objects.create(organizer=Region.objects.get(code=organizer), created_by=by, **fields)


def open_campaign(campaign: Campaign, *, by: User) -> None:
    """Activated as the service does, dated a week before the campaign starts (not when the demo loads)."""
    campaign.activate(by=by)
    opened = timezone.make_aware(dt.datetime.combine(campaign.starts_on - dt.timedelta(days=7), dt.time(10)))
    Campaign.objects.filter(pk=campaign.pk).update(activated_at=opened)


def enroll(campaign, by, village, people, rng, count, occupations, source=None, entered_on=None):
    """`count` workers signed up in `village` through the bulk entry service, entered on a day of the
    campaign (moved back after saving)."""
    today = timezone.localdate()
    entries = []
    for _n in range(count):
        nik, name, _sex = people.next(rng, today)
        entries.append(
            Entry(
                village=village,
                nik=nik,
                declaration={
                    "full_name": name,
                    "phone": f"+628{rng.randint(1100000000, 5999999999)}",
                    "address": f"RT {rng.randint(1, 9):02d}/RW {rng.randint(1, 6):02d}",
                    "occupation": rng.choice(occupations),
                    "monthly_income": rng.choice([800_000, 1_000_000, 1_200_000, 1_500_000, 2_000_000]),
                    "declared_not_hospitalised": True,
                },
                heir={"name": people.name(rng), "relationship": "spouse"},
                funding_source=source,
            )
        )
    with transaction.atomic():
        saved = enrollment_register_many(
            campaign=campaign, entries=entries, entered_by=by, reserve_if_full=True
        )
    ids = [registered.pk for registered in saved if registered]
    found = Enrollment.objects.in_bulk(ids)
    enrolled = [found[pk] for pk in ids]
    if entered_on:
        moment = timezone.make_aware(dt.datetime.combine(entered_on, dt.time(9, rng.randint(0, 59))))
        Enrollment.objects.filter(pk__in=[e.pk for e in enrolled]).update(
            entered_at=moment, consent_given_at=moment
        )
        # The entry's history says it was created when it was entered, not when the demo was loaded.
        Enrollment.history.filter(id__in=[e.pk for e in enrolled], history_type="+").update(
            history_date=moment, entered_at=moment, consent_given_at=moment
        )
    return enrolled


def activate(enrollments, by, starts: dt.date, kpj_from: int) -> None:
    for n, enrollment in enumerate(enrollments):  # the service reads each afresh, under its lock
        enrollment_activate(
            enrollment=enrollment, by=by, kpj_number=f"{kpj_from + n:011d}", coverage_starts=starts
        )


def jkm_paid(enrollment: Enrollment, died: dt.date, by: User) -> None:
    """The JKM death benefit, Rp 42,000,000, claimed with the usual documents and paid to the heir."""
    claim = claim_record(
        enrollment=enrollment,
        kind="jkm_death",
        event_on=died,
        amount=42_000_000,
        heir=enrollment.heirs.first(),
        documents=["death_certificate", "id_cards", "heir_letter", "membership_card"],
        by=by,
    )
    claim_decide(claim=claim, paid=True, by=by, on=died + dt.timedelta(days=21))


def open_a_year() -> dt.date:
    """An end date that keeps a demo campaign taking entries whenever the demo is loaded."""
    return max(dt.date(2026, 12, 31), timezone.localdate() + dt.timedelta(days=365))


def pay(campaign, region, by, first: dt.date, last: dt.date, kinds: tuple[str, ...] = ()) -> None:
    """Each month from `first` to `last` paid for the area's workers by each of their payers (of these
    kinds, when named), as their treasurers would: the month billed, then one transfer per payer with
    its own reference."""
    month = month_of(first)
    while month <= last:
        _month, due, _counts = month_due(campaign=campaign, region=region, month=month, by=by)
        bills_issue(month=month, campaigns=Campaign.objects.filter(pk=campaign.pk), by=by, enrollments=due)
        owing = BillLine.objects.filter(month=month, enrollment__in=due).open()
        payers = Payer.objects.filter(pk__in=owing.values("bill__payer")).order_by("pk")
        for payer in payers.filter(kind__in=kinds) if kinds else payers:
            month_pay(
                campaign=campaign, region=region, month=month, paid_on=month + dt.timedelta(days=9),
                channel=Payment.Channel.TRANSFER, reference=f"TRF{month:%Y%m}{region.code}-{payer.pk}",
                by=by, payer=payer,
            )  # fmt: skip
        month = add_months(month, 1)

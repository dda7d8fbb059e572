"""Reminders before the cliff: written by the rules (ReminderRule), sent by the background worker.

A message is short, in Indonesian, and carries a name, the village, the month, the amount and the bill
number: never a NIK, a KPJ or a link (BPJS's own 2020 SMS with links raised phishing fears; see
`safe_text`). Each is written once per event (`Message.event` is unique), held through the quiet hours
(21:00-07:00 WIB) and past a payer's daily cap, and retried with backoff when the gateway fails.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.error
import urllib.request
import zoneinfo
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from campaigns.models import add_months, month_of
from config.formatting import rupiah
from enrollment.lapse import lapsing_this_month_q
from enrollment.models import Enrollment

from .models import Bill, BillLine, Message, Payer, ReminderRule

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
QUIET_FROM, QUIET_UNTIL = dt.time(21), dt.time(7)
MAX_ATTEMPTS = 5
# What may never be in a message: a run of 11 digits or more (a NIK has 16, a KPJ 11, however
# spaced or dotted), or a link.
LONG_NUMBER = re.compile(r"\d{11,}")
LINK = re.compile(r"https?:|www\.|://", re.IGNORECASE)


class UnsafeMessage(ValueError):
    pass


def safe_text(text: str) -> str:
    """The text, or an error when it holds a long number or a link (a bug, never sent)."""
    if LONG_NUMBER.search(re.sub(r"[\s.\-]", "", text)) or LINK.search(text):
        raise UnsafeMessage(text)
    return text[:320]


# ---- writing -----------------------------------------------------------------------------------


@dataclass
class Draft:
    payer: Payer
    kind: str
    to: str
    recipient: str
    text: str
    event: str
    enrollment_id: int | None = None  # a message to the worker


CONSENT: dict[str, str] = {"sms": "remind_by_sms", "whatsapp": "remind_by_whatsapp"}


def _contacts(payer: Payer) -> Iterator[tuple[str, str, str]]:
    """(phone, name, key) of whoever hears about a payer's bills."""
    for contact in payer.contacts.all():
        yield contact.phone, contact.name, f"c{contact.pk}"


def _agents(payer: Payer) -> Iterator[tuple[str, str, str]]:
    """The village's agents with a phone: they know the treasurer and the workers."""
    agents = User.objects.agents().filter(is_active=True, regions=payer.region).exclude(phone="")
    for agent in agents:
        yield agent.phone, str(agent), f"u{agent.pk}"


def _bill_drafts(rule: ReminderRule, today: dt.date) -> Iterator[Draft]:
    bills = Bill.objects.in_force().select_related("payer__region").prefetch_related("payer__contacts")
    if rule.kind == ReminderRule.Kind.BILL_ISSUED:
        bills = bills.filter(issued_at__date__gte=today - dt.timedelta(days=2))
    else:
        bills = bills.filter(
            due_on=today + dt.timedelta(days=rule.days if rule.kind == rule.Kind.DUE_SOON else 0)
        )
    unpaid = dict(
        BillLine.objects.open().filter(bill__in=bills).order_by().values("bill").annotate(n=Sum("amount"))
        .values_list("bill", "n")
    )  # fmt: skip
    for bill in bills:
        owed = unpaid.get(bill.pk)
        if not owed:
            continue  # paid already: nothing to remind
        text = _bill_text(rule.kind, bill, owed)
        for phone, name, key in _contacts(bill.payer):
            yield Draft(
                bill.payer, rule.kind, phone, name, text, f"{rule.kind}:b{bill.pk}:{key}:{rule.channel}"
            )


def _bill_text(kind: str, bill: Bill, owed: int) -> str:
    values = {
        "payer": bill.payer.name,
        "month": date_format(bill.month, "YEAR_MONTH_FORMAT"),
        "amount": rupiah(owed),
        "number": bill.number,
        "due": date_format(bill.due_on, "j N Y"),
    }
    if kind == ReminderRule.Kind.BILL_ISSUED:
        return (
            _("Desa100: bill %(number)s for %(payer)s, contributions of %(month)s: %(amount)s, due %(due)s.")
            % values
        )
    if kind == ReminderRule.Kind.DUE_TODAY:
        return _("Desa100: bill %(number)s (%(payer)s, %(month)s) of %(amount)s is due today.") % values
    return _("Desa100: bill %(number)s (%(payer)s, %(month)s) of %(amount)s is due on %(due)s.") % values


def _cliff_drafts(rule: ReminderRule, today: dt.date) -> Iterator[Draft]:
    """Payers whose billed workers lapse at the end of this month, from `rule.days` before it."""
    month_end = _month_end(today)
    if (month_end - today).days > rule.days:
        return
    at_cliff = BillLine.objects.filter(bill__replaced_by__isnull=True).filter(
        lapsing_this_month_q(today, "enrollment__paid_through")
    )
    counts = dict(
        at_cliff.order_by().values("bill__payer").annotate(n=Count("enrollment", distinct=True))
        .values_list("bill__payer", "n")
    )  # fmt: skip
    for payer in (
        Payer.objects.filter(pk__in=list(counts)).select_related("region").prefetch_related("contacts")
    ):
        values = {"count": counts[payer.pk], "payer": payer.name, "date": date_format(month_end, "j N Y")}
        text = (
            _(
                "Desa100: %(count)s workers paid by %(payer)s lose their BPJS cover after %(date)s unless paid."
            )
            % values
        )
        for phone, name, key in [*_contacts(payer), *_agents(payer)]:
            event = f"{rule.kind}:{month_end:%Y%m}:p{payer.pk}:{key}:{rule.channel}"
            yield Draft(payer, rule.kind, phone, name, text, event)


def _month_end(today: dt.date) -> dt.date:
    return add_months(month_of(today), 1) - dt.timedelta(days=1)


def _worker_drafts(rule: ReminderRule, today: dt.date) -> Iterator[Draft]:
    """Workers whose cover lapses at the end of this month unless paid, who agreed to be told on this
    channel, from `rule.days` before it: told who owes their contributions (their payer)."""
    month_end = _month_end(today)
    if (month_end - today).days > rule.days:
        return
    lines = (
        BillLine.objects.open()
        .filter(lapsing_this_month_q(today, "enrollment__paid_through"))
        .filter(enrollment__status=Enrollment.Status.ACTIVE, **{f"enrollment__{CONSENT[rule.channel]}": True})
        .exclude(enrollment__phone="")
        .order_by("enrollment_id", "month")
        .values_list("enrollment_id", "enrollment__full_name", "enrollment__phone", "month", "bill__payer_id")
    )
    first: dict[int, tuple] = {}
    for enrollment_id, *rest in lines.iterator(chunk_size=2000):
        first.setdefault(enrollment_id, tuple(rest))  # the oldest month unpaid
    payers = Payer.objects.in_bulk({payer_id for *_rest, payer_id in first.values()})
    for enrollment_id, (name, phone, month, payer_id) in first.items():
        payer = payers[payer_id]
        values = {
            "name": name[:40],
            "date": date_format(month_end, "j N Y"),
            "month": date_format(month, "YEAR_MONTH_FORMAT"),
            "payer": payer.name[:60],
        }
        text = (
            _(
                "Desa100: %(name)s, your BPJS Ketenagakerjaan cover ends after %(date)s: contributions from "
                "%(month)s are unpaid. %(payer)s pays them; ask them or your village's agent."
            )
            % values
        )
        event = f"{rule.kind}:{month_end:%Y%m}:e{enrollment_id}:{rule.channel}"
        yield Draft(payer, rule.kind, phone, name, text, event, enrollment_id)


DRAFTS: dict[str, Callable[[ReminderRule, dt.date], Iterator[Draft]]] = {
    ReminderRule.Kind.CLIFF: _cliff_drafts,
    ReminderRule.Kind.WORKER_LAPSING: _worker_drafts,
}


def reminders_write(today: dt.date) -> int:
    """Write the messages every active rule asks for today; an event already written is skipped."""
    written = 0
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):  # to Indonesian phones, in Indonesian
        for rule in ReminderRule.objects.filter(active=True):
            for draft in DRAFTS.get(rule.kind, _bill_drafts)(rule, today):
                try:
                    with transaction.atomic():
                        Message.objects.create(
                            payer=draft.payer, kind=draft.kind, channel=rule.channel, to=draft.to,
                            recipient=draft.recipient[:150], text=safe_text(draft.text), event=draft.event[:120],
                            not_before=now, enrollment_id=draft.enrollment_id,
                        )  # fmt: skip
                    written += 1
                except IntegrityError:
                    continue  # written before: once per event
    return written


# ---- sending -----------------------------------------------------------------------------------


def after_quiet_hours(moment: dt.datetime) -> dt.datetime:
    """`moment`, or 07:00 WIB after it when it falls in the quiet hours (21:00-07:00)."""
    local = moment.astimezone(WIB)
    if QUIET_UNTIL <= local.time() < QUIET_FROM:
        return moment
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, QUIET_UNTIL, WIB)


class GatewayError(Exception):
    """The gateway refused the message or could not be reached; the text is its answer."""


def _send_http(message: Message) -> str:
    body = settings.MESSAGES_GATEWAY_BODY
    payload = json.loads(body) if body else {"to": "{to}", "channel": "{channel}", "text": "{text}"}
    filled = {
        key: str(value).format(to=message.to, channel=message.channel, text=message.text)
        for key, value in payload.items()
    }
    request = urllib.request.Request(
        settings.MESSAGES_GATEWAY_URL,
        data=json.dumps(filled).encode(),
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {settings.MESSAGES_GATEWAY_TOKEN}",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.MESSAGES_GATEWAY_TIMEOUT) as response:
            return response.read(300).decode(errors="replace")
    except urllib.error.HTTPError as error:
        raise GatewayError(f"HTTP {error.code}: {error.read(200).decode(errors='replace')}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise GatewayError(str(getattr(error, "reason", error))[:300]) from None


def _send_file(message: Message) -> str:
    """The console and file backends of `make run`: the message written where a developer reads it."""
    line = f"{timezone.now():%Y-%m-%d %H:%M} {message.channel} {message.to}: {message.text}\n"
    if settings.MESSAGES_BACKEND == "file":
        with Path(settings.MESSAGES_FILE).open("a", encoding="utf-8") as out:
            out.write(line)
    else:
        print(line, end="")
    return "ok"


def _deliver(message: Message) -> str:
    return _send_http(message) if settings.MESSAGES_BACKEND == "http" else _send_file(message)


def outbox_send(now: dt.datetime | None = None) -> dict[str, int]:
    """Send the queued messages that are due: held through the quiet hours and past a payer's daily
    cap, retried with backoff (1, 2, 4, 8 minutes…) until MAX_ATTEMPTS, then failed with the answer."""
    now = now or timezone.now()
    done = {"sent": 0, "held": 0, "failed": 0, "retry": 0}
    quiet_until = after_quiet_hours(now)
    due = Message.objects.filter(status=Message.Status.QUEUED, not_before__lte=now).order_by(
        "not_before", "pk"
    )
    if quiet_until > now:
        done["held"] = due.update(not_before=quiet_until)
        return done
    today_start = dt.datetime.combine(now.astimezone(WIB).date(), dt.time(0), WIB)
    batch = list(due[:500])
    # The cap is the payer's: its contacts are not told more than so many times a day. A worker hears
    # about their own cover once a month (the event), whatever their payer was sent.
    sent_today = Counter(  # per payer, counted once for the batch and kept up as it goes
        Message.objects.filter(
            payer_id__in={m.payer_id for m in batch},
            status__in=(Message.Status.SENT, Message.Status.DELIVERED),
            sent_at__gte=today_start,
            enrollment__isnull=True,
        ).values_list("payer_id", flat=True)
    )
    for message in batch:
        capped = message.enrollment_id is None
        if capped and sent_today[message.payer_id] >= settings.MESSAGES_DAILY_CAP:
            message.not_before = after_quiet_hours(today_start + dt.timedelta(days=1))
            message.save(update_fields=["not_before"])
            done["held"] += 1
            continue
        message.attempts += 1
        try:
            message.answer = _deliver(message)[:300]
        except GatewayError as error:
            message.answer = str(error)[:300]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = Message.Status.FAILED
                done["failed"] += 1
            else:
                message.not_before = now + dt.timedelta(minutes=2 ** (message.attempts - 1))
                done["retry"] += 1
        else:
            message.status, message.sent_at = Message.Status.SENT, now
            message.gateway_id = _gateway_id(message.answer)
            sent_today[message.payer_id] += capped
            done["sent"] += 1
        message.save(update_fields=["attempts", "answer", "status", "sent_at", "not_before", "gateway_id"])
    return done


def _gateway_id(answer: str) -> str:
    """The gateway's id of the message, from its JSON answer (the field settings name); "" if none."""
    try:
        found = json.loads(answer).get(settings.MESSAGES_GATEWAY_ID_FIELD, "")
    except (ValueError, AttributeError):
        return ""
    return str(found)[:64] if isinstance(found, str | int) else ""


# ---- delivery receipts -------------------------------------------------------------------------

DELIVERED = {"delivered", "read", "terkirim", "diterima"}
UNDELIVERED = {"failed", "undelivered", "rejected", "expired", "gagal"}


def receipt_record(gateway_id: str, status: str, detail: str = "") -> bool:
    """The gateway's receipt for a message it sent: delivered, or failed with its reason. False when
    no message has that id. A receipt never moves a message back (delivered stays delivered)."""
    status = status.strip().lower()
    if not gateway_id or status not in DELIVERED | UNDELIVERED:
        return False
    sent = Message.objects.filter(gateway_id=gateway_id[:64], status=Message.Status.SENT)
    if status in DELIVERED:
        changed = sent.update(status=Message.Status.DELIVERED)
    else:
        answer = f"{status}: {detail}".strip(": ")[:300]
        changed = sent.update(status=Message.Status.FAILED, answer=answer)
    return bool(changed) or Message.objects.filter(gateway_id=gateway_id[:64]).exists()

import http.server
import json
import threading

import pytest

from campaigns.models import Campaign, FundingSource, add_months, month_of
from enrollment.models import Enrollment
from enrollment.services import enrollment_activate
from tests.factories import TODAY, enroll

THIS_MONTH = month_of(TODAY)
LAST_MONTH = add_months(THIS_MONTH, -1)


@pytest.fixture
def village_funded(campaign, official, agent):
    return village_funded_workers(campaign, official, agent)


@pytest.fixture(autouse=True)
def reminder_rules(db):
    """The rules the migration writes (a transactional test elsewhere may have emptied the table)."""
    from importlib import import_module

    from billing.models import ReminderRule

    rules = import_module("billing.migrations.0002_reminders").DEFAULT_RULES
    rules += import_module("billing.migrations.0003_worker_reminders_and_receipts").WORKER_RULES
    for kind, days in rules:
        ReminderRule.objects.get_or_create(kind=kind, defaults={"days": days, "channel": "sms"})


def village_funded_workers(campaign, official, agent):
    """Four active workers of Tanjungsari paid by their village's budget, and two of Cibodas, covered
    from last month; nothing paid yet."""
    Campaign.objects.filter(pk=campaign.pk).update(starts_on=LAST_MONTH)
    campaign.refresh_from_db()
    source = FundingSource.objects.create(campaign=campaign, kind="village", name="APB Desa")
    workers = [enroll(campaign, agent, n, full_name=f"Pekerja {n}") for n in (1, 2, 3, 4)]
    workers += [enroll(campaign, official, n, code="32.14.16.2006", full_name=f"Pekerja {n}") for n in (5, 6)]
    for n, worker in enumerate(workers):
        worker.funding_source = source
        worker.save(update_fields=["funding_source"])
        enrollment_activate(enrollment=worker, by=official, kpj_number=f"2501{n:07d}", coverage_starts=TODAY)
    # Activated from last month on, as they would have been then (the services refuse a past start).
    ids = [w.pk for w in workers]
    Enrollment.objects.filter(pk__in=ids).update(
        coverage_starts=LAST_MONTH,
        coverage_ends=add_months(LAST_MONTH, 12),
        paid_through=add_months(LAST_MONTH, -1),
    )
    return list(Enrollment.objects.filter(pk__in=ids).order_by("pk"))


def paid_as_lines_say() -> list:
    """Bills whose `paid` counter differs from their lines whose month is paid: none, ever."""
    from django.db.models import Exists, OuterRef

    from billing.models import Bill, BillLine
    from coverage.models import Contribution

    wrong = []
    for bill in Bill.objects.all():
        paid = Contribution.objects.filter(enrollment=OuterRef("enrollment"), month=OuterRef("month"))
        lines = BillLine.objects.filter(bill=bill).filter(Exists(paid))
        if bill.paid != sum(lines.values_list("amount", flat=True)):
            wrong.append((bill.number, bill.paid))
    return wrong


class Gateway(http.server.BaseHTTPRequestHandler):
    """An SMS gateway on loopback: answers as `answers` says, remembers what it was sent."""

    answers: list[tuple[int, float]] = []
    received: list[dict] = []

    def do_POST(self):
        status, delay = self.answers.pop(0) if self.answers else (200, 0)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append({**body, "auth": self.headers["Authorization"]})
        threading.Event().wait(delay)
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b'{"id": "gw-1"}' if status == 200 else b'{"error": "quota exceeded"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Gateway.answers, Gateway.received = [], []
    settings.MESSAGES_BACKEND = "http"
    settings.MESSAGES_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.MESSAGES_GATEWAY_TOKEN = "rahasia"
    settings.MESSAGES_GATEWAY_BODY = '{"msisdn": "{to}", "message": "{text}"}'
    settings.MESSAGES_GATEWAY_TIMEOUT = 1
    yield Gateway
    server.shutdown()

"""Who pays each worker's contribution, what they were billed, and the payments that settled it.

A payer owes the months of its workers; a monthly bill lists them and never changes once issued (a
correction is a new bill that names the one it replaces). A payment settles bill lines oldest first,
whole worker-months at a time: each settled line is a Settlement that ties the payment, the line and
the month paid (coverage.Contribution, the one record `paid_through` follows) together.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.phones import mask_phone
from campaigns.models import Campaign, FundingSource
from config.verdicts import Verdict
from coverage.models import Contribution
from enrollment.models import Enrollment, Worker
from regions.models import Region
from regions.reach import reach_q


class PayerQuerySet(models.QuerySet):
    def for_user(self, user) -> PayerQuerySet:
        return self.filter(reach_q(user, "region__code"))

    def credits(self) -> dict[int, int]:
        """The payers among these holding credit (paid and not yet settled), in two queries however
        many: a month's bills reach every village of the country."""
        paid = dict(
            Payment.objects.filter(payer__in=self).order_by().values("payer")
            .annotate(n=Sum("amount")).values_list("payer", "n")
        )  # fmt: skip
        settled = dict(
            Settlement.objects.filter(payment__payer_id__in=list(paid)).order_by().values("payment__payer")
            .annotate(n=Sum("amount")).values_list("payment__payer", "n")
        )  # fmt: skip
        return {
            payer: amount - settled.get(payer, 0)
            for payer, amount in paid.items()
            if amount > settled.get(payer, 0)
        }


class Payer(models.Model):
    """Whoever must pay a worker's contribution: a regency or province (APBD), a village's government
    (each village pays its own workers in a village-funded campaign), a company (CSR) or the worker.
    `region` is where it belongs: the village for a village or a worker, the organizer otherwise."""

    class Kind(models.TextChoices):
        REGION = "region", _("Regional government (APBD)")
        VILLAGE = "village", _("Village government (APB Desa)")
        COMPANY = "company", _("Company (CSR)")
        WORKER = "worker", _("The worker (self-paid)")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="payers"
    )
    funding_source = models.ForeignKey(
        FundingSource, verbose_name=_("funding source"), on_delete=models.PROTECT, null=True, blank=True
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(
        Worker, verbose_name=_("worker"), on_delete=models.PROTECT, null=True, blank=True
    )
    name = models.CharField(_("name"), max_length=250)
    # One payer per (campaign, source, region, worker): the four as one text, so that NULLs compare
    # equal on every database (a unique constraint over nullable columns lets duplicates through).
    key = models.CharField(max_length=80, unique=True, editable=False)

    history = HistoricalRecords()
    objects = PayerQuerySet.as_manager()

    class Meta:
        verbose_name = _("payer")
        verbose_name_plural = _("payers")
        ordering = ["region__code", "name"]
        # The payer list's order: its first page from the index, not a sort of the country's payers.
        indexes = [
            models.Index(fields=["name", "id"], name="billing_payer_name"),
            models.Index(fields=["campaign", "kind"], name="billing_payer_campaign_kind"),
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def key_for(campaign_id: int, source_id: int | None, region_id: int, worker_id: int | None) -> str:
        return f"{campaign_id}:{source_id or '-'}:{region_id}:{worker_id or '-'}"

    def can_keep_accounts(self, user) -> Verdict:
        """Record its payments, undo them, correct its bills: officials whose area holds the payer."""
        return Verdict.when(
            user.acts_as_official and user.reaches(self.region),
            _("You may not record payments or correct bills for %(payer)s.") % {"payer": self.name},
        )

    def credit(self) -> int:
        """Paid and not yet settled against a bill line: used by the next bill (billing.services.settle)."""
        return Payer.objects.filter(pk=self.pk).credits().get(self.pk, 0)


class PayerContact(models.Model):
    """Someone of the payer who receives its bills and reminders: the village head, the treasurer, a
    company's officer."""

    class Role(models.TextChoices):
        HEAD = "head", _("Village head")
        TREASURER = "treasurer", _("Treasurer")
        OFFICER = "officer", _("Officer")
        OTHER = "other", _("Other")

    payer = models.ForeignKey(
        Payer, verbose_name=_("payer"), on_delete=models.CASCADE, related_name="contacts"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    name = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("mobile phone"), max_length=16)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("payer contact")
        verbose_name_plural = _("payer contacts")
        ordering = ["role", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class PayerChange(models.Model):
    """From a month on, this enrollment's payer is another (a CSR pledge that ends, a worker who takes
    over): the derived payer applies before it."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="payer_changes")
    payer = models.ForeignKey(Payer, verbose_name=_("payer"), on_delete=models.PROTECT, related_name="+")
    starts = models.DateField(_("from the month"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("change of payer")
        verbose_name_plural = _("changes of payer")
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "starts"], name="billing_payerchange_once_a_month"),
            models.CheckConstraint(condition=Q(starts__day=1), name="billing_payerchange_starts_a_month"),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id} {self.starts:%Y-%m}: {self.payer_id}"


class BillQuerySet(models.QuerySet):
    def for_user(self, user) -> BillQuerySet:
        return self.filter(reach_q(user, "payer__region__code"))

    def in_force(self) -> BillQuerySet:
        """Bills not replaced by a correction."""
        return self.filter(replaced_by__isnull=True)


class Bill(models.Model):
    """A payer's monthly bill (tagihan): the workers and months due, issued once and never changed."""

    payer = models.ForeignKey(Payer, verbose_name=_("payer"), on_delete=models.PROTECT, related_name="bills")
    month = models.DateField(_("month"))
    number = models.CharField(_("bill number"), max_length=40, unique=True)
    due_on = models.DateField(_("due on"))
    total = models.PositiveBigIntegerField(_("total (Rp)"))
    # What of the total is paid: kept by every settlement and undo (billing.services), as a quota keeps
    # its counts, so a province's bill of a million lines says what it lacks without summing them.
    paid = models.PositiveBigIntegerField(_("paid (Rp)"), default=0, db_default=0)
    workers = models.PositiveIntegerField(_("workers"))
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    correction_reason = models.CharField(_("why it was corrected"), max_length=250, blank=True)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = BillQuerySet.as_manager()

    class Meta:
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        ordering = ["-month", "number"]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="billing_bill_month_is_a_month")
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def unpaid(self) -> int:
        return self.total - self.paid


class BillLineQuerySet(models.QuerySet):
    def open(self) -> BillLineQuerySet:
        """Lines of bills in force whose month is not paid yet, by whatever path it was paid (the
        month paid is the one record: coverage.Contribution)."""
        paid = Contribution.objects.filter(enrollment=OuterRef("enrollment"), month=OuterRef("month"))
        return self.filter(bill__replaced_by__isnull=True).exclude(Exists(paid))

    def oldest_first(self) -> BillLineQuerySet:
        """The order a payment settles them: oldest bill, oldest month, oldest cover."""
        return self.order_by("bill__month", "month", "enrollment__coverage_starts", "enrollment_id")


class BillLine(models.Model):
    """One worker-month on a bill, at the rate in force for that month and payer."""

    # Two indexes, not three: a month's bills write millions of lines, and each index costs every one
    # of them. The unique constraint's index serves a bill's lines; (enrollment, month) serves a
    # worker's lines and "billed for this month already".
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="lines", db_index=False)
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.PROTECT, related_name="bill_lines", db_index=False
    )
    month = models.DateField(_("month"))
    amount = models.PositiveIntegerField(_("amount (Rp)"))

    objects = BillLineQuerySet.as_manager()

    class Meta:
        ordering = ["month", "enrollment_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["bill", "enrollment", "month"], name="billing_billline_once_a_bill"
            ),
        ]
        indexes = [models.Index(fields=["enrollment", "month"], name="billing_billline_worker_month")]

    def __str__(self) -> str:
        return f"{self.bill_id} {self.enrollment_id} {self.month:%Y-%m}: {self.amount}"


class Payment(models.Model):
    """Money a payer paid, with the reference that proves it (unique per channel)."""

    class Channel(models.TextChoices):
        TELLER = "teller", _("Bank teller")
        TRANSFER = "transfer", _("ATM / internet banking")
        VIRTUAL_ACCOUNT = "va", _("Virtual account")
        RETAIL = "retail", _("Retail outlet")
        EWALLET = "ewallet", _("E-wallet")

    payer = models.ForeignKey(
        Payer, verbose_name=_("payer"), on_delete=models.PROTECT, related_name="payments"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    reference = models.CharField(
        _("reference number"),
        max_length=40,
        help_text=_("The kode iuran, transaction number or receipt number."),
    )
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    paid_on = models.DateField(_("paid on"))
    proof = models.FileField(_("proof of payment (scan)"), upload_to="payments/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                # The reference first: the admin's search by reference alone reads this index.
                fields=["reference", "channel"],
                name="billing_payment_reference_once_per_channel",
                violation_error_message=_("This reference has been recorded already."),
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="billing_payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.reference}"


class Settlement(models.Model):
    """A bill line paid by a payment: the month paid it recorded (a bill line is settled once)."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="settlements")
    line = models.OneToOneField(BillLine, on_delete=models.PROTECT, related_name="settlement")
    contribution = models.OneToOneField(Contribution, on_delete=models.PROTECT, related_name="settlement")
    amount = models.PositiveIntegerField(_("amount (Rp)"))

    def __str__(self) -> str:
        return f"{self.payment_id} -> {self.line_id}: {self.amount}"


class Arrears(models.Model):
    """What a payer owes past due, as last counted by `billing.arrears.arrears_refresh` (the background
    worker, and at once after a payment to it or a corrected bill): the arrears list, its download and
    the home pages read these rows, not the bill lines (20 s for the whole country, bench/RESULTS.md)."""

    payer = models.OneToOneField(
        Payer, verbose_name=_("payer"), on_delete=models.CASCADE, primary_key=True, related_name="arrears"
    )
    amount = models.PositiveBigIntegerField(_("overdue (Rp)"))
    workers = models.PositiveIntegerField(_("workers"))
    months = models.PositiveIntegerField(_("worker-months"))
    lapsing = models.PositiveIntegerField(_("lapse at the end of this month"))
    lapsing_next = models.PositiveIntegerField(_("lapse at the end of next month"), default=0)
    counted_at = models.DateTimeField(_("counted at"))

    class Meta:
        verbose_name = _("arrears")
        verbose_name_plural = _("arrears")
        indexes = [
            # The list's orders (billing.arrears.SORTS) with their ties, so a page is read off the
            # index rather than sorting every payer of the country (the cliff's order: 0.1 s, issue 25).
            models.Index(fields=["-amount", "payer"], name="billing_arrears_by_amount"),
            models.Index(fields=["-lapsing", "-amount", "payer"], name="billing_arrears_by_lapsing"),
        ]

    def __str__(self) -> str:
        return f"{self.payer_id}: {self.amount}"


class ReminderRule(models.Model):
    """When a reminder is written, to whom, on which channel: a table an administrator edits."""

    class Kind(models.TextChoices):
        BILL_ISSUED = "bill_issued", _("A bill is issued (to the payer's contacts)")
        DUE_SOON = "due_soon", _("A bill falls due in some days (to the payer's contacts)")
        DUE_TODAY = "due_today", _("A bill falls due today (to the payer's contacts)")
        CLIFF = "cliff", _("Workers lapse at the end of the month (to the payer and the village's agents)")
        WORKER_LAPSING = (
            "worker_lapse",
            _("A worker's cover lapses at the end of the month (to the worker, if agreed)"),
        )

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        WHATSAPP = "whatsapp", _("WhatsApp")

    kind = models.CharField(_("when"), max_length=12, choices=Kind.choices, unique=True)
    active = models.BooleanField(_("active"), default=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.SMS)
    days = models.PositiveSmallIntegerField(
        _("days before"),
        default=0,
        help_text=_("For a bill due soon: 7; for the lapse at the month's end: 14."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.get_kind_display()


class MessageQuerySet(models.QuerySet):
    def for_user(self, user) -> MessageQuerySet:
        return self.filter(reach_q(user, "payer__region__code"))


class Message(models.Model):
    """One reminder to one phone, written by a rule and sent by the background worker. `event` names
    what it is about (rule, bill or month, recipient, channel): the same reminder is never sent twice."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    payer = models.ForeignKey(
        Payer, verbose_name=_("payer"), on_delete=models.PROTECT, related_name="messages"
    )
    kind = models.CharField(_("reminder"), max_length=12, choices=ReminderRule.Kind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=ReminderRule.Channel.choices)
    to = models.CharField(_("to"), max_length=16)
    recipient = models.CharField(_("recipient"), max_length=150)
    text = models.CharField(_("text"), max_length=320)
    event = models.CharField(max_length=120, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    not_before = models.DateTimeField(_("not before"))
    answer = models.CharField(_("gateway's answer"), max_length=300, blank=True)
    # The gateway's own id of the message, from its answer: its delivery receipt names it.
    gateway_id = models.CharField(_("gateway's id"), max_length=64, blank=True, db_index=True)
    enrollment = models.ForeignKey(
        Enrollment,
        verbose_name=_("worker"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "not_before"], name="billing_message_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient}"

    @property
    def masked_to(self) -> str:
        return mask_phone(self.to)

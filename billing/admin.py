from django.contrib import admin

from config.admin import ExactSearchAdmin, HistoryAdmin, RecordAdmin

from .models import Bill, Message, Payer, Payment, ReminderRule


@admin.register(Payer)
class PayerAdmin(HistoryAdmin):
    list_display = ["name", "kind", "region", "campaign"]
    list_filter = ["kind"]
    search_fields = ["name"]
    raw_id_fields = ["campaign", "funding_source", "region", "worker"]
    readonly_fields = ["key"]


@admin.register(Bill)
class BillAdmin(ExactSearchAdmin, RecordAdmin):
    """A bill never changes once issued: a correction is a new bill."""

    list_display = ["number", "payer", "month", "total", "workers", "due_on"]
    search_fields = ["number"]  # the whole number, on its unique index (ExactSearchAdmin)
    exact_search, upper_case = "number", True
    raw_id_fields = ["payer", "replaces"]


@admin.register(Payment)
class PaymentAdmin(ExactSearchAdmin, RecordAdmin):
    list_display = ["reference", "channel", "payer", "amount", "paid_on"]
    list_filter = ["channel"]
    search_fields = ["reference"]  # the whole reference, on the unique index it leads (ExactSearchAdmin)
    exact_search = "reference"
    raw_id_fields = ["payer"]


@admin.register(ReminderRule)
class ReminderRuleAdmin(HistoryAdmin):
    """The rules that write reminders: on or off, the channel, how many days before."""

    list_display = ["kind", "active", "channel", "days"]
    list_editable = ["active", "channel", "days"]


@admin.register(Message)
class MessageAdmin(RecordAdmin):
    list_display = ["created_at", "kind", "recipient", "channel", "status", "attempts"]
    list_filter = ["status", "kind", "channel"]
    raw_id_fields = ["payer"]

import datetime as dt
from typing import Any

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import ModelChange, ModelChangeValue
from simple_history.template_utils import HistoricalRecordContextHelper

from .pagination import EstimatedCountPaginator

EMPTY = "\u2013"  # an en dash: the value was empty


class RecordAdmin(admin.ModelAdmin):
    """A record of what users did (an export, a sign-off step, an import): read it, never write or
    delete it."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class OfferedSortsChangeList(ChangeList):
    """Sorts only by the columns the page offers (`sortable_by`): Django sorts by any column's
    number in `?o=`, and a hand-made one on an unindexed column sorted millions of rows (1-1.5 s)."""

    def get_ordering_field(self, field_name):
        if self.sortable_by is not None and field_name not in self.sortable_by:
            return None
        return super().get_ordering_field(field_name)


class MillionsAdmin(admin.ModelAdmin):
    """A changelist over millions of rows: sorted only as an index orders (`sortable_by`, which a
    hand-made address cannot get round), counted by estimate (EstimatedCountPaginator)."""

    show_full_result_count = False
    paginator = EstimatedCountPaginator

    def get_changelist(self, request, **kwargs):
        return OfferedSortsChangeList


class ExactSearchAdmin(admin.ModelAdmin):
    """A search for one whole number (a bill's, a payment's reference) by equality on its unique
    index. Django's "=field" compares UPPER() of both sides, which no index serves: a sequential
    scan of every row (issue 25). Written as people type it: spaces around it do not count."""

    exact_search: str  # the field searched
    upper_case = False  # numbers the system writes in capitals (a bill's) are found typed in any case

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(**{self.exact_search: term.upper() if self.upper_case else term}), False


class ReadableHistory(HistoricalRecordContextHelper):
    """A change in the admin's history as a person reads it: "Status: Terdaftar → Aktif", dates in
    Indonesian and in Jakarta's time, an empty value as a dash (not "None", nor "Deleted pengguna
    (pk=None)" for a person not yet named)."""

    def prepare_delta_change_value(self, change: ModelChange, value: ModelChangeValue) -> Any:
        value = super().prepare_delta_change_value(change, value)
        field = self.model._meta.get_field(change.field)
        if value is None or value == "" or getattr(value, "pk", True) is None:
            return EMPTY
        if getattr(field, "choices", None) and not field.is_relation:
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, bool):
            return gettext("Yes") if value else gettext("No")
        if isinstance(value, dt.datetime):
            return date_format(timezone.localtime(value), "DATETIME_FORMAT")
        if isinstance(value, dt.date):
            return date_format(value)
        return value


class HistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's admin, its changes written as sentences (ReadableHistory)."""

    def get_historical_record_context_helper(self, request, historical_record) -> ReadableHistory:
        return ReadableHistory(self.model, historical_record)

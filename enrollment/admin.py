import re

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.admin import HistoryAdmin, MillionsAdmin

from .models import Enrollment, Erasure, Heir, Worker
from .nik import nik_digits


def identity_lookup(term: str, through: str = "") -> dict[str, str] | None:
    """The filter for a NIK or KPJ typed into an admin search, with spaces, dots or dashes; None for a
    name. One field per search, so that it reads one unique index."""
    term = term.strip()
    digits = nik_digits(term)
    if len(digits) == 16 and digits.isdigit():
        return {f"{through}nik": digits}
    kpj = re.sub(r"[\s.\-]", "", term)
    if kpj and any(c.isdigit() for c in kpj) and kpj.isalnum():
        return {f"{through}kpj_number": kpj}
    return None


class HeirInline(admin.TabularInline):
    model = Heir
    extra = 0
    fields = ["position", "name", "relationship", "nik", "removed_at"]

    def has_delete_permission(self, request, obj=None):
        return False  # heirs are marked removed, so that history keeps who was named


@admin.register(Worker)
class WorkerAdmin(MillionsAdmin, HistoryAdmin):
    """Identity only: what a worker declared is on each enrollment."""

    list_display = ["nik_shown", "sex", "birth_date", "kpj_number", "created"]
    sortable_by = ["nik_shown", "created"]  # the unique NIK's order, and the id's
    list_filter = ["sex"]
    search_fields = ["=nik"]  # exact only: no fishing by partial numbers (get_search_results)

    @admin.display(description=_("NIK"), ordering="nik")
    def nik_shown(self, worker: Worker) -> str:
        return worker.masked_nik or gettext("(erased)")

    @admin.display(description=_("created at"), ordering="pk")
    def created(self, worker: Worker):
        return worker.created_at  # ids rise with it: sorted by id, on its index

    def get_search_results(self, request, queryset, search_term):
        """A whole NIK or KPJ as people type it ("3214 1615 0895 0001", "3214.1615…"), found on its
        unique index; anything else finds nobody (no partial numbers)."""
        if not search_term.strip():
            return queryset, False  # no search: every worker, newest first, paged by estimate
        lookup = identity_lookup(search_term)
        return (queryset.filter(**lookup) if lookup else queryset.none()), False

    def has_delete_permission(self, request, obj=None):
        return False  # erasure keeps the row (and every count): see enrollment/erasure.py


@admin.register(Enrollment)
class EnrollmentAdmin(MillionsAdmin, HistoryAdmin):
    list_display = ["full_name", "worker", "campaign", "village", "status", "entered"]
    # Only the orders an index gives: by name, campaign, status or entry time PostgreSQL sorted all
    # 8.4 million rows (0.4-1.5 s, bench/national.py --admin); entry time is the id's order.
    sortable_by = ["worker", "village", "entered"]
    list_filter = ["status", "campaign"]
    search_fields = ["full_name"]  # a NIK or a KPJ is recognised in get_search_results
    inlines = [HeirInline]
    autocomplete_fields = ["worker", "village"]
    raw_id_fields = ["funding_source"]
    list_select_related = ["worker", "campaign", "village"]
    # Newest first by key (an index read, where sorting by entry date sorted every row), and no date
    # drill-down.
    ordering = ["-pk"]
    # Slots are kept by the services; status and village are not edited here, where they would bypass them.
    readonly_fields = [
        "status",
        "campaign",
        "village",
        "entered_by",
        "entered_at",
        "verified_by",
        "verified_at",
        "activated_by",
        "activated_at",
        "closed_by",
        "closed_at",
        "consent_given_at",
        "consent_collected_by",
        "erasure",
        "renewed_from",
    ]

    @admin.display(description=_("entered at"), ordering="pk")
    def entered(self, enrollment: Enrollment):
        return enrollment.entered_at  # ids rise with entry times: sorted by id, on its index

    def get_search_results(self, request, queryset, search_term):
        """One field per search, chosen by what was typed: a NIK, a KPJ or a name. The three OR-ed
        together, across two tables, could use no index and read all 8.4 million enrollments."""
        if lookup := identity_lookup(search_term, through="worker__"):
            return queryset.filter(**lookup), False
        return super().get_search_results(request, queryset, search_term.strip())

    def has_delete_permission(self, request, obj=None):
        return False  # invariant 3: enrollments are cancelled or rejected, never deleted


@admin.register(Erasure)
class ErasureAdmin(admin.ModelAdmin):
    """The record of erasures: who, when, why and how many, never what."""

    list_display = ["erased_at", "erased_by", "reason", "enrollment_count"]
    readonly_fields = ["erased_at", "erased_by", "reason", "enrollment_count"]

    def has_add_permission(self, request):
        return False  # erasing goes through the enrollment page or purge_personal_data

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Enrollment, Heir, Worker


class HeirInline(admin.TabularInline):
    model = Heir
    extra = 0


@admin.register(Worker)
class WorkerAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "masked_nik", "sex", "birth_date", "occupation", "village"]
    list_filter = ["sex", "occupation"]
    search_fields = ["=nik", "full_name"]  # NIK exact only, names by part
    autocomplete_fields = ["village"]
    inlines = [HeirInline]
    list_select_related = ["village"]
    show_full_result_count = False


@admin.register(Enrollment)
class EnrollmentAdmin(SimpleHistoryAdmin):
    list_display = ["worker", "campaign", "village", "status", "entered_at", "kpj_number"]
    list_filter = ["status", "campaign"]
    search_fields = ["=worker__nik", "worker__full_name", "=kpj_number"]
    autocomplete_fields = ["worker", "village"]
    raw_id_fields = ["funding_source"]
    date_hierarchy = "entered_at"
    list_select_related = ["worker", "campaign", "village"]
    show_full_result_count = False
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
    ]

    def has_delete_permission(self, request, obj=None):
        return False  # invariant 3: enrollments are cancelled or rejected, never deleted

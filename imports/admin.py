from django.contrib import admin

from config.admin import RecordAdmin

from .models import ColumnMapping, ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(RecordAdmin):
    list_display = [
        "uploaded_at",
        "kind",
        "state",
        "file_name",
        "campaign",
        "uploaded_by",
        "rows",
        "enrolled",
        "reserved",
        "undone_at",
    ]
    list_filter = ["kind", "state"]
    list_select_related = ["campaign", "uploaded_by"]
    search_fields = ["file_name", "checksum", "uploaded_by__username"]
    raw_id_fields = ["enrollments"]


@admin.register(ColumnMapping)
class ColumnMappingAdmin(admin.ModelAdmin):
    """A remembered mapping that turned out wrong is deleted here; the next file asks again."""

    list_display = ["__str__", "saved_by", "saved_at"]
    readonly_fields = ["shape", "headers", "fields", "saved_by", "saved_at"]

    def has_add_permission(self, request) -> bool:
        return False

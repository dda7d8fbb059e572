from django.contrib import admin

from config.admin import RecordAdmin

from .models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(RecordAdmin):
    list_display = [
        "uploaded_at",
        "file_name",
        "campaign",
        "uploaded_by",
        "rows",
        "enrolled",
        "reserved",
        "undone_at",
    ]
    list_select_related = ["campaign", "uploaded_by"]
    search_fields = ["file_name", "checksum", "uploaded_by__username"]
    raw_id_fields = ["enrollments"]

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from config.admin import RecordAdmin

from .models import BranchLayout, ExportLog, SignoffStep


@admin.register(ExportLog)
class ExportLogAdmin(RecordAdmin):
    list_display = [
        "created_at",
        "user",
        "kind",
        "file_format",
        "campaign",
        "whole_personal_data",
        "row_count",
    ]
    list_filter = ["kind", "file_format", "whole_personal_data"]
    search_fields = ["user__username", "purpose"]
    list_select_related = ["user", "campaign"]
    date_hierarchy = "created_at"


@admin.register(SignoffStep)
class SignoffStepAdmin(RecordAdmin):
    list_display = ["at", "quota", "action", "stage", "by", "workers"]
    list_filter = ["action", "stage"]
    list_select_related = ["quota__village", "by"]
    raw_id_fields = ["quota"]
    search_fields = ["quota__village__code", "quota__village__name"]


@admin.register(BranchLayout)
class BranchLayoutAdmin(SimpleHistoryAdmin):
    list_display = ["name", "region", "file_format", "date_format", "saved_by", "saved_at"]
    list_select_related = ["region", "saved_by"]
    raw_id_fields = ["region"]
    search_fields = ["name", "region__code"]

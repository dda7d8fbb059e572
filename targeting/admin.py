from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from config.admin import RecordAdmin

from .models import NearDuplicate, TargetList, Visit


@admin.register(TargetList)
class TargetListAdmin(RecordAdmin):
    """A list's record (its people are withdrawn from the page, not here: the list keeps its record)."""

    list_display = ["round", "source", "region", "state", "people", "given_by", "given_on", "created_at"]
    list_filter = ["state", "source"]
    list_select_related = ["region"]
    search_fields = ["round", "given_by", "document_number", "region__code"]
    raw_id_fields = ["region", "replaced_by"]


@admin.register(Visit)
class VisitAdmin(SimpleHistoryAdmin, RecordAdmin):
    list_display = ["village", "outcome", "recorded_by", "recorded_at"]
    list_filter = ["outcome"]
    list_select_related = ["village", "recorded_by"]
    raw_id_fields = ["village"]


@admin.register(NearDuplicate)
class NearDuplicateAdmin(SimpleHistoryAdmin, RecordAdmin):
    list_display = ["village", "reason", "decision", "found_at", "decided_by", "merged"]
    list_filter = ["decision", "reason"]
    list_select_related = ["village", "decided_by"]
    raw_id_fields = ["first", "second", "village"]

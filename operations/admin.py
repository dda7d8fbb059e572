from django.contrib import admin

from operations.models import ScheduledRun


@admin.register(ScheduledRun)
class ScheduledRunAdmin(admin.ModelAdmin):
    """When each scheduled job last ran and whether one runs now; written only by the jobs."""

    list_display = ["job", "finished_at", "holder", "started_at", "held_until", "runs", "skipped"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
